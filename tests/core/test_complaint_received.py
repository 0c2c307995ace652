"""`Correct Received: <date> because <reason>`: a complaint's receipt day, as read and checked."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core import commands as c
from bot.core.command_dates import received_problem

TODAY = date(2027, 1, 20)  # a Wednesday
ARRIVED = date(2026, 12, 23)  # the day the complaint reached the mailbox


def test_correct_received_is_read_with_its_date_and_reason() -> None:
    line = "Correct Received: 16/12/2026 because it went to the council's complaints team first"
    [cmd] = c.parse_commands(line, today=TODAY).commands
    assert cmd == c.CorrectReceived(
        c.Corrected.RECEIVED,
        date(2026, 12, 16),
        "it went to the council's complaints team first",
        line,
    )
    [error] = c.parse_commands("Correct Received: 16/12/2026", today=TODAY).errors
    assert "a correction needs its reason" in error.message


@pytest.mark.parametrize(
    ("given", "answered", "problem"),
    [
        (date(2027, 1, 21), None, "Thu 21 Jan 2027 is after today (Wed 20 Jan 2027)"),
        (date(2026, 12, 24), None, "is after the complaint reached the mailbox (Wed 23 Dec"),
        (date(2025, 12, 16), None, "more than 12 months before the complaint reached the"),
        (date(2026, 12, 10), date(2026, 12, 9), "is after the reply was sent (Wed 9 Dec 2026)"),
        (ARRIVED, None, None),  # back to the day it arrived
        (date(2026, 12, 16), date(2027, 1, 14), None),
        (date(2025, 12, 23), None, None),  # a year before, to the day
    ],
)
def test_the_receipt_falls_within_a_year_before_arrival_and_never_after_it(
    given: date, answered: date | None, problem: str | None
) -> None:
    found = received_problem(given, ARRIVED, TODAY, answered)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found and "\n" not in found
        assert "Correct Received: <date> because <reason>" in found
