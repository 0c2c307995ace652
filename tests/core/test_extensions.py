"""The date logic of an agreed extension (bot.core.extensions) and reading its line."""

from __future__ import annotations

from datetime import date

import pytest

from bot.adapters.bank_holidays import working_calendar
from bot.core import extensions as ext
from bot.core.commands import ComplaintExtended, ReportExtended, parse_commands

DUE, START, TODAY = date(2027, 1, 25), date(2026, 12, 23), date(2027, 1, 19)


def agreed(to: date, on: date = date(2027, 1, 18)) -> ext.Agreed:
    return ext.Agreed(ext.COMPLAINT, to, "the complainant", on)


@pytest.mark.parametrize(
    ("given", "why"),
    [
        (agreed(date(2027, 1, 25)), "is not after the day the reply to the complaint is due now"),
        (agreed(date(2027, 1, 22)), "an extension only moves it later"),
        (agreed(date(2027, 1, 18)), "has already passed (today is Tue 19 Jan 2027)"),
        (agreed(date(2027, 2, 8), date(2027, 1, 20)), "after today (Tue 19 Jan 2027)"),
        (agreed(date(2027, 2, 8), date(2026, 12, 1)), "before the clock started"),
    ],
)
def test_an_extension_that_would_move_the_clock_wrongly_is_refused(
    given: ext.Agreed, why: str
) -> None:
    found = ext.problem(given, DUE, START, TODAY)
    assert found is not None and why in found


def test_a_later_day_agreed_before_today_stands() -> None:
    assert ext.problem(agreed(date(2027, 2, 8)), DUE, START, TODAY) is None


def test_a_day_nobody_works_is_kept_with_a_warning_not_moved() -> None:
    cal = working_calendar(range(2026, 2028))
    assert ext.closed_day_warning(date(2027, 2, 8), cal) == ""
    warned = ext.closed_day_warning(date(2027, 2, 6), cal)
    assert "PLEASE CHECK: Sat 6 Feb 2027" in warned and "kept as agreed" in warned


def test_the_first_day_is_always_shown_beside_the_agreed_one() -> None:
    words = ext.words(agreed(date(2027, 2, 8)))
    assert ext.shown_due(date(2027, 2, 8), DUE, words) == (
        "due Mon 25 Jan 2027; extended to Mon 8 Feb 2027, agreed with the complainant on "
        "Mon 18 Jan 2027"
    )
    assert ext.shown_due(DUE, None, None) == "due Mon 25 Jan 2027"


def test_a_second_extension_replaces_the_first_line_and_keeps_the_rule() -> None:
    once = ext.explanation("Due Mon 25 Jan 2027: 20 working days after ...", DUE, "extended to A")
    twice = ext.explanation(once, DUE, "extended to B")
    assert twice.splitlines()[0].startswith("Due Mon 25 Jan 2027: 20 working days")
    assert [line for line in twice.splitlines() if "extended to" in line] == [
        "Agreed extension: extended to B. The rule's day, Mon 25 Jan 2027, still stands in the "
        "timeliness report, which also says whether the agreed day was met."
    ]


def test_a_recount_keeps_an_agreed_day_only_while_it_is_later() -> None:
    assert ext.still_later(date(2027, 1, 26), date(2027, 2, 8))
    assert not ext.still_later(date(2027, 2, 8), date(2027, 2, 8))


def test_the_lines_are_read_with_the_role_and_both_dates() -> None:
    parsed = parse_commands(
        "Complaint extended: 20 January 2027, agreed with complainant on 06/12/2026\n"
        "CSPR report extended: 30/09/2027 agreed with the National Panel on 28/05/2027",
        today=date(2026, 12, 6),
    )
    complaint, report = parsed.commands
    assert isinstance(complaint, ComplaintExtended) and isinstance(report, ReportExtended)
    assert complaint.agreed == ext.Agreed(
        ext.COMPLAINT, date(2027, 1, 20), "the complainant", date(2026, 12, 6)
    )
    assert report.agreed.party == "the National Panel" and report.agreed.to == date(2027, 9, 30)
    # A named person is refused: the words reach case views, and a partner's `Status`.
    [error] = parse_commands(
        "Complaint extended: 20/01/2027 agreed with Sam Invented on 06/12/2026",
        today=date(2026, 12, 6),
    ).errors
    assert "name who agreed it by role" in error.message
