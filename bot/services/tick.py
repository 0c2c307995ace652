"""The deadline tick: notice deadlines that have passed and put that on the case record."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from bot.adapters.db.models import Case, Deadline
from bot.app import App
from bot.core.dates import fmt_date
from bot.services.batch import Batch
from bot.services.panel_calendar import read_answers
from bot.services.recount import recount_if_calendar_changed


def deadline_tick(app: App) -> int:
    """Mark open deadlines whose day has passed as overdue; returns how many changed.

    First, if the working calendar's closed days are not those the deadlines were counted on,
    they are counted again: a date moved earlier may be overdue already."""
    recount_if_calendar_changed(app)
    now = app.clock.now()
    today = now.astimezone(app.config.partnership.time_zone).date()
    with app.sessions() as session:
        rows = session.scalars(
            select(Deadline)
            .join(Case)
            .options(contains_eager(Deadline.case))  # one query, not one per deadline's case
            .where(
                Deadline.state == "open",
                Deadline.met_at.is_(None),
                Deadline.due < today,
                Case.status == "open",
            )
        ).all()
        batch = Batch()  # one INSERT for all the events, not one per deadline
        for row in rows:
            row.state = "overdue"
            batch.add_event(
                row.case,
                now,
                "deadline_overdue",
                f"{row.name} was due {fmt_date(row.due)} and is not met",
                why=row.explanation,
            )
        batch.write(session)
        session.commit()
    # The panel's answers on the calendar events (Graph calendar only; one GET per meeting).
    read_answers(app)
    return len(rows)
