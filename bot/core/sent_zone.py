"""A forwarded email's Sent line with its time zone in letters ("23:30 EST"): the offsets the
letters may mean, and why a day they cannot settle is unsure.

Letters are not unique: EST is US Eastern or Australian Eastern Standard Time, MST US
Mountain or Malaysia, BST British Summer Time or Bangladesh, IST Irish, India or Israel, CST
US Central, China or Cuba. Read as one meaning, "02 December 2026 23:30 EST" would be given one
London day when it may have been the other: a clock counted from a wrong day. Every meaning is
kept; the day stands only when they all put the moment on the same day where the partnership
is, and otherwise the Business Manager is told which letters, and what they may mean.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone, tzinfo

from bot.core.dates import fmt_date

# Each zone's letters with the offsets (hours from UTC) they may mean wherever an email may
# come from (Apple Mail writes "19:30:00 EDT"), each with the name the Business Manager is told.
NAMED_ZONES: dict[str, tuple[tuple[float, str], ...]] = {
    "EST": ((-5, "US Eastern"), (10, "Australian Eastern")),
    "EDT": ((-4, "US Eastern"),),
    "MST": ((-7, "US Mountain"), (8, "Malaysia")),
    "MDT": ((-6, "US Mountain"),),
    "PST": ((-8, "US Pacific"),),
    "PDT": ((-7, "US Pacific"),),
    "CET": ((1, "Central European"),),
    "CEST": ((2, "Central European"),),
    "EET": ((2, "Eastern European"),),
    "EEST": ((3, "Eastern European"),),
    "GMT": ((0, "Greenwich Mean"),),
    "UTC": ((0, "UTC"),),
    "Z": ((0, "UTC"),),
    "BST": ((1, "British Summer"), (6, "Bangladesh")),
    "IST": ((1, "Irish"), (5.5, "India"), (2, "Israel")),
    "CST": ((-6, "US Central"), (8, "China"), (-5, "Cuba")),
    "CDT": ((-5, "US Central"), (-4, "Cuba")),
}


def offsets(letters: str) -> tuple[timedelta, ...]:
    return tuple(timedelta(hours=h) for h, _ in NAMED_ZONES[letters.upper()])


def local_days(day: date, at: time, zone: Iterable[timedelta], tz: tzinfo) -> set[date]:
    """The days, where the partnership is (`tz`), that `at` on `day` falls on at each offset."""
    return {datetime.combine(day, at, timezone(o)).astimezone(tz).date() for o in zone}


def zone_doubt(label: str, letters: str, days: Iterable[date]) -> str:
    """Why a Sent line's day is unsure because of its zone's letters, for the Business Manager:
    "the Sent line's time zone 'IST' may be Irish, India or Israel time, which fall on
    different days (Wed 16 Jun 2027 or Thu 17 Jun 2027)"."""
    names = [name for _, name in NAMED_ZONES[letters.upper()]]
    meant = ", ".join(names[:-1]) + f" or {names[-1]}"
    shown = " or ".join(fmt_date(d) for d in sorted(days))
    return (
        f"the {label.capitalize()} line's time zone '{letters.upper()}' may be {meant} time, "
        f"which fall on different days ({shown})"
    )
