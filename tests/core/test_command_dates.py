"""A command date that makes no sense for its line is refused with the reason."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.command_dates import action_due_problem, return_by_problem

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
            assert f"{given:%d/%m/%Y}" in problem and "give a later date" in problem


def test_a_return_date_a_year_away_is_a_mistyped_year() -> None:
    problem = return_by_problem(date(2027, 12, 24), TODAY)
    assert problem is not None and "more than 12 months after the request" in problem
    assert return_by_problem(date(2027, 12, 17), TODAY) is None
