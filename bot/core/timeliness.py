"""The Board's timeliness report: how quickly the partnership met its timescales. Pure.

Facts in (the deadline rows as stored, the days SIN forms arrived, the agencies' plain names,
the working calendar and today's date), a TimelinessReport out. The rules of counting:

- A deadline belongs to the period in which it fell due. Deadlines marked "not required" are
  not counted, nor are deadlines due on or after today that are not yet met (they can still be).
- The report is as at its end date: met on or before the due date is on time; met after it, or
  not met by the end date, is late. A deadline met after the report's end date was still not
  done at the end date, so a report on a past year gives the same figures whenever it is run.
- Lateness is in working days on the partnership's calendar, from the due date to the day it
  was met (or the end date). An event on a closed day counts as on the next working day, so a
  deadline missed is always at least one working day late: due Friday, met Saturday or Monday,
  is one working day late.
- A wrong date is worse than no date. A deadline recorded as met whose event day was never
  recorded (rows met before the day was stored) is neither on time nor late: it is listed by
  reference in `undated`. A deadline never met on a case since closed is listed in
  `closed_unmet`: closing a case says nothing about whether it was done in time. Not so a
  statutory notification (the National Panel's, or a looked-after death's): it is owed however
  the case ended, so one never made (nor set aside as not required) is late.
- An agency asked again after it returned has each request counted in the period it fell due:
  the earlier one (kept as appendix_b:<agency>:<n>) as it was met, the new one on its own date.
- A clock extended by agreement (`Complaint extended:`) is judged against the rule's day all
  the same, and counted apart: how many were extended, and how many met the agreed day.
- Quarters are those of the April-to-March year the Board reports on (Apr to Jun, Jul to Sep,
  Oct to Dec, Jan to Mar), clipped to the report's dates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.deadlines import (
    APPENDIX_B,
    STATUTORY_NOTICES,
    counted_on,
    fmt_date,
    is_national,
    working_days_late_met,
)
from bot.core.return_rounds import agency_of
from bot.core.timeliness_figures import (
    LateCase,
    MeasureFigures,
    Period,
    PeriodFigures,
    TimelinessReport,
)
from bot.core.working_days import WorkingCalendar, day_zero

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
LOOKED_AFTER = "looked_after_death_notification"
ACTION_PLAN = "action_plan"  # every action:<n> deadline, counted as one measure
# The report's measures, in the order a reader meets them, with their plain-English names.
MEASURES: tuple[tuple[str, str], ...] = (
    ("screening_meeting", "Screening Panel within 2 working days"),
    ("panel_notification", "National Panel notified within 5 working days"),
    (LOOKED_AFTER, "Looked-after death notified within 5 working days"),
    ("rapid_review", "Rapid Review within 15 working days"),
    ("cspr_report", "CSPR published within 6 months"),
    ("publication_notice", "Report sent 7 working days before publication"),
    (ACTION_PLAN, "Action plan items done by their due date"),
    ("complaint_response", "Complaints answered within 20 working days"),
)
APPENDIX_B_LABEL = "Appendix B returned on time"
# One late return is named by the deadline itself: "2 working days late: Appendix B return
# (Tameside schools)", not by the measure's "returned on time".
APPENDIX_B_DEADLINE = "Appendix B return"
# Shown only when a case in the report had one: most years have no such death, and an action
# plan comes only from a review that made recommendations.
_ONLY_WHEN_PRESENT = frozenset({LOOKED_AFTER, ACTION_PLAN})


@dataclass(frozen=True)
class DeadlineFact:
    """One stored deadline, as the report needs it."""

    ref: str
    # The rule's name; "appendix_b:<agency key>" for a return; ACTION_PLAN for any action:<n>.
    name: str
    due: date
    met: bool  # recorded as met
    met_on: date | None  # the day the event happened; None when it was never recorded
    not_required: bool
    case_closed: bool
    # A later day agreed for it (`Complaint extended:`); `due` stays the rule's day, which the
    # measure judges, and the agreed day is counted apart (met by it or not).
    agreed: date | None = None


@dataclass(frozen=True)
class ReportFacts:
    deadlines: tuple[DeadlineFact, ...]
    sins_received: tuple[date, ...]  # the day each SIN form arrived
    agency_names: Mapping[str, str]  # agency key -> plain name


@dataclass(frozen=True)
class _Judged:
    """What one deadline counts as: on time, late (with its LateCase), or set aside."""

    fact: DeadlineFact
    late: LateCase | None = None
    undated: bool = False
    closed_unmet: bool = False


def event_day(
    name: str,
    met_on: date | None,
    met_at: datetime | None,
    report_sent_on: date | None,
    tz: ZoneInfo,
) -> date | None:
    """The day the event that met a deadline happened, as far as the record can tell.

    Rows met before that day was stored keep met_on empty. Two still tell it: an Appendix B
    return is marked met at the moment it reached the mailbox, and the publication notice is
    met by the report being sent, whose day the case keeps. Any other stays unknown.
    """
    if met_on is not None or met_at is None:
        return met_on
    if name.partition(":")[0] == APPENDIX_B:
        return day_zero(met_at, tz)
    return report_sent_on if name == "publication_notice" else None


def timeliness_report(
    facts: ReportFacts, start: date, end: date, today: date, cal: WorkingCalendar
) -> TimelinessReport:
    """The figures for [start, end] and for each Board quarter in it."""
    if end < start:
        raise ValueError(f"the end date {fmt_date(end)} is before the start {fmt_date(start)}")
    cal.is_working_day(start)  # refuses a year the calendar does not cover, before counting
    cal.is_working_day(end)
    judged = [
        j
        for f in facts.deadlines
        if start <= f.due <= end and (j := _judge(f, end, today, cal)) is not None
    ]
    whole = Period(start, end, f"{_day(start)} {start.year} to {_day(end)} {end.year}")
    shown = _measures_shown(judged)
    agencies = _agencies_shown(judged, facts.agency_names)
    figures = _period_maker(judged, facts, shown, agencies)
    return TimelinessReport(
        whole=figures(whole),
        quarters=tuple(figures(q) for q in board_quarters(start, end)),
        calendar_note=calendar_note(cal, start, end),
        as_of=min(end, today),
    )


def _judge(f: DeadlineFact, end: date, today: date, cal: WorkingCalendar) -> _Judged | None:
    """None: not counted (not required, or not yet due)."""
    if f.not_required:
        return None
    cal = counted_on(f.name, cal)  # a national clock's lateness counts the council's closures
    if f.met and f.met_on is None:
        return _Judged(f, undated=True)
    done = f.met_on if f.met and f.met_on is not None and f.met_on <= end else None
    if done is not None and done <= f.due:
        return _Judged(f)
    if done is not None:
        return _Judged(
            f, late=LateCase(f.ref, f.due, done, working_days_late_met(f.due, done, cal))
        )
    if not f.met and f.due >= today:
        return None  # it can still be met today or later
    if not f.met and f.case_closed and f.name not in STATUTORY_NOTICES:
        return _Judged(f, closed_unmet=True)
    at = min(end, today)
    return _Judged(f, late=LateCase(f.ref, f.due, None, working_days_late_met(f.due, at, cal)))


def _measures_shown(judged: Sequence[_Judged]) -> tuple[tuple[str, str], ...]:
    present = {j.fact.name for j in judged}
    return tuple(m for m in MEASURES if m[0] not in _ONLY_WHEN_PRESENT or m[0] in present)


def _agencies_shown(judged: Sequence[_Judged], names: Mapping[str, str]) -> tuple[str, ...]:
    """Agency keys asked for a return that fell due in the report, by plain name."""
    keys = {k for j in judged if (k := _agency_key(j.fact.name)) is not None}
    return tuple(sorted(keys, key=lambda k: (names.get(k, k).lower(), k)))


def _agency_key(name: str) -> str | None:
    # An earlier request kept when the agency was asked again counts under its agency too.
    return agency_of(name)


def _period_maker(
    judged: Sequence[_Judged],
    facts: ReportFacts,
    shown: tuple[tuple[str, str], ...],
    agencies: tuple[str, ...],
) -> Callable[[Period], PeriodFigures]:
    def figures(period: Period) -> PeriodFigures:
        inside = [j for j in judged if period.start <= j.fact.due <= period.end]
        return PeriodFigures(
            period=period,
            sins_received=sum(1 for d in facts.sins_received if period.start <= d <= period.end),
            measures=tuple(
                _measure(name, label, None, [j for j in inside if j.fact.name == name])
                for name, label in shown
            ),
            appendix_b=tuple(
                _measure(
                    APPENDIX_B,
                    APPENDIX_B_LABEL,
                    facts.agency_names.get(key, key),
                    [j for j in inside if _agency_key(j.fact.name) == key],
                )
                for key in agencies
            ),
        )

    return figures


def _measure(name: str, label: str, agency: str | None, rows: Sequence[_Judged]) -> MeasureFigures:
    counted = [j for j in rows if not (j.undated or j.closed_unmet)]
    late = tuple(sorted((j.late for j in counted if j.late), key=lambda c: (c.due, c.ref)))
    days = [c.working_days_late for c in late]
    agreed = [j.fact for j in counted if j.fact.agreed is not None]
    return MeasureFigures(
        measure=name,
        label=label,
        agency=agency,
        due=len(counted),
        on_time=len(counted) - len(late),
        late=late,
        median_days_late=_median(days),
        worst_days_late=max(days) if days else None,
        undated=_refs(j for j in rows if j.undated),
        closed_unmet=_refs(j for j in rows if j.closed_unmet),
        extended=len(agreed),
        agreed_met=sum(1 for f in agreed if _met_by(f, f.agreed)),
    )


def _met_by(f: DeadlineFact, day: date | None) -> bool:
    return f.met and f.met_on is not None and day is not None and f.met_on <= day


def _median(days: Sequence[int]) -> float | None:
    if not days:
        return None
    ordered, half = sorted(days), len(days) // 2
    return float(ordered[half]) if len(days) % 2 else (ordered[half - 1] + ordered[half]) / 2


def _refs(rows: Iterable[_Judged]) -> tuple[str, ...]:
    return tuple(sorted({j.fact.ref for j in rows}))


def board_quarters(start: date, end: date) -> tuple[Period, ...]:
    """The quarters of the April-to-March year (which are calendar quarters) in [start, end]."""
    quarters = []
    first = date(start.year, (start.month - 1) // 3 * 3 + 1, 1)
    while first <= end:
        nxt = date(first.year + (first.month == 10), (first.month + 2) % 12 + 1, 1)
        last = nxt - timedelta(days=1)
        lo, hi = max(first, start), min(last, end)
        quarters.append(Period(lo, hi, _quarter_label(first, last, lo, hi)))
        first = nxt
    return tuple(quarters)


def _quarter_label(first: date, last: date, lo: date, hi: date) -> str:
    if (lo, hi) == (first, last):
        return f"{_MONTHS[first.month - 1]} to {_MONTHS[last.month - 1]} {last.year}"
    return f"{_day(lo)} to {_day(hi)} {hi.year}"


def _day(d: date) -> str:
    return f"{d.day} {_MONTHS[d.month - 1]}"


def calendar_note(cal: WorkingCalendar, start: date, end: date) -> str:
    """The closed weekdays in [start, end] that working days skipped, by date and name."""
    closed = [(d, name) for d, name in sorted(cal.closed.items()) if start <= d <= end]
    if not closed:
        return "Working days skip weekends; no bank holiday or closure day fell in the period."
    days = "; ".join(f"{fmt_date(d)} {name}" for d, name in closed)
    note = f"Working days skip weekends and these bank holidays and closure days: {days}."
    local = [fmt_date(d) for d, _ in closed if d in cal.local]
    if not local:
        return note
    # The national figures are counted as the outside bodies count (bot.core.deadline_rules):
    # a footer saying every figure skips the closures would make them look wrong.
    measures = ", ".join(f'"{label}"' for name, label in MEASURES if is_national(name))
    return (
        f"{note} The National Panel, the Secretary of State and Ofsted count the partnership's "
        f"own closure days ({', '.join(local)}) as working days, and so do these measures: "
        f"{measures}."
    )
