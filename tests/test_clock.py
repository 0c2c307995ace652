"""`--now` as the Business Manager types a date: day first, as in email, or ISO-8601."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.clock import parse_moment
from bot.core.dates import AmbiguousTime, NoSuchDate

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("2026-12-23T09:30", datetime(2026, 12, 23, 9, 30, tzinfo=LONDON)),
        ("23/12/2026 09:30", datetime(2026, 12, 23, 9, 30, tzinfo=LONDON)),
        ("23/12/2026", datetime(2026, 12, 23, tzinfo=LONDON)),
        ("23 December 2026 17:05:09", datetime(2026, 12, 23, 17, 5, 9, tzinfo=LONDON)),
        # Summer time: a naive time is a London wall-clock time, not UTC.
        ("01/07/2026 09:00", datetime(2026, 7, 1, 8, 0, tzinfo=ZoneInfo("UTC"))),
        ("2026-12-23T09:30+00:00", datetime(2026, 12, 23, 9, 30, tzinfo=ZoneInfo("UTC"))),
    ],
)
def test_a_moment_is_read_day_first_or_iso(typed: str, meant: datetime) -> None:
    assert parse_moment(typed, LONDON) == meant


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("31/02/2026 09:00", "not a real date"),
        ("23/12/2026 25:00", "hour"),
        ("next tuesday", "not a date I can read"),
        ("", "no date given"),
    ],
)
def test_what_cannot_be_read_is_refused_with_the_reason(typed: str, said: str) -> None:
    with pytest.raises(ValueError, match=said):
        parse_moment(typed, LONDON)


def test_a_time_the_spring_change_skips_is_refused_not_moved_an_hour_on() -> None:
    # 01:00 GMT on 28 March 2027 is 02:00 BST: 01:30 never shows on a London clock.
    with pytest.raises(NoSuchDate, match="28/03/2027 01:30 does not exist in Europe/London"):
        parse_moment("28/03/2027 01:30", LONDON)
    assert parse_moment("28/03/2027 02:00", LONDON) == datetime(2027, 3, 28, 1, tzinfo=UTC)


@pytest.mark.parametrize("typed", ["31/10/2027 01:30", "2027-10-31T01:30"])
def test_a_time_the_autumn_change_repeats_asks_which(typed: str) -> None:
    with pytest.raises(AmbiguousTime, match=r"happens twice.*add \+01:00 or \+00:00"):
        parse_moment(typed, LONDON)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("31/10/2027 01:30 +01:00", datetime(2027, 10, 31, 0, 30, tzinfo=UTC)),
        ("31/10/2027 01:30 +00:00", datetime(2027, 10, 31, 1, 30, tzinfo=UTC)),
        ("2027-10-31T01:30+00:00", datetime(2027, 10, 31, 1, 30, tzinfo=UTC)),
    ],
)
def test_a_repeated_time_with_its_offset_is_the_one_meant(typed: str, meant: datetime) -> None:
    assert parse_moment(typed, LONDON) == meant
