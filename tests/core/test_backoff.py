"""Retry delays for the outbox: 1, 2, 4 ... minutes, never more than the cap."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.backoff import retry_delay


@pytest.mark.parametrize(
    ("attempt", "seconds"),
    [
        (1, 60),
        (2, 120),
        (3, 240),
        (4, 480),
        (5, 960),
        (6, 1920),
        (7, 3600),  # 3840 capped
        (8, 3600),
        (100, 3600),
        (10_000, 3600),  # huge attempt counts neither overflow nor exceed the cap
    ],
)
def test_doubling_then_capped(attempt: int, seconds: int) -> None:
    assert retry_delay(attempt, base_seconds=60, max_seconds=3600) == timedelta(seconds=seconds)


def test_cap_below_base_wins() -> None:
    assert retry_delay(1, base_seconds=600, max_seconds=300) == timedelta(seconds=300)


@pytest.mark.parametrize("attempt", [0, -1])
def test_attempt_counts_from_one(attempt: int) -> None:
    with pytest.raises(ValueError, match="attempt counts from 1"):
        retry_delay(attempt, base_seconds=60, max_seconds=3600)
