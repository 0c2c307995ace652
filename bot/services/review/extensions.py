"""`Complaint extended:` and `Report extended:`: a later due day agreed with the complainant or
the National Panel (bot.core.extensions decides; this applies it).

The row's `due` becomes the agreed day, so the reminders, the overdue tick and the digest
follow it; `first_due` keeps the rule's day (only the first extension sets it), which the
views print beside the agreed day and the timeliness report still measures against.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, Deadline
from bot.app import App
from bot.core import extensions as ext
from bot.core.commands import ComplaintExtended, ReportExtended
from bot.core.deadlines import fmt_date
from bot.services.review.common import Actor, CommandRefused, deadline_row, note, said_on

_CLOCK_WORDS = {ext.COMPLAINT: "the reply to the complaint", ext.CSPR_REPORT: "the CSPR report"}


def extended(
    session: Session,
    app: App,
    case: Case,
    cmd: ComplaintExtended | ReportExtended,
    actor: Actor,
    now: datetime,
) -> str:
    agreed = cmd.agreed
    row = _open_clock(case, agreed.clock)
    first = row.first_due or row.due
    if (problem := ext.problem(agreed, row.due, row.start, said_on(app, actor))) is not None:
        raise CommandRefused(problem)
    row.first_due, row.due, row.extension = first, agreed.to, ext.words(agreed)
    row.explanation = ext.explanation(row.explanation, first, row.extension)
    if row.state == "overdue":
        row.state = "open"  # overdue was said of the earlier day; the tick says it of this one
    what = _CLOCK_WORDS[agreed.clock]
    note(
        session,
        case,
        now,
        "deadline_extended",
        f"{agreed.clock} due {fmt_date(first)}; {ext.words(agreed)}",
        actor,
        cmd.line,
    )
    return (
        f"{what} was due {fmt_date(first)}; now {ext.words(agreed)}. Reminders follow "
        f"the agreed day; the timeliness report still counts it against {fmt_date(first)}, "
        "and says separately whether the agreed day was met"
    ) + ext.closed_day_warning(agreed.to, app.calendar)


def _open_clock(case: Case, clock: str) -> Deadline:
    row = deadline_row(case, clock)
    what = _CLOCK_WORDS[clock]
    if row is None:
        raise CommandRefused(f"there is no clock for {what} on this record, so nothing to extend")
    if row.state == "not_required":
        raise CommandRefused(f"{what} is recorded as not required; there is nothing to extend")
    if row.met_at is not None:
        on = f" on {fmt_date(row.met_on)}" if row.met_on is not None else ""
        raise CommandRefused(f"{what} is already recorded as done{on}; there is nothing to extend")
    return row
