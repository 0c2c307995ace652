"""The words beside a CSPR report's due day say how it was reached: the 6 months, and the day
they really ended when that day was not kept."""

from __future__ import annotations

from datetime import date

import pytest

from bot.adapters.bank_holidays import working_calendar
from bot.core import deadlines as dl
from bot.core.months_words import months_from

CAL = working_calendar(range(2026, 2029), {date(2026, 12, 29): "Council office closure"})


@pytest.mark.parametrize(
    ("decided", "words"),
    [
        (date(2027, 1, 7), "6 months from the decision"),
        (
            date(2027, 1, 18),
            "6 months from the decision, brought forward from Sun 18 Jul 2027, a Sunday",
        ),
        (
            date(2026, 8, 31),
            "6 months from the decision, brought forward from Sun 28 Feb 2027, a Sunday",
        ),
        (
            date(2026, 6, 28),
            "6 months from the decision, brought forward from Mon 28 Dec 2026, "
            "Boxing Day (substitute day)",
        ),
        (
            date(2026, 6, 29),
            "6 months from the decision, brought forward from Tue 29 Dec 2026, "
            "Council office closure",
        ),
    ],
)
def test_a_due_day_brought_forward_names_the_day_the_months_ended_and_why(
    decided: date, words: str
) -> None:
    assert months_from(dl.cspr_report(decided, CAL), "the decision") == words


def test_the_reports_year_online_moved_on_from_a_saturday_says_so() -> None:
    """The year online is a least time, rolled forward: "12 months" alone would be untrue."""
    d = dl.publication_period_end(date(2027, 7, 8), CAL)
    assert months_from(d, "the day it was published") == (
        "12 months from the day it was published, moved on from Sat 8 Jul 2028, a Saturday"
    )
