"""`Answered: <date>`: the written reply to a complaint, which meets its 20-working-day clock.

The date is the day the reply was sent, which may be days before the Business Manager writes
the line; the clock is met on that day. The record stays open (the Business Manager closes it
with `Close:`). A second `Answered:` with another date is refused rather than moving the date:
a met date decides whether the complaint was answered in time, so only `Correct Answered:`
with a reason moves it, and the chronology keeps both dates.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, Deadline
from bot.app import App
from bot.core import commands as c
from bot.core import deadlines
from bot.core.arrival import with_assumption
from bot.core.command_dates import answered_problem, received_problem
from bot.core.deadlines import fmt_date
from bot.services.cases import set_deadline
from bot.services.review.common import (
    Actor,
    CommandRefused,
    deadline_row,
    met,
    note,
    said_on,
    today,
)

CLOCK = "complaint_response"
REPLY = "the reply to the complaint"


def answered(
    session: Session, app: App, case: Case, cmd: c.Answered, actor: Actor, now: datetime
) -> str:
    row = _clock(case)
    _check_day(row, cmd.on, said_on(app, actor))
    if row.met_at is not None:
        return _repeated(row, cmd.on)
    set_answered(row, case, cmd.on, now)
    note(
        session,
        case,
        now,
        "complaint_answered",
        f"Reply to the complaint sent on {fmt_date(cmd.on)}",
        actor,
        cmd.line,
    )
    return (
        f"reply to the complaint recorded as sent on {fmt_date(cmd.on)}, {_timing(row, cmd.on)}; "
        "the record stays open until you write Close: <reason>"
    )


def answered_on(case: Case) -> date | None:
    row = deadline_row(case, CLOCK)
    return row.met_on if row is not None and row.state == "met" else None


def correct_answered(session: Session, app: App, case: Case, on: date, now: datetime) -> None:
    """`Correct Answered:`: the checked date replaces the one recorded."""
    row = _clock(case)
    _check_day(row, on, today(app, now))
    set_answered(row, case, on, now)


def correct_received(session: Session, app: App, case: Case, on: date, now: datetime) -> None:
    """`Correct Received:`: the complaint reached the partnership on `on` (first sent elsewhere,
    or forwarded late), so its 20 working days are counted again from that day."""
    _clock(case)  # refused on a record with no response clock
    arrived = today(app, case.opened_at)
    if (problem := received_problem(on, arrived, today(app, now), answered_on(case))) is not None:
        raise CommandRefused(problem)
    case.sin_received_on = on
    clock = deadlines.complaint_response(on, app.calendar)
    # A reply already recorded stays met on its day, on time or late by the new due day.
    set_deadline(session, case, with_assumption(clock, _CORRECTED), now)


def response_due(case: Case, app: App, now: datetime) -> str:
    """The complaint's clock as it now stands, for the reply to a correction of its receipt."""
    row = _clock(case)
    if row.state == "met" and row.met_on is not None:
        return f"the reply sent on {fmt_date(row.met_on)} was {_timing(row, row.met_on)}"
    if row.due < today(app, now):
        return f"its written response was due {fmt_date(row.due)}: it is now overdue"
    return f"its written response is now due {fmt_date(row.due)}"


_CORRECTED = (
    "counted from the day the complaint was received, as corrected by the Business Manager."
)


def set_answered(row: Deadline, case: Case, on: date, now: datetime) -> None:
    met(case, CLOCK, now, on=on)
    row.met_on = on  # a correction replaces the day recorded; met_at stays when it was first


def _clock(case: Case) -> Deadline:
    row = deadline_row(case, CLOCK)
    if row is None:
        raise CommandRefused("this complaint record has no response clock, so nothing to meet")
    return row


def _check_day(row: Deadline, on: date, given_on: date) -> None:
    # The clock starts on the day the complaint was received.
    if (problem := answered_problem(on, row.start, given_on)) is not None:
        raise CommandRefused(problem)


def _repeated(row: Deadline, on: date) -> str:
    if row.met_on == on:
        return f"{REPLY} is already recorded as sent on {fmt_date(on)}; nothing changed"
    recorded = f"as sent on {fmt_date(row.met_on)}" if row.met_on else "as sent"
    raise CommandRefused(
        f"{REPLY} is already recorded {recorded}; a repeated Answered: never moves it. "
        "If that date was wrong, write `Correct Answered: <date> because <reason>`"
    )


def _timing(row: Deadline, on: date) -> str:
    if on <= row.due:
        return f"within its 20 working days (due {fmt_date(row.due)})"
    return f"after the day it was due ({fmt_date(row.due)})"
