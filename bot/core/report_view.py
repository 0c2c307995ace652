"""How the timeliness report reads: its figures as the words and rows people see.

Shared by the charts, the spreadsheet and the HTML report (and its email), so a figure is
written the same way everywhere: "83%", "no deadlines fell due", "2.5 working days".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from bot.core.deadlines import APPENDIX_B
from bot.core.timeliness import APPENDIX_B_DEADLINE
from bot.core.timeliness_figures import MeasureFigures, PeriodFigures, TimelinessReport

NOTHING_DUE = "no deadlines fell due"
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def percent(rate: float | None) -> str:
    """E.g. "83%"; never "100%" unless every one was on time, never "0%" unless none was: a Board
    reading 100% must be able to trust that nothing was late."""
    if rate is None:
        return NOTHING_DUE
    shown = int(rate * 100 + 0.5)
    if rate < 1:
        shown = min(shown, 99)
    if rate > 0:
        shown = max(shown, 1)
    return f"{shown}%"


def working_days(days: float | None) -> str:
    if days is None:
        return "-"
    shown = f"{days:g}"
    return f"{shown} working day{'' if days == 1 else 's'}"


def whole_month(start: date, end: date) -> bool:
    return (
        start.day == 1
        and (start.year, start.month) == (end.year, end.month)
        and (end + timedelta(days=1)).day == 1
    )


def period_title(start: date, end: date) -> str:
    """E.g. "November 2026" for a calendar month, else "1 April 2026 to 31 March 2027"."""
    if whole_month(start, end):
        return f"{MONTHS[start.month - 1]} {start.year}"
    return f"{_day(start)} to {_day(end)}"


def _day(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def row(m: MeasureFigures) -> dict[str, object]:
    """One measure (or one agency's Appendix B returns) as a table row."""
    return {
        "measure": m.measure,
        "label": m.label,
        "agency": m.agency,
        "due": m.due,
        "on_time": m.on_time,
        "late": len(m.late),
        "nothing_due": m.due == 0,
        "rate": percent(m.on_time_rate),
        "median": working_days(m.median_days_late),
        "worst": working_days(m.worst_days_late),
        "late_refs": [c.ref for c in m.late],
    }


def _period(p: PeriodFigures) -> dict[str, object]:
    return {
        "label": p.period.label,
        "start": p.period.start,
        "end": p.period.end,
        "sins_received": p.sins_received,
        "measures": [row(m) for m in p.measures],
        "appendix_b": [row(m) for m in p.appendix_b],
    }


def late_cases(p: PeriodFigures) -> list[dict[str, object]]:
    """Every late deadline behind the figures, by reference only, worst first."""
    found = [(m, c) for m in (*p.measures, *p.appendix_b) for c in m.late]
    found.sort(key=lambda mc: (-mc[1].working_days_late, mc[1].ref))
    return [
        {
            "measure": APPENDIX_B_DEADLINE if m.measure == APPENDIX_B else m.label,
            "agency": m.agency,
            "ref": c.ref,
            "due": c.due,
            "done_on": c.done_on,
            "days_late": c.working_days_late,
        }
        for m, c in found
    ]


def set_aside(p: PeriodFigures) -> list[tuple[str, str, tuple[str, ...]]]:
    """Deadlines counted neither on time nor late, which a person must check: (measure or
    agency, why, case references)."""
    return [
        (m.agency or m.label, why, refs)
        for m in (*p.measures, *p.appendix_b)
        for why, refs in (
            ("met, but the day it was met is not recorded", m.undated),
            ("never recorded as met, and the case is closed", m.closed_unmet),
        )
        if refs
    ]


def extended(p: PeriodFigures) -> list[dict[str, object]]:
    """Each measure with clocks given a later day by agreement: how many, and how many met
    that day. The figures above judge them by the rule's own day all the same."""
    return [
        {"measure": m.agency or m.label, "extended": m.extended, "agreed_met": m.agreed_met}
        for m in (*p.measures, *p.appendix_b)
        if m.extended
    ]


def report_context(
    report: TimelinessReport, charts: Sequence[dict[str, object]], *, monthly: bool = False
) -> dict[str, object]:
    """The timeliness_report template's context; `charts` carry each image's src and alt;
    `monthly` when it is the Business Manager's monthly email rather than a file."""
    whole = report.whole.period
    return {
        "monthly": monthly,
        "title": period_title(whole.start, whole.end),
        # The day the figures stand at: the end date, or today when that is still to come.
        "as_of": report.as_of or whole.end,
        "extended": extended(report.whole),
        "set_aside": [
            {"measure": m, "why": why, "refs": list(refs)}
            for m, why, refs in set_aside(report.whole)
        ],
        "whole": _period(report.whole),
        "quarters": [_period(q) for q in report.quarters],
        "late_cases": late_cases(report.whole),
        "calendar_note": report.calendar_note,
        "charts": list(charts),
    }
