"""Where "now" comes from. `--now` swaps the system clock for a fixed or moving one."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
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


# A date as typed in email, then optionally a 24-hour time and a UTC offset:
# "23/12/2026 09:30", "31/10/2027 01:30 +01:00".
_TIME_AFTER_DATE = re.compile(
    r"(?P<day>.*?)(?:[ T](?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?"
    r"(?:\s*(?P<sign>[+-])(?P<oh>\d{2}):?(?P<om>\d{2}))?)?"
)


def parse_moment(text: str, tz: ZoneInfo) -> datetime:
    """ISO-8601, or a date read day first as in email with an optional 24-hour time
    ("23/12/2026 09:30"); a date alone means midnight; naive times are in the partnership's
    zone. Raises ValueError naming what could not be read; NoSuchDate for a local time the
    clocks skip (spring), AmbiguousTime for one they show twice (autumn) unless an offset
    ("+01:00", "+00:00") says which."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = _day_first(text.strip())
    return _in_zone(moment, tz, text.strip()) if moment.tzinfo is None else moment


def _in_zone(wall: datetime, tz: ZoneInfo, shown: str) -> datetime:
    """A wall-clock time in `tz`, refused rather than guessed where the clocks change: zoneinfo
    would silently move a skipped time an hour on and take the first of a repeated one."""
    from bot.core.dates import AmbiguousTime, NoSuchDate

    first, second = wall.replace(tzinfo=tz, fold=0), wall.replace(tzinfo=tz, fold=1)
    if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != wall:
        raise NoSuchDate(f"{shown} does not exist in {tz.key}: the clocks go forward over it")
    if first.utcoffset() != second.utcoffset():
        offsets = " or ".join(_offset(m) for m in (first, second))
        raise AmbiguousTime(
            f"{shown} happens twice in {tz.key} (the clocks went back): "
            f"add {offsets} to say which, e.g. {shown} {_offset(first)}"
        )
    return first


def _offset(moment: datetime) -> str:
    return moment.strftime("%z")[:3] + ":" + moment.strftime("%z")[3:]


def _day_first(text: str) -> datetime:
    from bot.core.dates import parse_uk_date

    found = _TIME_AFTER_DATE.fullmatch(text)
    assert found is not None  # every part of the pattern is optional
    day = parse_uk_date(found["day"])  # DateError is a ValueError
    zone = None
    if found["sign"]:
        minutes = int(found["oh"]) * 60 + int(found["om"])
        zone = timezone(timedelta(minutes=-minutes if found["sign"] == "-" else minutes))
    return datetime(
        day.year,
        day.month,
        day.day,
        int(found["h"] or 0),
        int(found["m"] or 0),
        int(found["s"] or 0),
        tzinfo=zone,
    )
