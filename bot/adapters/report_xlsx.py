"""The timeliness report as an Excel workbook (openpyxl): for whoever builds the Board's
annual report from it. Numbers are numbers, dates are dates and rates are percentages, so the
cells can be summed, sorted and charted; "no deadlines fell due" stays words, never 0%."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from bot.core.report_view import NOTHING_DUE, period_title, set_aside
from bot.core.timeliness_figures import MeasureFigures, PeriodFigures, TimelinessReport

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

DATE = "d mmm yyyy"
PERCENT = "0%"
DAYS = "0.0"
FIGURE_HEADINGS = (
    "Fell due",
    "On time",
    "Late",
    "On-time rate",
    "Median working days late",
    "Worst working days late",
)
Cell = str | int | float | date | None


def workbook(report: TimelinessReport) -> bytes:
    """The .xlsx file's bytes: Summary, By quarter, Appendix B by agency, Late cases."""
    from openpyxl import Workbook

    book = Workbook()
    summary = book.active
    assert summary is not None  # a new workbook always has its first sheet
    _summary(summary, report)
    _quarters(book.create_sheet("By quarter"), report.quarters)
    _appendix_b(book.create_sheet("Appendix B by agency"), report)
    _late(book.create_sheet("Late cases"), report.whole)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _figures(m: MeasureFigures) -> list[Cell]:
    return [
        m.due,
        m.on_time,
        len(m.late),
        m.on_time_rate if m.on_time_rate is not None else NOTHING_DUE,
        m.median_days_late,
        m.worst_days_late,
    ]


def _summary(sheet: Worksheet, report: TimelinessReport) -> None:
    whole = report.whole
    sheet.title = "Summary"
    sheet.append([f"Timeliness report: {period_title(whole.period.start, whole.period.end)}"])
    sheet["A1"].font = _bold(14)
    sheet.append(["From", whole.period.start])
    sheet.append(["To", whole.period.end])
    sheet.append(["SINs received", whole.sins_received])
    sheet["B2"].number_format = sheet["B3"].number_format = DATE
    sheet.append([])
    _table(sheet, ["Measure", *FIGURE_HEADINGS], ([m.label, *_figures(m)] for m in whole.measures))
    sheet.append([])
    sheet.append(["SINs received by quarter"])
    _table(sheet, ["Quarter", "From", "To", "SINs received"], _sins(report.quarters))
    aside = set_aside(whole)
    if aside:
        sheet.append([])
        sheet.append(["Not counted, neither on time nor late: please check these cases"])
        rows: Iterable[list[Cell]] = ([m, why, ", ".join(refs)] for m, why, refs in aside)
        _table(sheet, ["Measure", "Why", "Cases"], rows)
    sheet.append([])
    sheet.append([report.calendar_note])
    _finish(sheet, {"A": 58, "B": 12, "C": 12, "D": 10, "E": 14, "F": 16, "G": 16})


def _sins(quarters: Sequence[PeriodFigures]) -> Iterable[list[Cell]]:
    for q in quarters:
        yield [q.period.label, q.period.start, q.period.end, q.sins_received]


def _quarters(sheet: Worksheet, quarters: Sequence[PeriodFigures]) -> None:
    rows = (
        [q.period.label, q.period.start, q.period.end, m.label, *_figures(m)]
        for q in quarters
        for m in q.measures
    )
    _table(sheet, ["Quarter", "From", "To", "Measure", *FIGURE_HEADINGS], rows)
    _finish(sheet, {"A": 18, "B": 12, "C": 12, "D": 58, "H": 14, "I": 16, "J": 16})


def _appendix_b(sheet: Worksheet, report: TimelinessReport) -> None:
    periods = (report.whole, *report.quarters)
    rows = (
        [p.period.label, m.agency or m.label, *_figures(m)] for p in periods for m in p.appendix_b
    )
    _table(sheet, ["Period", "Agency", *FIGURE_HEADINGS], rows)
    _finish(sheet, {"A": 26, "B": 58, "F": 14, "G": 16, "H": 16})


def _late(sheet: Worksheet, whole: PeriodFigures) -> None:
    rows: Iterable[list[Cell]] = (
        [c.ref, m.label, m.agency, c.due, c.done_on or "not done", c.working_days_late]
        for m in (*whole.measures, *whole.appendix_b)
        for c in m.late
    )
    headings = ["Reference", "Measure", "Agency", "Due", "Done on", "Working days late"]
    _table(sheet, headings, rows)
    _finish(sheet, {"A": 18, "B": 58, "C": 40, "D": 13, "E": 13, "F": 18})


def _table(sheet: Worksheet, headings: list[str], rows: Iterable[list[Cell]]) -> None:
    sheet.append(headings)
    for cell in sheet[sheet.max_row]:
        cell.font = _bold()
    for values in rows:
        sheet.append(values)
        for heading, cell in zip(headings, sheet[sheet.max_row], strict=False):
            cell.number_format = _format(heading, cell.value)


def _format(heading: str, value: object) -> str:
    if isinstance(value, date):
        return DATE
    if heading == "On-time rate" and isinstance(value, float):
        return PERCENT
    if heading.startswith("Median") and isinstance(value, float):
        return DAYS
    return "General"


def _finish(sheet: Worksheet, widths: dict[str, int]) -> None:
    from openpyxl.styles import Alignment

    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=isinstance(cell.value, str), vertical="top")
    if sheet.title != "Summary":
        sheet.freeze_panes = "A2"  # the headings stay in view while scrolling


def _bold(size: int = 11) -> object:
    from openpyxl.styles import Font

    return Font(bold=True, size=size)
