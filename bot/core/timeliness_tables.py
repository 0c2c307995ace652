"""The timeliness report as plain data for machines: one JSON document, or CSV rows. Pure.

Both carry every figure; references only, never a name. The CSV has one row per measure per
period (the whole period first, then each quarter), Appendix B one row per agency, and one
`sins_received` row per period whose count is in the `received` column. A late case is
written "REF (N)", N its working days late; several are separated by "; ".
"""

from __future__ import annotations

from bot.core.timeliness_figures import (
    LateCase,
    MeasureFigures,
    PeriodFigures,
    TimelinessReport,
)

CSV_COLUMNS = (
    "period",
    "period_start",
    "period_end",
    "whole_period",
    "measure",
    "label",
    "agency",
    "received",
    "due",
    "on_time",
    "late",
    "on_time_rate",
    "median_working_days_late",
    "worst_working_days_late",
    "late_cases",
    "met_day_not_recorded",
    "closed_without_being_met",
    "extended_by_agreement",
    "met_agreed_date",
)
SINS = ("sins_received", "SIN forms received")


def rate(m: MeasureFigures) -> float | None:
    """The on-time share to four places; None when nothing fell due."""
    r = m.on_time_rate
    return None if r is None else round(r, 4)


def report_json(report: TimelinessReport) -> dict[str, object]:
    return {
        "from": report.whole.period.start,
        "to": report.whole.period.end,
        "as_of": report.as_of,
        "calendar_note": report.calendar_note,
        "whole": _period_json(report.whole),
        "quarters": [_period_json(q) for q in report.quarters],
    }


def _period_json(p: PeriodFigures) -> dict[str, object]:
    return {
        "label": p.period.label,
        "start": p.period.start,
        "end": p.period.end,
        "sins_received": p.sins_received,
        "measures": [_measure_json(m) for m in p.measures],
        "appendix_b": [_measure_json(m) for m in p.appendix_b],
    }


def _figures(m: MeasureFigures) -> dict[str, object]:
    """What the JSON and the CSV both say of a measure, before its lists of cases."""
    return {
        "measure": m.measure,
        "label": m.label,
        "agency": m.agency,
        "due": m.due,
        "on_time": m.on_time,
        "late": len(m.late),
        "on_time_rate": rate(m),
        "median_working_days_late": m.median_days_late,
        "worst_working_days_late": m.worst_days_late,
        "extended_by_agreement": m.extended,
        "met_agreed_date": m.agreed_met,
    }


def _measure_json(m: MeasureFigures) -> dict[str, object]:
    return {
        **_figures(m),
        "late_cases": [_late_json(c) for c in m.late],
        "met_day_not_recorded": list(m.undated),
        "closed_without_being_met": list(m.closed_unmet),
    }


def _late_json(c: LateCase) -> dict[str, object]:
    return {
        "ref": c.ref,
        "due": c.due,
        "done_on": c.done_on,  # null: still not done at the report's end date
        "working_days_late": c.working_days_late,
    }


def csv_rows(report: TimelinessReport) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for p in (report.whole, *report.quarters):
        whole = p is report.whole
        rows.append({**_period_cells(p, whole), "measure": SINS[0], "label": SINS[1]})
        rows[-1]["received"] = p.sins_received
        rows += [{**_period_cells(p, whole), **_measure_cells(m)} for m in p.measures]
        rows += [{**_period_cells(p, whole), **_measure_cells(m)} for m in p.appendix_b]
    return [{c: row.get(c) for c in CSV_COLUMNS} for row in rows]


def _period_cells(p: PeriodFigures, whole: bool) -> dict[str, object]:
    return {
        "period": p.period.label,
        "period_start": p.period.start,
        "period_end": p.period.end,
        "whole_period": "yes" if whole else "no",
    }


def _measure_cells(m: MeasureFigures) -> dict[str, object]:
    return {
        **_figures(m),
        "late_cases": "; ".join(f"{c.ref} ({c.working_days_late})" for c in m.late),
        "met_day_not_recorded": "; ".join(m.undated),
        "closed_without_being_met": "; ".join(m.closed_unmet),
    }
