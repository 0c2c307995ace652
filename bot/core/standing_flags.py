"""How long an item stays under "Needs your attention" in the digest.

An item stays until what caused it is put right, where the bot can see that: the case was
closed (which hides everything on it but the closing's own flags, and whatever the closing
raised, such as a meeting it could not cancel, while it is closed), or the
deadline the item is about was met. `Reopen:` brings back every item the closing only hid
(a Scrutineer's disagreement, a question still on the triage list, an email not delivered):
it settles only what closing truly did, the closing's own flags (its reply names every clock
still unmet afresh) and those about the Screening Panel meeting that closing called off or
that had gone by (SETTLED_BY_CLOSING). Where the bot
cannot see it (a refused command, a Scrutineer's disagreement, a notice that went out untrue),
the item stays for FLAG_KEPT_WORKING_DAYS working days after it was last raised, its age
shown, and is then counted, not listed. The same item raised again (a form read twice, say) is
one line, not one a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from bot.core.deadlines import fmt_date
from bot.core.working_days import WorkingCalendar

FLAG_KEPT_WORKING_DAYS = 20
# Said of the closing itself: what was owed when the case closed is not put right by closing it.
CLOSING_FLAGS = frozenset({"closed_with_cspr_owed", "closed_with_clocks_open"})
# What closing a case truly settles, so that `Reopen:` brings none of it back: the closing's
# own flags, and those about a Screening Panel meeting, which closing calls off (or which had
# gone by): the reply to `Reopen:` names the screening clock if it is unmet, and how to invite
# the panel again. The rest were only hidden while the case was closed.
SETTLED_BY_CLOSING = CLOSING_FLAGS | frozenset(
    {
        "meeting_declined",
        "meeting_new_time_proposed",
        "screening_calendar_failed",
        "screening_after_deadline",
    }
)
# The deadline whose meeting puts each of these flags right.
SETTLED_BY = {
    "screening_not_booked": "screening_meeting",
    "screening_after_deadline": "screening_meeting",
    "screening_calendar_failed": "screening_meeting",
    "meeting_declined": "screening_meeting",
    "meeting_new_time_proposed": "screening_meeting",
    "awareness_flag": "panel_notification",
    "looked_after_death": "looked_after_death_notification",
    "looked_after_death_check": "looked_after_death_notification",
}


@dataclass(frozen=True)
class RaisedFlag:
    """One time a flag was raised, with what the bot knows of its case today."""

    ref: str
    what: str
    detail: str
    on: date
    case_open: bool
    after_closing: bool  # raised after the case was last closed (it may be open again since)
    settled: bool  # its SETTLED_BY deadline is met (or not required)
    # Raised before the case was last reopened: shown again unless the closing settled it
    # (SETTLED_BY_CLOSING).
    before_reopening: bool = False


@dataclass(frozen=True)
class StandingFlag:
    ref: str
    what: str
    detail: str
    first_on: date
    times: int


def standing_flags(
    raised: Iterable[RaisedFlag], today: date, calendar: WorkingCalendar
) -> tuple[list[StandingFlag], int]:
    """The items still to list, oldest raised first, and how many older ones are counted only.
    `raised` comes oldest first."""
    groups: dict[tuple[str, str, str], list[RaisedFlag]] = {}
    for r in raised:
        groups.setdefault((r.ref, r.what, r.detail), []).append(r)
    since = calendar.add_working_days(today, -FLAG_KEPT_WORKING_DAYS)
    kept: list[StandingFlag] = []
    older = 0
    for (ref, what, detail), times in groups.items():
        last = times[-1]
        if _put_right(last):
            continue
        if (last.case_open and what in SETTLED_BY) or last.on >= since:
            kept.append(StandingFlag(ref, what, detail, times[0].on, len(times)))
        else:
            older += 1
    return kept, older


def _put_right(last: RaisedFlag) -> bool:
    if last.settled or (last.before_reopening and last.what in SETTLED_BY_CLOSING):
        return True
    return not last.case_open and not last.after_closing and last.what not in CLOSING_FLAGS


def raised_words(flag: StandingFlag, today: date, calendar: WorkingCalendar) -> str:
    """ "raised 12 working days ago" (and how often), so an old item reads as old."""
    if flag.first_on.year not in calendar.years or today.year not in calendar.years:
        when = f"raised on {fmt_date(flag.first_on)}"
    else:
        n = calendar.working_days_between(flag.first_on, today)
        when = "raised today" if n <= 0 else f"raised {n} working day{'' if n == 1 else 's'} ago"
    return when + (f", {flag.times} times" if flag.times > 1 else "")


def older_words(count: int) -> str:
    return (
        f"{count} item{'' if count == 1 else 's'} on open cases raised more than "
        f"{FLAG_KEPT_WORKING_DAYS} working days ago, which the bot cannot see put right, "
        "no longer listed: `tscp-bot case <reference>` shows each case's chronology"
    )
