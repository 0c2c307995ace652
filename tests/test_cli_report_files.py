"""`report --xlsx PATH --html PATH`: the year of invented cases in tests/test_cli_report.py,
saved as a workbook and a web page that hold the same figures as the JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests import test_cli_report as counted

# The invented year stored in the database, and `tscp-bot report` run against it.
year, bot = counted.year, counted.bot
Run = counted.Run


def test_the_workbook_and_the_web_page_hold_the_figures_of_the_json(
    bot: Run, tmp_path: Path
) -> None:
    xlsx, page = tmp_path / "report.xlsx", tmp_path / "report.html"
    code, out, err = bot(*counted.YEAR, "--json", "--xlsx", str(xlsx), "--html", str(page))
    assert code == 0
    assert err == (
        f"Saved the workbook to {xlsx}\nSaved the web page, charts included, to {page}\n"
    )
    figures = json.loads(out)  # stdout is still the JSON alone
    whole = figures["whole"]

    book = load_workbook(xlsx)
    rows = list(book["Summary"].iter_rows(values_only=True))
    table = rows[rows.index(next(r for r in rows if r[0] == "Measure")) + 1 :]
    by_label = {r[0]: r for r in table[: len(whole["measures"])]}
    for m in whole["measures"]:
        row = by_label[m["label"]]
        assert row[1:4] == (m["due"], m["on_time"], len(m["late_cases"])), m["label"]
        rate = m["on_time_rate"]
        # The JSON rounds a rate to 4 places; the workbook keeps the exact share.
        assert row[4] == (
            pytest.approx(rate, abs=1e-4) if rate is not None else "no deadlines fell due"
        )
    assert rows[3][1] == whole["sins_received"]
    late = [r[0] for r in book["Late cases"].iter_rows(values_only=True)][1:]
    assert sorted(late) == sorted(
        c["ref"] for m in whole["measures"] + whole["appendix_b"] for c in m["late_cases"]
    )
    flat = [str(v) for r in rows for v in r if v is not None]
    assert "TSCP-2026-0004" in " ".join(flat)  # set aside: met on a day never recorded

    html = page.read_text(encoding="utf-8")
    assert "TSCP timeliness report: 1 April 2026 to 31 March 2027" in html
    assert html.count('src="data:image/png;base64,') == 2  # one file, charts inside
    assert "Not counted: please check these cases" in html and "TSCP-2026-0009" in html


@pytest.mark.parametrize("option", ["--html", "--xlsx"])
def test_a_file_that_cannot_be_written_is_refused_before_the_report(
    bot: Run, tmp_path: Path, option: str
) -> None:
    code, out, err = bot(*counted.YEAR, option, str(tmp_path / "no" / "such" / "dir.html"))
    assert (code, out) == (2, "")  # not the whole report, then an error
    missing = tmp_path / "no" / "such"
    assert err == f"tscp-bot: {option}: there is no folder {missing} to write dir.html in\n"
    code, out, err = bot(*counted.YEAR, option, str(tmp_path))
    assert (code, out) == (2, "") and "is a folder: name the file to write" in err
