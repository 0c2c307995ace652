"""What an agency sent back since its return was asked for (bot.core.agency_answers)."""

from __future__ import annotations

from datetime import date

from bot.core.agency_answers import Answer, earliest, since_request

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


def test_each_thing_asked_keeps_only_the_answers_since_its_own_day() -> None:
    # Two action-plan items of one agency on one case, agreed 17 and 22 December: answers are
    # read from the earlier day, and the later item is not told of a reply before it.
    asked = earliest([((1, "gmp"), date(2026, 12, 22)), ((1, "gmp"), date(2026, 12, 17))])
    assert asked == {(1, "gmp"): date(2026, 12, 17)}
    found = since_request(asked, [Answer((1, "gmp"), date(2026, 12, 18), automatic=False)])
    assert found.since((1, "gmp"), date(2026, 12, 17)) == (None, date(2026, 12, 18))
    assert found.since((1, "gmp"), date(2026, 12, 22)) == (None, None)
