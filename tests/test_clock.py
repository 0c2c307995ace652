"""`--now` as the Business Manager types a date: day first, as in email, or ISO-8601."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.clock import parse_moment

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
