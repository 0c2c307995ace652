"""Where "now" comes from. `--now` swaps the system clock for a fixed or moving one."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    def now(self) -> datetime:
        """An aware datetime."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass(frozen=True)
class FixedClock:
    moment: datetime

    def now(self) -> datetime:
        return self.moment


@dataclass
class OffsetClock:
    """Starts at a given moment and then runs in real time: a daemon replaying a backlog."""

    start: datetime
    _began: float = field(default_factory=time.monotonic)

    def now(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self._began)


def parse_moment(text: str, tz: ZoneInfo) -> datetime:
    """ISO-8601; a date alone means midnight; naive times are in the partnership's zone."""
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment
