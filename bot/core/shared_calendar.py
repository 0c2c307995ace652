"""Instances sharing one database but not one calendar: who counted the open deadlines last,
and whether another instance should leave them as counted.

Two instances configured with different closure days would each find the deadlines counted on
the other's calendar and count them back, at every turn of the deadline tick between them.
The first to count keeps them while it is still about; the other says, in one line, that the
instances' closure days differ and which file to mend. A configuration changed on the instance
that counted is counted again as before. An instance not heard from for GONE_AFTER (retired,
or standing by while the other runs every job) no longer holds the others back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.core.deadlines import fmt_date
from bot.core.recount import ClosedDays

GONE_AFTER = timedelta(days=7)
# How often the instance that counted says it is still about (one write, not one per tick).
STILL_HERE_EVERY = timedelta(hours=1)


@dataclass(frozen=True)
class Counter:
    """An instance as an administrator finds it: its host and its configuration file."""

    host: str
    config_file: str

    @property
    def known(self) -> bool:
        return bool(self.host)  # "" for a count made before counters were recorded

    def words(self) -> str:
        return f"{self.config_file or 'its configuration file'} on {self.host}"


def defers(me: Counter, last: Counter, last_seen: datetime, now: datetime) -> bool:
    """Whether `me` should leave the open deadlines as `last` counted them, on its calendar,
    though that is not mine: it is another instance, and still about."""
    return last.known and last != me and now - last_seen < GONE_AFTER


def still_here_due(me: Counter, last: Counter, last_seen: datetime, now: datetime) -> bool:
    return last == me and now - last_seen >= STILL_HERE_EVERY


def instances_differ(me: Counter, last: Counter, mine: ClosedDays, theirs: ClosedDays) -> str:
    """The one line for the log and `doctor`: what differs, and which file to mend."""
    only_there, only_here = theirs.changes(mine)
    said = [f"{_days(only_there)} closed there, not here" if only_there else ""]
    said.append(f"{_days(only_here)} closed here, not there" if only_here else "")
    days = "; ".join(s for s in said if s) or "a day is a local closure on one only"
    common = mine.years & theirs.years
    if {d for d in mine.local ^ theirs.local if d.year in common}:
        here, there = me.config_file or "this configuration", last.config_file or "that one"
        mend = f"make [partnership] local_closures the same in {here} and {there}"
    else:  # the same closures: the bank holiday tables differ
        mend = f"install the same holidays package version on {me.host} and {last.host}"
    return (
        f"the instances' closure days differ: the open deadlines were counted by "
        f"{last.words()} ({days}), so this instance ({me.words()}) does not count them back; "
        f"{mend}, then restart the instance you changed"
    )


def _days(days: list[tuple[date, str]]) -> str:
    return ", ".join(f"{fmt_date(d)} {name}" for d, name in days)
