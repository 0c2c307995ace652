"""The acknowledgements and the panel's invitation, looked at again on the day they go.

Pure: no clock and no I/O. They go without approval, as soon as they are written; an outage
can hold them for days, and then they would say what is no longer true:

* complaint_acknowledgement, to a member of the public: "We will send you a written response
  by <day>". Once that day has come it is written again as of the day it goes: it says sorry
  that it is late and that the response will follow as soon as possible, as one written that
  late would (the complainant needs the acknowledgement, the reference and the Ombudsman's
  details more than a date, and no date is better than a wrong one). A receipt day or a
  response date corrected since is written again the same way.
* sin_acknowledgement, to the referrer: "The panel is booked for <time>" and key dates. A
  panel time come or gone is written as gone by ("was booked for ..., before this could be
  sent"), a panel moved or called off as it now stands, and a key date whose day has come is
  marked as at writing: "(today)", "(this date has passed)".
* screening_invitation, to the panel: invited to a meeting that has begun or gone it would be
  asked to something that cannot happen, and no rewording makes it true: it is held, and the
  Business Manager books another time (`Reschedule:`), which invites the panel afresh. One
  for a meeting moved or called off since is withdrawn: a later invitation, or the
  cancellation, says what stands. One whose key dates changed is written again as of the day.

Written again, each is re-dated to the day it goes: its Date, its marks, its words.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from bot.core.deadlines import fmt_date, may_promise
from bot.core.stated_dates import (
    COMPLAINT_ACK,
    INVITATION,
    SIN_ACK,
    Action,
    Stated,
    Verdict,
)

RESCHEDULE = (
    "book another time with Reschedule: <date> <time>, which invites the panel afresh; "
    "recording the panel's decision, or closing the case, withdraws it"
)


@dataclass(frozen=True)
class CaseNow:
    """The case as it stands when the email is about to go."""

    received: date | None = None  # the day the complaint or SIN was received
    reply_due: date | None = None  # a complaint's response date, while no response is recorded
    meeting_at: datetime | None = None  # the Screening Panel's start (local); None: none booked
    key_dates: tuple[tuple[date, bool], ...] = ()  # each deadline's due day, and whether met
    decided: bool = False  # the Screening Panel's decision is recorded


def mark(due: date, met: bool, on: date) -> str:
    """How a key date is shown in an email written on `on`: never as still to come once its
    day has come."""
    if met or may_promise(due, on):
        return ""
    return "today" if due == on else "passed"


def key_dates_on(dates: tuple[tuple[date, bool], ...], on: date) -> tuple[tuple[date, str], ...]:
    return tuple(sorted((due, mark(due, met, on)) for due, met in dates))


def on_sending_ack(
    kind: str, stated: Stated, now: datetime, on: date, live: CaseNow
) -> Verdict | None:
    """Whether the acknowledgement or invitation saying `stated` may go as written at `now`
    (on the local day `on`); None when it may."""
    if kind == COMPLAINT_ACK:
        return _complaint(stated, on, live)
    if kind == SIN_ACK:
        return _sin_ack(stated, now, on, live)
    if kind == INVITATION:
        return _invitation(stated, now, on, live)
    return None


def _complaint(stated: Stated, on: date, live: CaseNow) -> Verdict | None:
    if stated.received is None or live.received is None or live.reply_due is None:
        return None  # answered, or no clock to compare: nothing it says is counted again
    reply_by = live.reply_due if may_promise(live.reply_due, on) else None
    if (live.received, reply_by) == (stated.received, stated.promised):
        return None
    said = _complaint_words(stated.received, stated.promised)
    now_says = _complaint_words(live.received, reply_by)
    todo = "" if reply_by else "its written response is overdue: send it as soon as you can"
    restated = replace(stated, written_on=on, received=live.received, promised=reply_by)
    return Verdict(
        Action.REWORD,
        f"it said {said}; it went on {fmt_date(on)} saying {now_says}",
        todo,
        restated=restated,
    )


def _complaint_words(received: date, reply_by: date | None) -> str:
    then = (
        f"a written response by {fmt_date(reply_by)}"
        if reply_by is not None
        else "sorry that it is late, and a written response as soon as possible"
    )
    return f"the complaint was received on {fmt_date(received)}, {then}"


def _sin_ack(stated: Stated, now: datetime, on: date, live: CaseNow) -> Verdict | None:
    gone = live.meeting_at is not None and live.meeting_at <= now
    dates = key_dates_on(live.key_dates, on)
    panel = (live.meeting_at, gone) != (stated.meeting_at, stated.meeting_gone)
    # Kept since the receipt could be corrected; one written before gives no day to compare.
    received = stated.received is not None and stated.received != live.received
    if not (panel or received) and dates == stated.key_dates:
        return None
    changed = [_panel_change(stated.meeting_at, live.meeting_at, gone)] if panel else []
    if received:
        changed.append(
            f"it counted from {_day(stated.received)}, corrected since to {_day(live.received)}"
        )
    if dates != stated.key_dates:
        changed.append(_dates_change(stated.key_dates, dates))
    restated = replace(
        stated,
        written_on=on,
        received=live.received if stated.received is not None else None,
        meeting_at=live.meeting_at,
        meeting_gone=gone,
        key_dates=dates,
    )
    return Verdict(Action.REWORD, _reworded(on, changed), restated=restated)


def _panel_change(said: datetime | None, now_at: datetime | None, gone: bool) -> str:
    before = f"it gave the Screening Panel as booked for {_when(said)}" if said else ""
    if said is None and now_at is not None:
        since = f"a panel was booked since, for {_when(now_at)}"
        return f"it gave no Screening Panel time; {since}" + (", gone by since" if gone else "")
    if now_at is None:
        return f"{before}; the meeting was called off since" if before else "no panel is booked"
    if said is not None and said != now_at:
        return f"{before}; it was moved to {_when(now_at)}" + (", gone by since" if gone else "")
    return f"{before}, which had come or gone by the day it could go"


def _dates_change(said: tuple[tuple[date, str], ...], now: tuple[tuple[date, str], ...]) -> str:
    come = [due for due, m in now if m and (due, m) not in said]
    if come:
        days = ", ".join(fmt_date(d) for d in come)
        return f"it listed key dates as still to come ({days}) whose day had come"
    return "its key dates changed since it was written"


def _reworded(on: date, changed: list[str]) -> str:
    return f"{'; '.join(changed)}: it was written again as of {fmt_date(on)}"


def _invitation(stated: Stated, now: datetime, on: date, live: CaseNow) -> Verdict | None:
    said = stated.meeting_at
    if said is None:
        return None
    if live.decided:
        return Verdict(Action.WITHDRAW, "the panel's decision was recorded before it could go")
    if live.meeting_at != said:
        since = "called off" if live.meeting_at is None else f"moved to {_when(live.meeting_at)}"
        return Verdict(
            Action.WITHDRAW,
            f"it invites the panel to meet at {_when(said)}, but the meeting was {since} "
            "before it could go",
        )
    if said <= now:
        return Verdict(
            Action.HOLD,
            f"the meeting it invites the panel to ({_when(said)}) had begun or gone by",
            RESCHEDULE,
        )
    dates = key_dates_on(live.key_dates, on)
    if dates == stated.key_dates:
        return None
    restated = replace(stated, written_on=on, key_dates=dates)
    changed = [_dates_change(stated.key_dates, dates)]
    return Verdict(Action.REWORD, _reworded(on, changed), restated=restated)


def _day(on: date | None) -> str:
    return fmt_date(on) if on is not None else "no day"


def _when(at: datetime | None) -> str:
    return f"{fmt_date(at.date())} {at:%H:%M}" if at is not None else "no time"
