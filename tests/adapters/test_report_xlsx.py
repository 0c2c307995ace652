"""The timeliness workbook, opened with openpyxl, holds the report's figures as numbers,
dates and percentages: what a person building the Board's annual report can compute with."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from bot.adapters.report_xlsx import workbook
from bot.core.timeliness_figures import TimelinessReport
from tests.fixtures.timeliness_year import invented_year


@pytest.fixture(scope="module")
def report() -> TimelinessReport:
    return invented_year()


@pytest.fixture(scope="module")
def book(report: TimelinessReport) -> Workbook:
    return load_workbook(io.BytesIO(workbook(report)))


def _rows(book: Workbook, sheet: str, heading: str) -> list[dict[str, Any]]:
    """The table under the row that starts with `heading`, as dicts by column heading."""
    rows = list(book[sheet].iter_rows())
    start = next(i for i, r in enumerate(rows) if r[0].value == heading)
    names = [c.value for c in rows[start] if c.value is not None]
    found: list[dict[str, Any]] = []
    for r in rows[start + 1 :]:
        if r[0].value is None:
            break
        found.append({str(n): c for n, c in zip(names, r, strict=False)})
    return found


def test_the_sheets(book: Workbook) -> None:
    assert book.sheetnames == ["Summary", "By quarter", "Appendix B by agency", "Late cases"]


def test_the_summary_holds_the_whole_period_figures_as_numbers(
    book: Workbook, report: TimelinessReport
) -> None:
    sheet = book["Summary"]
    assert sheet["A1"].value == "Timeliness report: 1 April 2026 to 31 March 2027"
    assert sheet["B2"].value.date() == date(2026, 4, 1) and sheet["B2"].is_date
    assert sheet["B4"].value == report.whole.sins_received == 18
    rows = _rows(book, "Summary", "Measure")
    assert [r["Measure"].value for r in rows] == [m.label for m in report.whole.measures]
    for r, m in zip(rows, report.whole.measures, strict=True):
        assert (r["Fell due"].value, r["On time"].value, r["Late"].value) == (
            m.due, m.on_time, len(m.late),
        )  # fmt: skip
        assert r["On-time rate"].value == pytest.approx(m.on_time_rate)
        assert r["On-time rate"].number_format == "0%"
        assert r["Median working days late"].value == m.median_days_late
        assert r["Worst working days late"].value == m.worst_days_late
    screening = rows[0]
    assert (screening["Fell due"].value, screening["On time"].value) == (18, 15)


def test_nothing_due_stays_words_not_a_zero(book: Workbook) -> None:
    rows = _rows(book, "By quarter", "Quarter")
    empty = [r for r in rows if r["Fell due"].value == 0]
    assert empty, "the invented year has quarters where nothing fell due"
    assert {r["On-time rate"].value for r in empty} == {"no deadlines fell due"}


def test_each_quarter_holds_each_measure(book: Workbook, report: TimelinessReport) -> None:
    rows = _rows(book, "By quarter", "Quarter")
    assert len(rows) == 4 * 6
    got = {(r["Quarter"].value, r["Measure"].value): r["On time"].value for r in rows}
    for q in report.quarters:
        for m in q.measures:
            assert got[(q.period.label, m.label)] == m.on_time
    assert rows[0]["From"].is_date and rows[0]["To"].value.date() == date(2026, 6, 30)


def test_appendix_b_by_agency(book: Workbook, report: TimelinessReport) -> None:
    rows = _rows(book, "Appendix B by agency", "Period")
    whole = [r for r in rows if r["Period"].value == report.whole.period.label]
    assert [r["Agency"].value for r in whole] == [m.agency for m in report.whole.appendix_b]
    trust = whole[1]
    assert (trust["Fell due"].value, trust["On time"].value, trust["Late"].value) == (8, 4, 4)
    assert trust["Median working days late"].value == 2.5
    assert trust["Worst working days late"].value == 8
    assert len(rows) == 4 + 4 * 4


def test_late_cases_are_listed_by_reference_with_dates(
    book: Workbook, report: TimelinessReport
) -> None:
    rows = _rows(book, "Late cases", "Reference")
    expected = [c for m in (*report.whole.measures, *report.whole.appendix_b) for c in m.late]
    assert [r["Reference"].value for r in rows] == [c.ref for c in expected]
    assert [r["Working days late"].value for r in rows] == [c.working_days_late for c in expected]
    assert all(r["Due"].is_date for r in rows)
    assert "not done" in [r["Done on"].value for r in rows]  # the 12 days late publication
