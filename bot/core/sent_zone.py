"""A forwarded email's Sent line with its time zone in letters ("23:30 EST"): the offsets the
letters may mean, and why a day they cannot settle is unsure.

Letters are not unique: EST is US Eastern or Australian Eastern Standard Time, MST US
Mountain or Malaysia, PST US Pacific or Philippine, AST Atlantic or Arabia, BST British Summer
Time or Bangladesh, IST Irish, India or Israel, CST US Central, China or Cuba. Read as one
meaning, "02 December 2026 23:30 EST" would be given one London day when it may have been the
other: a clock counted from a wrong day. Every meaning is kept; the day stands only when they
all put the moment on the same day where the partnership is, and otherwise the Business
Manager is told which letters, and what they may mean.
Letters the table does not hold ("08:00 NZT") give no day either: read as the writer's own day,
a morning in New Zealand would be counted from the day after London's.
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
    "PST": ((-8, "US Pacific"), (8, "Philippine")),
    "PDT": ((-7, "US Pacific"),),
    "AST": ((-4, "Atlantic"), (3, "Arabia")),
    "ADT": ((-3, "Atlantic"),),
    "NST": ((-3.5, "Newfoundland"),),
    "NDT": ((-2.5, "Newfoundland"),),
    "AKST": ((-9, "Alaska"),),
    "AKDT": ((-8, "Alaska"),),
    "HST": ((-10, "Hawaii"),),
    "CET": ((1, "Central European"),),
    "CEST": ((2, "Central European"),),
    "EET": ((2, "Eastern European"),),
    "EEST": ((3, "Eastern European"),),
    "WET": ((0, "Western European"),),
    "WEST": ((1, "Western European"),),
    # The same zones as Apple Mail set to German names them ("um 14:25:08 OESZ").
    "MEZ": ((1, "Central European"),),
    "MESZ": ((2, "Central European"),),
    "OEZ": ((2, "Eastern European"),),
    "OESZ": ((3, "Eastern European"),),
    "WEZ": ((0, "Western European"),),
    "WESZ": ((1, "Western European"),),
    "MSK": ((3, "Moscow"),),
    "GMT": ((0, "Greenwich Mean"),),
    "UTC": ((0, "UTC"),),
    "UT": ((0, "UTC"),),
    "Z": ((0, "UTC"),),
    "BST": ((1, "British Summer"), (6, "Bangladesh")),
    "IST": ((1, "Irish"), (5.5, "India"), (2, "Israel")),
    "CST": ((-6, "US Central"), (8, "China"), (-5, "Cuba")),
    "CDT": ((-5, "US Central"), (-4, "Cuba")),
    "GST": ((4, "Gulf"), (-2, "South Georgia")),
    "PKT": ((5, "Pakistan"),),
    "SGT": ((8, "Singapore"),),
    "HKT": ((8, "Hong Kong"),),
    "JST": ((9, "Japan"),),
    "KST": ((9, "Korea"),),
    "AWST": ((8, "Australian Western"),),
    "ACST": ((9.5, "Australian Central"),),
    "ACDT": ((10.5, "Australian Central"),),
    "AEST": ((10, "Australian Eastern"),),
    "AEDT": ((11, "Australian Eastern"),),
    "NZST": ((12, "New Zealand"),),
    "NZDT": ((13, "New Zealand"),),
    "SAST": ((2, "South African"),),
    "WAT": ((1, "West Africa"),),
    "CAT": ((2, "Central Africa"),),
    "EAT": ((3, "East Africa"),),
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


def unknown_zone_doubt(label: str, letters: str) -> str:
    """Why a Sent line's day is unsure when its zone's letters are none the bot knows: read as
    the writer's own day, it may be a day later or earlier than the partnership's."""
    return (
        f"the {label.capitalize()} line's time zone '{letters}' is not one the bot knows, so "
        "the day it was sent where the partnership is cannot be told"
    )
