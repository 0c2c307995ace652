"""What an agency sent back since its return was asked for (bot.core.agency_answers)."""

from __future__ import annotations

from datetime import date

from bot.core.agency_answers import Answer, since_request

ASKED = {(1, "gmp"): date(2026, 12, 17)}


def test_the_latest_of_each_sort_since_the_request_counts() -> None:
    found = since_request(
        ASKED,
        [
            Answer((1, "gmp"), date(2026, 12, 16), automatic=False),  # before: about else
            Answer((1, "gmp"), date(2026, 12, 18), automatic=False),
            Answer((1, "gmp"), date(2026, 12, 21), automatic=False),
            Answer((1, "gmp"), date(2026, 12, 17), automatic=True),
            Answer((1, "icb"), date(2026, 12, 18), automatic=False),  # not asked
            Answer((2, "gmp"), date(2026, 12, 18), automatic=False),  # another case
        ],
    )
    assert found.replied == {(1, "gmp"): date(2026, 12, 21)}
    assert found.away == {(1, "gmp"): date(2026, 12, 17)}


def test_an_answer_before_the_request_is_not_about_the_return() -> None:
    found = since_request(ASKED, [Answer((1, "gmp"), date(2026, 12, 16), automatic=False)])
    assert found.replied == {} and found.away == {}
