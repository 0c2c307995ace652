"""Where "now" comes from. `--now` swaps the system clock for a fixed or moving one."""

from __future__ import annotations

import re
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


# A date as typed in email, then optionally a 24-hour time: "23/12/2026 09:30".
_TIME_AFTER_DATE = re.compile(r"(?P<day>.*?)(?:[ T](?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?)?")


def parse_moment(text: str, tz: ZoneInfo) -> datetime:
    """ISO-8601, or a date read day first as in email with an optional 24-hour time
    ("23/12/2026 09:30"); a date alone means midnight; naive times are in the partnership's
    zone. Raises ValueError naming what could not be read."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = _day_first(text.strip())
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment


def _day_first(text: str) -> datetime:
    from bot.core.dates import parse_uk_date

    found = _TIME_AFTER_DATE.fullmatch(text)
    assert found is not None  # every part of the pattern is optional
    day = parse_uk_date(found["day"])  # DateError is a ValueError
    return datetime(
        day.year,
        day.month,
        day.day,
        int(found["h"] or 0),
        int(found["m"] or 0),
        int(found["s"] or 0),
    )
