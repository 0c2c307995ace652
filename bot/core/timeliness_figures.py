"""What the Board's timeliness report holds: figures per measure, per period. Data only.

A deadline belongs to the period in which it fell due. One that fell due and was met on or
before its due date is on time; one met after it, or still not met at the report's end date,
is late, and its lateness is counted in working days on the partnership's calendar.
Deadlines not yet due at the report's end are not counted at all. Those that cannot be judged
without guessing a date are listed apart (`undated`, `closed_unmet`); bot.core.timeliness
has the full rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    label: str  # what a reader sees, e.g. "Apr to Jun 2026"


@dataclass(frozen=True)
class LateCase:
    ref: str  # the case reference only: the report goes to the Board and may be published
    due: date
    done_on: date | None  # None: still not done at the report's end date
    working_days_late: int  # at done_on, or at the report's end date while still not done


@dataclass(frozen=True)
class MeasureFigures:
    measure: str  # the deadline rule's name, e.g. "screening_meeting"; "appendix_b" per agency
    label: str  # plain English, e.g. "Screening Panel met within 2 working days"
    agency: str | None  # the agency's plain name on Appendix B rows, None otherwise
    due: int  # deadlines that fell due in the period, met or not
    on_time: int
    late: tuple[LateCase, ...]
    median_days_late: float | None  # over `late`; None when nothing was late
    worst_days_late: int | None
    # Set aside, by reference, neither on time nor late (and not in `due`): recorded as met but
    # the day it was met was never recorded (a wrong date is worse than none) ...
    undated: tuple[str, ...] = ()
    # ... and never recorded as met on a case that has since been closed.
    closed_unmet: tuple[str, ...] = ()
    # Of `due`, those given a later day by agreement, and how many of them met that day (they
    # are on time or late above by the rule's own day, as the statute measures them).
    extended: int = 0
    agreed_met: int = 0

    @property
    def on_time_rate(self) -> float | None:
        """The share on time, 0.0 to 1.0; None when nothing fell due (not 100%: no evidence)."""
        return self.on_time / self.due if self.due else None


@dataclass(frozen=True)
class PeriodFigures:
    period: Period
    sins_received: int
    measures: tuple[MeasureFigures, ...]  # one per statutory or local measure, in report order
    appendix_b: tuple[MeasureFigures, ...]  # one per agency asked for a return


@dataclass(frozen=True)
class TimelinessReport:
    whole: PeriodFigures  # the period asked for
    quarters: tuple[PeriodFigures, ...]  # the same figures per quarter, for the charts
    calendar_note: str  # which bank holidays and closure days the working days skipped
    # The day the figures stand at: the end date, or today when the end date is still to come
    # (a deadline still not done is late up to this day). None only if built without it.
    as_of: date | None = None
