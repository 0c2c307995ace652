"""Retry delays: exponential, capped, so a dead server is not hammered and mail still flows."""

from __future__ import annotations

from datetime import timedelta


def retry_delay(attempt: int, *, base_seconds: int, max_seconds: int) -> timedelta:
    """Delay before retry number `attempt` (1 = first retry): base, 2*base, 4*base ... max."""
    if attempt < 1:
        raise ValueError("attempt counts from 1")
    seconds = min(max_seconds, base_seconds * 2 ** min(attempt - 1, 30))
    return timedelta(seconds=seconds)
