"""What an email to an outside body says about time, and whether it is still true on the day
it actually goes.

Pure: no clock and no I/O. An email's words are written when it is queued, or when the
Business Manager approves it; the mail server may then be down, or the bot stopped, for days.
Its stated facts (Stated) are kept with it, and just before it is sent they are looked at
again with the day it goes (on_sending):

* panel_delay_notice, "We expect to send you the completed Rapid Review by <day>", and
  reviewer_notice, "We expect the final report to be published by <day>": a promised day must
  still be to come (bot.core.deadlines.may_promise); once it has come the notice is held.
* publication_notice, "This notice is given <n> working days before publication", "Report
  sent to you by: <day>" (or "sent to you on <day>, <n> working days before"): held when a
  notice written on the sending day would give another figure, or say the report was sent
  otherwise; approved again, it is written as of that day.
* appendix_b_request, "This request was sent on <day>" and "return by <day>": true only on the
  day it was written. Sent on another day it is re-dated, not held: it says the day it really
  goes and gives the agency as many working days as it first gave, counted from then, never a
  return date earlier than the first. Its return clock is re-timed to match, and explained
  from the day it went (bot.core.return_dates). A request whose clock is gone, met or moved
  since it was written is withdrawn instead: nothing is owed on it.
* complaint_acknowledgement, sin_acknowledgement and screening_invitation: bot.core.stated_acks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from enum import StrEnum

from bot.core.deadlines import fmt_date, may_promise
from bot.core.publication import REQUIRED, check_notice
from bot.core.return_dates import Redating
from bot.core.working_days import CalendarRangeError, WorkingCalendar

DELAY_NOTICE = "panel_delay_notice"
REVIEWER_NOTICE = "reviewer_notice"
PUBLICATION_NOTICE = "publication_notice"
APPENDIX_B_REQUEST = "appendix_b_request"
COMPLAINT_ACK = "complaint_acknowledgement"
SIN_ACK = "sin_acknowledgement"
INVITATION = "screening_invitation"
# Written without approval, to the public, a referrer or the panel: written again as of the day
# they go, or held (bot.core.stated_acks).
ACKNOWLEDGEMENTS = frozenset({COMPLAINT_ACK, SIN_ACK, INVITATION})
CHECKED = frozenset(
    {DELAY_NOTICE, REVIEWER_NOTICE, PUBLICATION_NOTICE, APPENDIX_B_REQUEST, *ACKNOWLEDGEMENTS}
)


@dataclass(frozen=True)
class Stated:
    """What an email says about time, as written (kept with it in the outbox)."""

    written_on: date  # the day its words were written for
    promised: date | None = None  # a day it promises as still to come
    planned: date | None = None  # publication notice: the day publication is planned for
    given: int | None = None  # publication notice: the working days of notice it says
    late: bool = False  # publication notice: it says that is fewer than required
    report_sent_on: date | None = None  # publication notice: the report's sending it gives
    return_by: date | None = None  # Appendix B request: the return date it asks for
    received: date | None = None  # an acknowledgement: the receipt day it counts from
    meeting_at: datetime | None = None  # the Screening Panel's start it gives (local time)
    meeting_gone: bool = False  # ... as gone by when it was written, not as to come
    # The key dates it lists, each with its mark as written ("", "today", "passed").
    key_dates: tuple[tuple[date, str], ...] = ()
    # Its other words (not about time), kept to write it again as of the day it goes.
    kept: Mapping[str, object] = field(default_factory=dict)
    # Appendix B request: the working days the bot counted to its return date (None: a
    # Return by: given), for its explanation should it be re-dated.
    counted: int | None = None

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None or value is False or value == () or value == {}:
                continue
            if isinstance(value, date):  # a datetime too: its offset is kept
                out[f.name] = value.isoformat()
            elif f.name == "key_dates":
                out[f.name] = [[due.isoformat(), mark] for due, mark in value]
            else:
                out[f.name] = dict(value) if f.name == "kept" else value
        return out

    @classmethod
    def from_json(cls, data: object) -> Stated | None:
        """The stated facts kept as JSON; None when there are none, or they cannot be read."""
        if not isinstance(data, dict):
            return None
        try:
            dates = {k: date.fromisoformat(str(data[k])) for k in DATES if data.get(k) is not None}
            given, at, kept = data.get("given"), data.get("meeting_at"), data.get("kept", {})
            counted = data.get("counted")
            return cls(
                **dates,
                given=int(given) if given is not None else None,
                late=bool(data.get("late", False)),
                meeting_at=datetime.fromisoformat(str(at)) if at is not None else None,
                meeting_gone=bool(data.get("meeting_gone", False)),
                key_dates=tuple(
                    (date.fromisoformat(str(due)), str(mark))
                    for due, mark in data.get("key_dates", [])
                ),
                kept=dict(kept) if isinstance(kept, dict) else {},
                counted=int(counted) if counted is not None else None,
            )
        except (TypeError, ValueError):
            return None


DATES = ("written_on", "promised", "planned", "report_sent_on", "return_by", "received")


class Action(StrEnum):
    HOLD = "held"  # not sent: a person re-drafts or approves it again
    REDATE = "redated"  # written again with the day it goes, then sent
    REWORD = "reworded"  # an acknowledgement or invitation written again as of that day, sent
    WITHDRAW = "withdrawn"  # never sent: nothing it asks for is owed any more


@dataclass(frozen=True)
class ReturnClock:
    """The Appendix B clock a request is for, as it stands when the request is about to go."""

    due: date
    met_on: date | None = None


@dataclass(frozen=True)
class Verdict:
    action: Action
    untrue: str  # what it says that is no longer true (or, re-dated, what was changed)
    todo: str = ""  # what the Business Manager may do about it
    requested_on: date | None = None  # REDATE: the day it now says it was sent
    return_by: date | None = None  # REDATE: the return date it now gives
    redating: Redating | None = None  # REDATE: how that return date was counted again
    restated: Stated | None = None  # REWORD: what it says, written again as of the day it goes


def on_sending(
    kind: str,
    stated: Stated,
    on: date,
    cal: WorkingCalendar,
    *,
    report_sent_on: date | None = None,
    clock: ReturnClock | None = None,
) -> Verdict | None:
    """Whether the email of `kind` saying `stated` may go as written on `on`; None when it may.
    `report_sent_on`: the report's sending as the case now records it (publication notice);
    `clock`: the request's return clock as it stands, None when it is gone (Appendix B)."""
    if kind in (DELAY_NOTICE, REVIEWER_NOTICE) and stated.promised is not None:
        untrue = promise_untrue(stated.promised, on)
        return Verdict(Action.HOLD, untrue, _REDRAFT[kind]) if untrue else None
    if kind == PUBLICATION_NOTICE and stated.planned is not None and stated.given is not None:
        return _notice(stated, stated.planned, stated.given, on, cal, report_sent_on)
    if kind == APPENDIX_B_REQUEST and stated.return_by is not None:
        return _request(stated, stated.return_by, on, cal, clock)
    return None


_REDRAFT = {
    DELAY_NOTICE: "write Delay: <reason>; expected <date> again to draft it afresh",
    REVIEWER_NOTICE: "write Reviewer: <name> again to draft a notice that says the report is "
    "overdue",
}


def promise_untrue(promised: date, on: date) -> str | None:
    """Why a day promised as still to come cannot be promised on `on`, or None."""
    if may_promise(promised, on):
        return None
    return f"the date it gives ({fmt_date(promised)}) has passed"


def _notice(
    stated: Stated,
    planned: date,
    given: int,
    on: date,
    cal: WorkingCalendar,
    report_sent_on: date | None,
) -> Verdict | None:
    said = _notice_words(given, stated.late, stated.report_sent_on)
    todo = (
        "approve it again to have it written as of the day it goes, or plan another date "
        "(Publication: <date>)"
    )
    try:
        now = check_notice(on, planned, True, cal, report_sent_on)
    except CalendarRangeError:
        return Verdict(Action.HOLD, f"it says {said}; the working calendar cannot count it", todo)
    if (now.given, now.late, report_sent_on) == (given, stated.late, stated.report_sent_on):
        return None
    fresh = _notice_words(now.given, now.late, report_sent_on)
    return Verdict(Action.HOLD, f"it says {said}; sent on {fmt_date(on)}, {fresh}", todo)


def _notice_words(given: int, late: bool, report_sent_on: date | None) -> str:
    days = f"{given} working day{'' if given == 1 else 's'}"
    short = f", fewer than the {REQUIRED} required" if late else ""
    if report_sent_on is not None:
        sent = fmt_date(report_sent_on)
        return f"the report was sent on {sent}, {days} before publication{short}"
    return f"the notice is given {days} before publication{short}"


def _request(
    stated: Stated, return_by: date, on: date, cal: WorkingCalendar, clock: ReturnClock | None
) -> Verdict | None:
    written_on = stated.written_on
    if clock is None:
        return Verdict(
            Action.WITHDRAW,
            "no return is awaited on it any more (the request was withdrawn or set aside, or "
            "the case closed)",
        )
    if clock.met_on is not None:
        return Verdict(
            Action.WITHDRAW, f"the return was recorded on {fmt_date(clock.met_on)} before it went"
        )
    if clock.due != return_by:
        return Verdict(
            Action.WITHDRAW,
            f"it asks for a return by {fmt_date(return_by)}, but a later request asks for "
            f"{fmt_date(clock.due)}",
        )
    if written_on == on:
        return None
    said = (
        f"it said it was sent on {fmt_date(written_on)} with the return due "
        f"{fmt_date(return_by)}, but it could not go before {fmt_date(on)}"
    )
    again = "for another date, ask again: Agencies: <agency> with Return by: <date>"
    try:
        period = max(cal.working_days_between(written_on, return_by), 1)
        counted = cal.add_working_days(on, period)
    except CalendarRangeError:
        return Verdict(Action.HOLD, f"{said}; the working calendar cannot count it again", again)
    redated = max(return_by, counted)
    days = f"{period} working day{'' if period == 1 else 's'} from then, as first given"
    told = (
        f"{said}: it was re-dated to that day, with the return due {fmt_date(redated)} "
        f"({days if redated == counted else 'no earlier than first given'})"
    )
    how = Redating(written_on, period if redated == counted else 0, stated.counted or 0)
    return Verdict(Action.REDATE, told, again, requested_on=on, return_by=redated, redating=how)
