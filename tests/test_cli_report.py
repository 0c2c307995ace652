"""`tscp-bot report`: a year of invented cases, stored in the real database, and every figure of
the Board's timeliness report checked against the figure worked out by hand.

The year is the Board's, 1 April 2026 to 31 March 2027, reported on 20 April 2027. Each due date
below was counted by hand on a printed calendar (England: Good Friday 3 Apr 2026, Easter Monday
6 Apr, May Day 4 May, Spring 25 May, Summer 31 Aug, Christmas 25 Dec, Boxing Day substitute
28 Dec, New Year 1 Jan 2027, Good Friday 26 Mar 2027, Easter Monday 29 Mar 2027), and the
setup checks it against the bot's own deadline rules. Only references reach the report.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from bot.adapters.bank_holidays import working_calendar
from bot.adapters.db.engine import make_engine, make_sessions
from bot.adapters.db.models import Case
from bot.cli import main
from bot.config import load_config
from bot.core import deadlines
from bot.services.cases import set_deadline
from bot.services.review.common import met
from bot.services.timeliness import timeliness
from tests.test_cli import write_config

CAL = working_calendar([2026, 2027])
NOW = "2027-04-20T09:00"
TODAY = date(2027, 4, 20)
AT = datetime(2027, 4, 1, 9, tzinfo=UTC)  # when the rows were written; never a figure
D = date
Run = Callable[..., tuple[int, str, str]]

# The cases: (reference, kind, day the SIN or complaint arrived, closed).
CASES = [
    ("TSCP-2026-0014", "review", D(2026, 3, 31), False),  # SIN before the year; due inside
    ("TSCP-2026-0001", "review", D(2026, 4, 1), False),
    ("TSCP-2026-0002", "review", D(2026, 6, 29), False),
    ("TSCP-2026-0003", "complaint", D(2026, 5, 11), False),
    ("TSCP-2026-0004", "review", D(2026, 5, 20), True),
    ("TSCP-2026-0005", "review", D(2026, 8, 27), False),
    ("TSCP-2026-0006", "complaint", D(2026, 7, 1), False),
    ("TSCP-2026-0007", "review", D(2026, 12, 23), False),
    ("TSCP-2026-0008", "review", D(2026, 3, 10), False),
    ("TSCP-2026-0009", "review", D(2026, 11, 2), True),  # closed as a duplicate, never screened
    ("TSCP-2027-0010", "review", D(2027, 3, 24), False),
    ("TSCP-2027-0011", "review", D(2027, 3, 1), False),
    ("TSCP-2027-0012", "complaint", D(2027, 2, 1), False),
    ("TSCP-2027-0013", "review", D(2027, 3, 30), False),  # its screening is due after the year
]
OLD = "recorded before the day was stored"
NOT_REQUIRED = "not required"
# The deadlines: (reference, name, start, due, met on). met on is a date, None (not met), OLD
# (met, no day recorded) or NOT_REQUIRED. Lateness in working days in the comments.
DEADLINES: list[tuple[str, str, date, date, object]] = [
    ("TSCP-2026-0014", "screening_meeting", D(2026, 3, 31), D(2026, 4, 2), D(2026, 4, 2)),
    # Good Friday and Easter Monday pass before the Screening Panel is due: Tue 7 Apr.
    ("TSCP-2026-0001", "screening_meeting", D(2026, 4, 1), D(2026, 4, 7), D(2026, 4, 7)),
    ("TSCP-2026-0001", "panel_notification", D(2026, 4, 1), D(2026, 4, 10), D(2026, 4, 13)),  # 1
    # 15 working days from Mon 13 Apr skip May Day: Tue 5 May; met Fri 15 May: 8 late.
    ("TSCP-2026-0001", "rapid_review", D(2026, 4, 13), D(2026, 5, 5), D(2026, 5, 15)),
    ("TSCP-2026-0001", "appendix_b:gmp", D(2026, 4, 14), D(2026, 4, 28), D(2026, 4, 28)),
    (
        "TSCP-2026-0001",
        "appendix_b:tameside-council",
        D(2026, 4, 14),
        D(2026, 4, 28),
        D(2026, 5, 1),
    ),  # 3
    # Marked met when the return reached the mailbox, before met_on existed: that day counts.
    ("TSCP-2026-0001", "appendix_b:icb", D(2026, 4, 14), D(2026, 4, 28), OLD),
    ("TSCP-2026-0002", "screening_meeting", D(2026, 6, 29), D(2026, 7, 1), D(2026, 7, 2)),  # 1
    ("TSCP-2026-0002", "panel_notification", D(2026, 6, 29), D(2026, 7, 6), NOT_REQUIRED),
    # 20 working days from Mon 11 May skip the Spring bank holiday: Tue 9 Jun.
    ("TSCP-2026-0003", "complaint_response", D(2026, 5, 11), D(2026, 6, 9), D(2026, 6, 9)),
    ("TSCP-2026-0004", "screening_meeting", D(2026, 5, 20), D(2026, 5, 22), D(2026, 5, 22)),
    ("TSCP-2026-0004", "panel_notification", D(2026, 5, 20), D(2026, 5, 28), OLD),  # undated
    # The Summer bank holiday: due Tue 1 Sep, met Wed 2 Sep: 1 late.
    ("TSCP-2026-0005", "screening_meeting", D(2026, 8, 27), D(2026, 9, 1), D(2026, 9, 2)),
    ("TSCP-2026-0005", "panel_notification", D(2026, 8, 26), D(2026, 9, 3), D(2026, 9, 3)),
    (
        "TSCP-2026-0005",
        "looked_after_death_notification",
        D(2026, 8, 26),
        D(2026, 9, 3),
        D(2026, 9, 4),
    ),  # 1
    ("TSCP-2026-0005", "rapid_review", D(2026, 9, 3), D(2026, 9, 24), D(2026, 9, 23)),
    ("TSCP-2026-0005", "appendix_b:gmp", D(2026, 9, 4), D(2026, 9, 18), D(2026, 9, 21)),  # 1
    # Arrived on Saturday 19 Sep, after Friday's date: counted as Monday, 1 late.
    (
        "TSCP-2026-0005",
        "appendix_b:tameside-council",
        D(2026, 9, 4),
        D(2026, 9, 18),
        D(2026, 9, 19),
    ),
    ("TSCP-2026-0006", "complaint_response", D(2026, 7, 1), D(2026, 7, 29), D(2026, 8, 7)),  # 7
    # Christmas: due Tue 29 Dec, met Wed 30 Dec: 1 late.
    ("TSCP-2026-0007", "screening_meeting", D(2026, 12, 23), D(2026, 12, 29), D(2026, 12, 30)),
    # Christmas and New Year: due Mon 4 Jan 2027 (the next quarter); met Mon 11 Jan: 5 late.
    ("TSCP-2026-0007", "panel_notification", D(2026, 12, 23), D(2027, 1, 4), D(2027, 1, 11)),
    ("TSCP-2026-0007", "appendix_b:gmp", D(2027, 1, 5), D(2027, 1, 15), D(2027, 1, 14)),
    # Never returned: at 31 Mar 2027, 51 working days late (Good Friday and Easter Monday out).
    ("TSCP-2026-0007", "appendix_b:probation", D(2027, 1, 5), D(2027, 1, 15), None),
    ("TSCP-2026-0008", "cspr_report", D(2026, 4, 20), D(2026, 10, 20), D(2026, 10, 30)),  # 8
    # 7 working days before publication on Fri 30 Oct; met by the report sent on Tue 20 Oct,
    # which the case records (the deadline row, written before met_on, does not).
    ("TSCP-2026-0008", "publication_notice", D(2026, 10, 30), D(2026, 10, 21), OLD),
    ("TSCP-2026-0009", "screening_meeting", D(2026, 11, 2), D(2026, 11, 4), None),  # closed
    # Good Friday and Easter Monday 2027: due Tue 30 Mar, not met: 1 late at 31 Mar.
    ("TSCP-2027-0010", "screening_meeting", D(2027, 3, 24), D(2027, 3, 30), None),
    ("TSCP-2027-0010", "panel_notification", D(2027, 3, 24), D(2027, 4, 2), None),  # after
    # Met on 1 Apr, after the year: still not done at 31 Mar, 18 working days late then.
    ("TSCP-2027-0011", "screening_meeting", D(2027, 3, 1), D(2027, 3, 3), D(2027, 4, 1)),
    ("TSCP-2027-0011", "panel_notification", D(2027, 3, 1), D(2027, 3, 8), D(2027, 3, 8)),
    ("TSCP-2027-0012", "complaint_response", D(2027, 2, 1), D(2027, 3, 1), D(2027, 2, 26)),
    ("TSCP-2027-0013", "screening_meeting", D(2027, 3, 30), D(2027, 4, 1), None),  # after
]
REPORT_SENT = {"TSCP-2026-0008": D(2026, 10, 20)}
RETURN_ARRIVED = {("TSCP-2026-0001", "appendix_b:icb"): datetime(2026, 4, 28, 15, tzinfo=UTC)}

# The figures, by hand. Per measure (and agency), per period (the year, then Q1 to Q4):
# (due, on time, late cases as (ref, working days late, done on), median, worst).
Late = list[tuple[str, int, date | None]]
Fig = tuple[int, int, Late, float | None, int | None]
NONE: Fig = (0, 0, [], None, None)
EXPECTED: dict[tuple[str, str | None], list[Fig]] = {
    ("screening_meeting", None): [
        (
            8,
            3,
            [
                ("TSCP-2026-0002", 1, D(2026, 7, 2)),
                ("TSCP-2026-0005", 1, D(2026, 9, 2)),
                ("TSCP-2026-0007", 1, D(2026, 12, 30)),
                ("TSCP-2027-0011", 18, None),
                ("TSCP-2027-0010", 1, None),
            ],
            1.0,
            18,
        ),
        (3, 3, [], None, None),
        (
            2,
            0,
            [("TSCP-2026-0002", 1, D(2026, 7, 2)), ("TSCP-2026-0005", 1, D(2026, 9, 2))],
            1.0,
            1,
        ),
        (1, 0, [("TSCP-2026-0007", 1, D(2026, 12, 30))], 1.0, 1),
        (2, 0, [("TSCP-2027-0011", 18, None), ("TSCP-2027-0010", 1, None)], 9.5, 18),
    ],
    ("panel_notification", None): [
        (
            4,
            2,
            [("TSCP-2026-0001", 1, D(2026, 4, 13)), ("TSCP-2026-0007", 5, D(2027, 1, 11))],
            3.0,
            5,
        ),
        (1, 0, [("TSCP-2026-0001", 1, D(2026, 4, 13))], 1.0, 1),
        (1, 1, [], None, None),
        NONE,
        (2, 1, [("TSCP-2026-0007", 5, D(2027, 1, 11))], 5.0, 5),
    ],
    ("looked_after_death_notification", None): [
        (1, 0, [("TSCP-2026-0005", 1, D(2026, 9, 4))], 1.0, 1),
        NONE,
        (1, 0, [("TSCP-2026-0005", 1, D(2026, 9, 4))], 1.0, 1),
        NONE,
        NONE,
    ],
    ("rapid_review", None): [
        (2, 1, [("TSCP-2026-0001", 8, D(2026, 5, 15))], 8.0, 8),
        (1, 0, [("TSCP-2026-0001", 8, D(2026, 5, 15))], 8.0, 8),
        (1, 1, [], None, None),
        NONE,
        NONE,
    ],
    ("cspr_report", None): [
        (1, 0, [("TSCP-2026-0008", 8, D(2026, 10, 30))], 8.0, 8),
        NONE,
        NONE,
        (1, 0, [("TSCP-2026-0008", 8, D(2026, 10, 30))], 8.0, 8),
        NONE,
    ],
    ("publication_notice", None): [
        (1, 1, [], None, None),
        NONE,
        NONE,
        (1, 1, [], None, None),
        NONE,
    ],
    ("complaint_response", None): [
        (3, 2, [("TSCP-2026-0006", 7, D(2026, 8, 7))], 7.0, 7),
        (1, 1, [], None, None),
        (1, 0, [("TSCP-2026-0006", 7, D(2026, 8, 7))], 7.0, 7),
        NONE,
        (1, 1, [], None, None),
    ],
    ("appendix_b", "Greater Manchester Police"): [
        (3, 2, [("TSCP-2026-0005", 1, D(2026, 9, 21))], 1.0, 1),
        (1, 1, [], None, None),
        (1, 0, [("TSCP-2026-0005", 1, D(2026, 9, 21))], 1.0, 1),
        NONE,
        (1, 1, [], None, None),
    ],
    ("appendix_b", "NHS Greater Manchester Integrated Care (Tameside)"): [
        (1, 1, [], None, None),
        (1, 1, [], None, None),
        NONE,
        NONE,
        NONE,
    ],
    ("appendix_b", "Probation Service (Tameside)"): [
        (1, 0, [("TSCP-2026-0007", 51, None)], 51.0, 51),
        NONE,
        NONE,
        NONE,
        (1, 0, [("TSCP-2026-0007", 51, None)], 51.0, 51),
    ],
    ("appendix_b", "Tameside Council Children's Services"): [
        (
            2,
            0,
            [("TSCP-2026-0001", 3, D(2026, 5, 1)), ("TSCP-2026-0005", 1, D(2026, 9, 19))],
            2.0,
            3,
        ),
        (1, 0, [("TSCP-2026-0001", 3, D(2026, 5, 1))], 3.0, 3),
        (1, 0, [("TSCP-2026-0005", 1, D(2026, 9, 19))], 1.0, 1),
        NONE,
        NONE,
    ],
}
SINS = [9, 3, 1, 2, 3]  # the year, Q1 to Q4 (0014 and 0008 arrived before the year)
# Set aside, per measure, over the year: met with no day recorded; never met, case closed.
UNDATED = {"panel_notification": ["TSCP-2026-0004"]}
CLOSED_UNMET = {"screening_meeting": ["TSCP-2026-0009"]}
QUARTER_UNDATED = {"panel_notification": [["TSCP-2026-0004"], [], [], []]}
QUARTER_CLOSED = {"screening_meeting": [[], [], ["TSCP-2026-0009"], []]}


def _store_year(url: str) -> None:
    engine = make_engine(url)
    try:
        with make_sessions(engine)() as session:
            cases = {ref: _case(ref, kind, on, closed) for ref, kind, on, closed in CASES}
            session.add_all(cases.values())
            for ref, name, start, due, done in DEADLINES:
                _deadline(session, cases[ref], name, start, due, done)
            session.commit()
    finally:
        engine.dispose()


def _case(ref: str, kind: str, received: date, closed: bool) -> Case:
    year, number = int(ref[5:9]), int(ref[10:])
    return Case(
        ref=ref,
        year=year,
        number=number,
        opened_at=datetime(received.year, received.month, received.day, 9, tzinfo=UTC),
        sin_received_on=received,
        initials="AB",
        kind=kind,
        status="closed" if closed else "open",
        report_sent_on=REPORT_SENT.get(ref),
    )


def _deadline(session: Any, case: Case, name: str, start: date, due: date, done: object) -> None:
    fixed = name.startswith("appendix_b:")
    computed = deadlines.compute(name, start, CAL, due=due if fixed else None)
    assert computed.due == due, f"{case.ref} {name}: the hand count says {due}"
    set_deadline(session, case, computed, AT)
    if done == NOT_REQUIRED:
        met(case, name, AT, state="not_required")
    elif done == OLD:
        met(case, name, RETURN_ARRIVED.get((case.ref, name), AT))
    elif isinstance(done, date):
        met(case, name, AT, on=done)


@pytest.fixture
def year(tmp_path: Path, migrated_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The year's cases on a database made from the migrated template (`init` then finds its
    schema current; init on an empty database is tests/test_cli.py's to try)."""
    monkeypatch.delenv("TSCP_BOT_CONFIG", raising=False)
    path = write_config(tmp_path, migrated_database_url)
    assert main(["--config", str(path), "init"]) == 0
    _store_year(migrated_database_url)
    return path


@pytest.fixture
def bot(year: Path, capsys: pytest.CaptureFixture[str]) -> Run:
    capsys.readouterr()

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--config", str(year), "--now", NOW, "report", *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


YEAR = ("--from", "01/04/2026", "--to", "31/03/2027")


def _figure(m: dict[str, Any]) -> Fig:
    late = [
        (c["ref"], c["working_days_late"], c["done_on"] and D.fromisoformat(c["done_on"]))
        for c in m["late_cases"]
    ]
    return (
        m["due"],
        m["on_time"],
        late,
        m["median_working_days_late"],
        m["worst_working_days_late"],
    )


def test_every_figure_of_the_year_matches_the_hand_count(bot: Run) -> None:
    code, out, err = bot(*YEAR, "--json")
    assert (code, err) == (0, "")
    report = json.loads(out)
    periods = [report["whole"], *report["quarters"]]
    assert [p["label"] for p in periods] == [
        "1 Apr 2026 to 31 Mar 2027",
        "Apr to Jun 2026",
        "Jul to Sep 2026",
        "Oct to Dec 2026",
        "Jan to Mar 2027",
    ]
    assert [p["sins_received"] for p in periods] == SINS
    for i, p in enumerate(periods):
        found = {(m["measure"], m["agency"]): _figure(m) for m in p["measures"] + p["appendix_b"]}
        assert list(found) == list(EXPECTED), p["label"]  # the order a reader meets them
        for key, figures in EXPECTED.items():
            assert found[key] == figures[i], (p["label"], key)


def test_what_is_set_aside_is_listed_by_reference(bot: Run) -> None:
    report = json.loads(bot(*YEAR, "--json")[1])
    whole = {m["measure"]: m for m in report["whole"]["measures"]}
    for name, m in whole.items():
        assert m["met_day_not_recorded"] == UNDATED.get(name, []), name
        assert m["closed_without_being_met"] == CLOSED_UNMET.get(name, []), name
    for q, quarter in enumerate(report["quarters"]):
        by_name = {m["measure"]: m for m in quarter["measures"]}
        assert (
            by_name["panel_notification"]["met_day_not_recorded"]
            == QUARTER_UNDATED["panel_notification"][q]
        )
        assert (
            by_name["screening_meeting"]["closed_without_being_met"]
            == QUARTER_CLOSED["screening_meeting"][q]
        )
    assert report["whole"]["measures"][0]["on_time_rate"] == 0.375  # 3 of 8
    assert "Fri 26 Mar 2027 Good Friday" in report["calendar_note"]


def test_the_csv_has_one_row_per_measure_per_period_with_the_same_figures(bot: Run) -> None:
    code, out, _ = bot(*YEAR, "--csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    periods = [r["period"] for r in rows if r["measure"] == "sins_received"]
    assert periods == [
        "1 Apr 2026 to 31 Mar 2027",
        "Apr to Jun 2026",
        "Jul to Sep 2026",
        "Oct to Dec 2026",
        "Jan to Mar 2027",
    ]
    assert [int(r["received"]) for r in rows if r["measure"] == "sins_received"] == SINS
    figures = [r for r in rows if r["measure"] != "sins_received"]
    assert len(figures) == len(EXPECTED) * 5
    for r in figures:
        i = periods.index(r["period"])
        due, on_time, late, median, worst = EXPECTED[(r["measure"], r["agency"] or None)][i]
        assert (int(r["due"]), int(r["on_time"]), int(r["late"])) == (due, on_time, len(late))
        assert r["late_cases"] == "; ".join(f"{ref} ({n})" for ref, n, _ in late)
        assert r["median_working_days_late"] == ("" if median is None else str(median))
        assert r["worst_working_days_late"] == ("" if worst is None else str(worst))
        assert r["whole_period"] == ("yes" if i == 0 else "no")
    probation = next(r for r in figures if r["agency"] == "Probation Service (Tameside)")
    assert (probation["period_start"], probation["period_end"]) == ("2026-04-01", "2027-03-31")


def test_the_text_report_reads_as_the_board_would(bot: Run) -> None:
    code, out, err = bot(*YEAR)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[:2] == ["Timeliness report, 1 Apr 2026 to 31 Mar 2027", "SIN forms received: 9"]
    figures = lines[: next(i for i, line in enumerate(lines) if line.startswith("Late, by"))]
    table = {line[:50].strip(): line[50:].split() for line in figures if "  " in line}
    assert table["Screening Panel within 2 working days"][:6] == ["8", "3", "5", "38%", "1", "18"]
    assert table["Greater Manchester Police"] == ["3", "2", "1", "67%", "1", "1"]
    assert table["Tameside Council Children's Services"] == ["2", "0", "2", "0%", "2", "3"]
    assert table["National Panel notified within 5 working days"][:6] == [
        "4", "2", "2", "50%", "3", "5"
    ]  # fmt: skip
    assert "  TSCP-2027-0011  due Wed 3 Mar 2027  not done  18 working days" in lines
    assert "  TSCP-2026-0002  due Wed 1 Jul 2026  done Thu 2 Jul 2026  1 working day" in lines
    words = " ".join(out.split())  # long lines are wrapped to the terminal
    assert (
        "National Panel notified within 5 working days: met, but the day it was met is not "
        "recorded: TSCP-2026-0004" in words
    )
    assert (
        "Screening Panel within 2 working days: never recorded as met, case closed: "
        "TSCP-2026-0009" in words
    )
    assert (
        "By quarter, on time / due (Q1 Apr to Jun 2026, Q2 Jul to Sep 2026, Q3 Oct to Dec 2026, "
        "Q4 Jan to Mar 2027)" in words
    )
    row = next(line for line in lines if line.startswith("Screening Panel") and "/" in line)
    assert row.split()[-4:] == ["3/3", "0/2", "0/1", "0/2"]
    assert "Appendix B: Probation Service (Tameside)" in out
    # References only: no initials, no names of people.
    assert "AB" not in out.replace("TSCP", "")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "01/04/2026", "--to", "31/03/2026"), "--to Tue 31 Mar 2026 is before --from"),
        (("--from", "31/02/2026", "--to", "31/03/2026"), "--from: 31/02/2026 is not a real date"),
        (("--from", "01/04/2026", "--to", "next week"), "--to: "),
    ],
)
def test_bad_dates_are_one_line_and_exit_2(bot: Run, args: tuple[str, ...], message: str) -> None:
    code, out, err = bot(*args)
    assert (code, out) == (2, "")
    assert err.startswith(f"tscp-bot: {message}") and err.count("\n") == 1


def test_the_report_reads_the_database_in_two_statements_however_many_cases(year: Path) -> None:
    config = load_config(year)
    engine = make_engine(config.database_url)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    try:
        with make_sessions(engine)() as session:
            report = timeliness(session, config, D(2026, 4, 1), D(2027, 3, 31), TODAY)
    finally:
        engine.dispose()
    assert report.whole.sins_received == 9
    assert len(statements) == 2


class _Terminal(io.StringIO):
    """Standing in for a terminal: the CLI fits tables only to a terminal, not into a pipe."""

    def isatty(self) -> bool:
        return True


def test_the_text_fits_an_80_column_terminal(
    year: Path, bot: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    piped = bot(*YEAR)[1].splitlines()
    screen = _Terminal()
    monkeypatch.setattr(sys, "stdout", screen)
    monkeypatch.setenv("COLUMNS", "80")  # what shutil.get_terminal_size reads first
    assert main(["--config", str(year), "--now", NOW, "report", *YEAR]) == 0
    shown = screen.getvalue().splitlines()
    assert max(len(line) for line in piped) > 80
    assert max(len(line) for line in shown) <= 80
    # Every reference named (the late and the set-aside) is still there, and the late ones
    # under their measure's full name.
    refs = [ref for ref, *_ in CASES if ref in "\n".join(piped)]
    assert len(refs) == 10  # 8 with a late deadline, 2 set aside
    assert all(ref in screen.getvalue() for ref in refs)
    assert "Appendix B: Tameside Council Children's Services" in shown
    assert "Looked-after death notified within 5 working days" in shown


def test_a_report_whose_end_is_still_to_come_stands_at_today(bot: Run) -> None:
    # 2027 to date, on Tue 20 Apr 2027: what is still open is late up to today, and a
    # deadline met after 31 March now counts as done. Good Friday and Easter Monday 2027 out.
    report = json.loads(bot("--from", "01/01/2027", "--to", "31/12/2027", "--json")[1])
    assert (report["to"], report["as_of"]) == ("2027-12-31", "2027-04-20")
    whole = {m["measure"]: m for m in report["whole"]["measures"]}
    screening = whole["screening_meeting"]["late_cases"]
    assert [(c["ref"], c["done_on"], c["working_days_late"]) for c in screening] == [
        ("TSCP-2027-0011", "2027-04-01", 19),  # due Wed 3 Mar
        ("TSCP-2027-0010", None, 15),  # due Tue 30 Mar
        ("TSCP-2027-0013", None, 13),  # due Thu 1 Apr
    ]
    notified = whole["panel_notification"]["late_cases"]
    assert [(c["ref"], c["working_days_late"]) for c in notified] == [
        ("TSCP-2026-0007", 5),
        ("TSCP-2027-0010", 12),  # due Fri 2 Apr
    ]
    [probation] = [m for m in report["whole"]["appendix_b"] if m["agency"].startswith("Probation")]
    assert probation["late_cases"][0]["working_days_late"] == 65  # due Fri 15 Jan
    text = bot("--from", "01/01/2027", "--to", "31/12/2027")[1]
    assert "(not done: still not done on Tue 20 Apr 2027)" in text
