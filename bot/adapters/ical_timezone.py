"""An invitation's VTIMEZONE block, built from zoneinfo's own transitions.

icalendar's `Timezone.from_tzid` writes each observance's DTSTART as the wall-clock time after
the change (02:00 for London's spring change). RFC 5545 (3.6.5) wants the local time before
it, read with TZOFFSETFROM: 01:00 GMT in spring, 02:00 BST in autumn, as Outlook writes it. A
calendar that trusts the block would put a meeting in that night's first hours an hour out.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

# Steps for finding a change: a day, then a quarter of an hour (zones change on the quarter).
_DAY, _QUARTER = timedelta(days=1), timedelta(minutes=15)

# Summer or not, name after, offset before, offset after.
_Kind = tuple[bool, str, timedelta, timedelta]


def vtimezone(tz: ZoneInfo, first: date, last: date) -> Timezone:
    """The block for `tz` from `first` to `last`: the offset in force on `first`, then one
    observance per kind of change, its first change as DTSTART and the others as RDATE."""
    start = datetime(first.year, first.month, first.day, tzinfo=tz)
    block = Timezone()
    block.add("tzid", tz.key)
    block.add_component(
        _observance((bool(start.dst()), _name(start), _off(start), _off(start)), [start])
    )
    grouped: dict[_Kind, list[datetime]] = {}
    for change in _changes(tz, start.astimezone(UTC), _at_midnight(last, tz)):
        before, after = (change - timedelta(seconds=1)).astimezone(tz), change.astimezone(tz)
        kind = (bool(after.dst()), _name(after), _off(before), _off(after))
        # The local time just before the change, read with TZOFFSETFROM (RFC 5545 3.6.5).
        grouped.setdefault(kind, []).append(change + _off(before))
    for kind, moments in grouped.items():
        block.add_component(_observance(kind, moments))
    return block


def _observance(kind: _Kind, moments: list[datetime]) -> TimezoneStandard | TimezoneDaylight:
    summer, name, offset_from, offset_to = kind
    part = TimezoneDaylight() if summer else TimezoneStandard()
    part.add("dtstart", moments[0].replace(tzinfo=None))
    if moments[1:]:
        part.add("rdate", [m.replace(tzinfo=None) for m in moments[1:]])
    part.add("tzname", name)
    part.add("tzoffsetfrom", offset_from)
    part.add("tzoffsetto", offset_to)
    return part


def _changes(tz: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    """The UTC instants at which `tz` takes a new offset, between `start` and `end` (UTC)."""
    found = []
    day = start
    while day < end:
        if _off(day.astimezone(tz)) != _off((day + _DAY).astimezone(tz)):
            moment = day
            while _off(moment.astimezone(tz)) == _off(day.astimezone(tz)):
                moment += _QUARTER
            found.append(moment)
        day += _DAY
    return found


def _at_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)


def _name(moment: datetime) -> str:
    return moment.tzname() or ""


def _off(moment: datetime) -> timedelta:
    offset = moment.utcoffset()
    assert offset is not None  # aware by construction
    return offset
