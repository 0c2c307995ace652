"""A command date that makes no sense for its line is refused with the reason."""

from __future__ import annotations

from datetime import date

import pytest

from bot.adapters.bank_holidays import working_calendar
from bot.core.command_dates import (
    action_due_problem,
    closed_day_note,
    delay_expected_check,
    delay_expected_problem,
    notified_problem,
    published_problem,
    report_sent_problem,
    return_by_problem,
)
from bot.core.dates import fmt_date

TODAY = date(2026, 12, 17)


@pytest.mark.parametrize(
    ("given", "refused"),
    [
        (date(2026, 12, 16), True),
        (date(2025, 12, 24), True),
        (date(2026, 12, 17), False),
        (date(2027, 1, 5), False),
    ],
)
def test_dates_before_today_are_refused(given: date, refused: bool) -> None:
    for check in (return_by_problem, action_due_problem):
        problem = check(given, TODAY)
        assert (problem is not None) is refused
        if problem is not None:
            assert fmt_date(given) in problem and "give a later date" in problem


def test_a_return_date_a_year_away_is_a_mistyped_year() -> None:
    problem = return_by_problem(date(2027, 12, 24), TODAY)
    assert problem is not None and "more than 12 months after the request" in problem
    assert return_by_problem(date(2027, 12, 17), TODAY) is None


def test_a_notification_comes_on_or_after_a_known_awareness_date() -> None:
    aware = date(2026, 12, 21)
    assert notified_problem(aware, aware, assumed=False) is None
    assert notified_problem(date(2026, 12, 22), aware, assumed=False) is None
    problem = notified_problem(date(2026, 12, 18), aware, assumed=False)
    assert problem is not None and problem.startswith("Fri 18 Dec 2026 is before the local")
    assert "Aware: <date>" in problem


def test_before_an_assumed_awareness_date_only_a_month_out_is_refused() -> None:
    # Aware "on arrival" is a guess: the LA may have notified days before the SIN reached us.
    arrived = date(2026, 12, 23)
    assert notified_problem(date(2026, 12, 18), arrived, assumed=True) is None
    assert notified_problem(date(2026, 11, 23), arrived, assumed=True) is None
    problem = notified_problem(date(2025, 12, 24), arrived, assumed=True)  # a mistyped year
    assert problem is not None and "more than a month before the SIN arrived" in problem


def test_a_publication_comes_on_or_after_the_cspr_decision() -> None:
    decided = date(2027, 1, 15)
    assert published_problem(decided, decided) is None
    problem = published_problem(date(2026, 7, 1), decided)
    assert problem is not None and "check the year: Published: <date>" in problem


def test_the_report_is_sent_on_or_after_the_cspr_decision() -> None:
    decided = date(2027, 1, 7)
    assert report_sent_problem(decided, decided) is None
    assert report_sent_problem(date(2027, 6, 15), decided) is None
    assert report_sent_problem(date(2026, 6, 15), decided) == (
        "Mon 15 Jun 2026 is before the CSPR was decided on (Thu 7 Jan 2027); check the year: "
        "Report sent: <date>"
    )


@pytest.mark.parametrize(
    ("day", "said"),
    [
        (date(2026, 12, 26), " (Saturday: not a working day)"),
        (date(2026, 12, 25), " (Christmas Day: not a working day)"),
        (date(2026, 12, 29), " (Office closure: not a working day)"),
        (date(2026, 12, 24), ""),
        (date(2035, 1, 6), ""),  # beyond the calendar: the deadline itself says so
    ],
)
def test_a_date_given_on_a_closed_day_is_named_as_one(day: date, said: str) -> None:
    cal = working_calendar(range(2026, 2028), local_closures={date(2026, 12, 29): "Office closure"})
    assert closed_day_note(day, cal) == said


@pytest.mark.parametrize(
    ("expected", "refused"),
    [
        (date(2026, 1, 5), "is not after today (Thu 21 Jan 2027); check the year"),
        (date(2027, 1, 21), "is not after today"),
        (date(2027, 1, 25), "is not after the Rapid Review's due date (Mon 25 Jan 2027)"),
        (date(2028, 2, 5), "is more than 12 months away; check the year"),
        (date(2027, 2, 5), None),
    ],
)
def test_a_delay_must_be_expected_after_today_and_the_due_date(
    expected: date, refused: str | None
) -> None:
    problem = delay_expected_problem(expected, date(2027, 1, 25), date(2027, 1, 21))
    assert (problem is None) == (refused is None)
    assert refused is None or (problem is not None and refused in problem)


@pytest.mark.parametrize(
    ("expected", "said"),
    [
        (date(2026, 12, 25), "expected by Fri 25 Dec 2026 (Christmas Day: not a working day)"),
        (date(2026, 12, 29), "expected by Tue 29 Dec 2026 (Office closure: not a working day)"),
        (date(2026, 12, 26), "expected by Sat 26 Dec 2026 (Saturday: not a working day)"),
        (date(2026, 12, 24), None),
    ],
)
def test_a_delay_expected_on_a_closed_day_is_put_to_the_business_manager(
    expected: date, said: str | None
) -> None:
    cal = working_calendar(range(2026, 2028), local_closures={date(2026, 12, 29): "Office closure"})
    check = delay_expected_check(expected, cal)
    if said is None:
        assert check is None
    else:
        assert check is not None and said in check
