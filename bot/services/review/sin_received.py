"""`Correct Received: <date> because <reason>` on a SIN case: the day the notification reached
the partnership, when the day the bot counted from is wrong (a forwarded email's day misread,
or the referrer's email went to someone else before the mailbox).

Nothing else moves that day, and every clock of the case's first days hangs on it: the
Screening Panel's 2 working days are counted again from it (a decision already recorded stays
met on its day, on time or late by the new due day), and the National Panel's clock follows
when it ran from the receipt, through the same choice of the earliest plausible date
(bot.core.awareness) that a form's date and `Aware:` go through. The referrer's
acknowledgement and the panel's invitation already sent gave the old key dates: the Business
Manager is told to put them right.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, Deadline, StoredMessage
from bot.app import App
from bot.core import deadlines
from bot.core.arrival import with_assumption
from bot.core.command_dates import received_problem
from bot.core.deadlines import fmt_date
from bot.services.awareness import NAME as PANEL_NOTIFICATION
from bot.services.awareness import recorded, retime
from bot.services.cases import add_event, set_deadline
from bot.services.meeting_replies import when
from bot.services.review.common import CommandRefused, deadline_row, today
from bot.services.review.looked_after import retime_on_awareness
from bot.services.review.meetings import screening_meeting
from bot.services.review.sent_notices import told_otherwise

WHAT = "the day the SIN reached the partnership"
CLOCK = "screening_meeting"
_CORRECTED = (
    "counted from the day the SIN reached the partnership, as corrected by the Business Manager."
)


def correct_sin_received(session: Session, app: App, case: Case, on: date, now: datetime) -> None:
    """The SIN reached the partnership on `on`: its clocks are counted again from that day."""
    decided = _met_on(app, deadline_row(case, CLOCK))
    arrived = mailbox_day(session, app, case)
    problem = received_problem(
        on, arrived, today(app, now), decided, what="the SIN", met_by="the panel's decision"
    )
    if problem is not None:
        raise CommandRefused(problem)
    case.sin_received_on = on
    clock = deadlines.screening_meeting(on, app.calendar)
    set_deadline(session, case, with_assumption(clock, _CORRECTED), now)
    check_booking(session, app, case, now, "counted from the corrected day of receipt")
    retime(session, app, case, now, corrected=_CORRECTED)
    # The looked-after death notice runs from the same awareness; it only ever comes forward.
    retime_on_awareness(session, app, case, case.la_aware_on or on, now)


def check_booking(session: Session, app: App, case: Case, now: datetime, counted: str) -> None:
    """A panel booked within the old 2 working days may fall after the new due day: it is put
    to the Business Manager as a late booking is (the digest's Needs your attention).
    `counted`: how the new due day was counted, for her to see why."""
    row, meeting = deadline_row(case, CLOCK), screening_meeting(session, case)
    if row is None or row.met_at is not None or meeting is None or meeting.cancelled_at:
        return
    within = today(app, meeting.start) <= row.due
    if within or not meeting.within_deadline:
        meeting.within_deadline = within
        return
    meeting.within_deadline = False
    detail = (
        f"Screening Panel booked for {when(app, meeting.start)}, after its 2 working days "
        f"{counted} (due {fmt_date(row.due)})"
    )
    why = "find an earlier time and move it with Reschedule: <date> <time>"
    add_event(session, case, now, "screening_after_deadline", detail, why=why)


def mailbox_day(session: Session, app: App, case: Case) -> date:
    """The day the SIN reached the mailbox: the first message filed on the case, or the day
    the case was opened (from the triage list, the message may be filed on another case)."""
    first = session.scalar(
        select(StoredMessage.received_at)
        .where(StoredMessage.case_id == case.id)
        .order_by(StoredMessage.id)
        .limit(1)
    )
    opened = today(app, case.opened_at)
    return min(today(app, first), opened) if first is not None else opened


def now_due(session: Session, case: Case, app: App, now: datetime) -> str:
    """The clocks as they now stand, for the reply to the correction."""
    said = [_screening(app, case, now)]
    meeting, row = screening_meeting(session, case), deadline_row(case, CLOCK)
    open_clock = row is not None and row.met_at is None
    if open_clock and meeting and not meeting.cancelled_at and not meeting.within_deadline:
        said.append(
            f"the panel booked for {when(app, meeting.start)} is after that: find an earlier "
            "time with Reschedule: <date> <time>"
        )
    panel, start = deadline_row(case, PANEL_NOTIFICATION), recorded(case)
    if panel is not None and panel.met_at is None and start is not None:
        said.append(
            f"the National Panel notification is due {fmt_date(panel.due)}, counted from "
            f"{start.label()}"
        )
    return "; ".join(said)


def _screening(app: App, case: Case, now: datetime) -> str:
    row = deadline_row(case, CLOCK)
    if row is None:
        return "the case has no Screening Panel clock"
    met_on = _met_on(app, row)
    if met_on is not None:
        timing = "within" if met_on <= row.due else "after"
        return (
            f"the Screening Panel's decision on {fmt_date(met_on)} was {timing} its 2 working "
            f"days (due {fmt_date(row.due)})"
        )
    if row.due < today(app, now):
        return f"the Screening Panel was due {fmt_date(row.due)}: it is now overdue"
    return f"the Screening Panel is now due {fmt_date(row.due)}"


def _met_on(app: App, row: Deadline | None) -> date | None:
    if row is None or row.state != "met" or row.met_at is None:
        return None
    return row.met_on or today(app, row.met_at)


# What the emails that stated the old key dates now say wrongly, and whom to tell.
_STALE = {
    "sin_acknowledgement": "gave the old day of receipt and key dates counted from it: tell "
    "the referrer the corrected day and the new due days",
    "screening_invitation": "gave key dates counted from the old day of receipt: tell the "
    "panel the new due days",
}


def told(session: Session, case: Case, now: datetime) -> str:
    return "".join(
        told_otherwise(session, case, e, now, why, sent_only=True) for e, why in _STALE.items()
    )
