"""Gather the facts for the Board's timeliness report in two queries, and have the core count.

One query for the deadlines that fell due in the period (with their case's reference and
status), one for the days SIN forms arrived; nothing is read per case. Read only.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.adapters.bank_holidays import working_calendar
from bot.adapters.db.models import Case, Deadline
from bot.config import Config
from bot.core.deadlines import ACTION, APPENDIX_B
from bot.core.timeliness import (
    ACTION_PLAN,
    MEASURES,
    DeadlineFact,
    ReportFacts,
    event_day,
    timeliness_report,
)
from bot.core.timeliness_figures import TimelinessReport
from bot.core.working_days import WorkingCalendar

_REVIEW = "review"  # a case opened from a SIN form
# The rule's own day: a clock extended by agreement belongs to the period its rule gave.
_rule_due = func.coalesce(Deadline.first_due, Deadline.due)


def timeliness(
    session: Session, config: Config, start: date, end: date, today: date
) -> TimelinessReport:
    """The report for [start, end] as the database holds it today."""
    facts = ReportFacts(
        deadlines=_deadlines(session, config, start, end),
        sins_received=_sins(session, start, end),
        agency_names={a.key: a.name for a in config.agencies},
    )
    return timeliness_report(facts, start, end, today, report_calendar(config, start, end, today))


def report_calendar(config: Config, start: date, end: date, today: date) -> WorkingCalendar:
    """The working days of every year a deadline in the report can be counted in: from the
    report's start to the later of its end and today (the day a late one may have been met)."""
    years = range(start.year, max(end.year, today.year) + 1)
    return working_calendar(years, config.partnership.local_closures)


def _deadlines(
    session: Session, config: Config, start: date, end: date
) -> tuple[DeadlineFact, ...]:
    tz = config.partnership.time_zone
    rows = session.execute(
        select(Deadline, Case.ref, Case.status, Case.report_sent_on)
        .join(Case, Deadline.case_id == Case.id)
        .where(
            _rule_due >= start,
            _rule_due <= end,
            or_(
                Deadline.name.in_([name for name, _ in MEASURES]),
                Deadline.name.like(f"{APPENDIX_B}:%"),
                Deadline.name.like(f"{ACTION}:%"),
            ),
        )
        .order_by(_rule_due, Case.ref)
    ).all()
    return tuple(
        DeadlineFact(
            ref=ref,
            name=ACTION_PLAN if d.name.startswith(f"{ACTION}:") else d.name,
            due=d.first_due or d.due,
            agreed=d.due if d.first_due is not None else None,
            met=d.met_at is not None and d.state != "not_required",
            met_on=event_day(d.name, d.met_on, d.met_at, sent_on, tz),
            not_required=d.state == "not_required",
            case_closed=status == "closed",
        )
        for d, ref, status, sent_on in rows
    )


def _sins(session: Session, start: date, end: date) -> tuple[date, ...]:
    return tuple(
        session.scalars(
            select(Case.sin_received_on).where(
                Case.kind == _REVIEW,
                Case.sin_received_on >= start,
                Case.sin_received_on <= end,
            )
        )
    )
