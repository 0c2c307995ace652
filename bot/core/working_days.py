"""Working days for England & Wales: weekends, bank holidays and local closures.

Pure: no clock and no I/O. A calendar knows which years it was built for and refuses
any date outside them, so an unknown year is never silently treated as holiday-free.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo

from bot.core.dates import fmt_date

_ONE_DAY = timedelta(days=1)
_WEEKEND_NAMES = {5: "Saturday", 6: "Sunday"}
# The holidays package labels substitute days "(observed)"; GOV.UK says "(substitute day)".
_OBSERVED = "(observed)"
_SUBSTITUTE = "(substitute day)"


class CalendarRangeError(ValueError):
    """A date falls in a year the working calendar was not built for."""

    def __init__(self, day: date, covered: frozenset[int]) -> None:
        self.day, self.covered = day, covered
        years = _years_words(covered)
        super().__init__(
            f"{day.isoformat()} is in {day.year}, which this working calendar does not cover "
            f"(covered years: {years})"
        )

    def for_people(self) -> str:
        """The sentence a refused command gives: which date, and what to check."""
        first, last = min(self.covered), max(self.covered)
        return (
            f"{fmt_date(self.day)} is in {self.day.year}, and working days can only be counted "
            f"for {first} to {last}; check the year"
        )


def _years_words(years: frozenset[int]) -> str:
    """ "2025, 2026, 2027", or "1872 to 2100" when the years run on unbroken."""
    ordered = sorted(years)
    if len(ordered) > 3 and ordered[-1] - ordered[0] == len(ordered) - 1:
        return f"{ordered[0]} to {ordered[-1]}"
    return ", ".join(str(y) for y in ordered)


def is_weekend(d: date) -> bool:
    return d.weekday() >= 5


def add_months(start: date, months: int) -> date:
    """Add calendar months, clamping the day to the end of the target month."""
    year, month0 = divmod(start.year * 12 + start.month - 1 + months, 12)
    month = month0 + 1
    next_first = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    last_day = (next_first - _ONE_DAY).day
    return date(year, month, min(start.day, last_day))


@dataclass(frozen=True)
class WorkingCalendar:
    closed: Mapping[date, str] = field(hash=False)  # non-working weekdays -> name
    years: frozenset[int]
    # Of `closed`, the days closed only by the partnership (not bank holidays): see national().
    local: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        if not self.years:
            raise ValueError("a WorkingCalendar must cover at least one year")
        object.__setattr__(self, "closed", MappingProxyType(dict(self.closed)))
        object.__setattr__(self, "years", frozenset(self.years))
        object.__setattr__(self, "local", frozenset(self.local))

    def national(self) -> WorkingCalendar:
        """The working days an outside body counts (the National Panel, the Secretary of State,
        Ofsted): weekends and bank holidays, not the partnership's own closure days."""
        if not self.local:
            return self
        kept = {d: name for d, name in self.closed.items() if d not in self.local}
        return WorkingCalendar(closed=kept, years=self.years)

    def _check(self, d: date) -> None:
        if d.year not in self.years:
            raise CalendarRangeError(d, self.years)

    def is_working_day(self, d: date) -> bool:
        self._check(d)
        return not is_weekend(d) and d not in self.closed

    def closure_name(self, d: date) -> str | None:
        """Why d is not a working day ("Saturday", a holiday name), or None if it is one."""
        self._check(d)
        return _WEEKEND_NAMES.get(d.weekday()) or self.closed.get(d)

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day strictly after start (before it when n < 0); start if n == 0."""
        self._check(start)
        step = _ONE_DAY if n > 0 else -_ONE_DAY
        d, remaining = start, abs(n)
        while remaining:
            d += step
            if self.is_working_day(d):
                remaining -= 1
        return d

    def working_days_between(self, d1: date, d2: date) -> int:
        """Working days in (d1, d2]; when d2 < d1, minus the working days in [d2, d1).

        The backward count includes d2 and excludes d1, mirroring add_working_days, so
        add_working_days(d1, working_days_between(d1, d2)) == d2 for any working day d2.
        """
        self._check(d1)
        self._check(d2)
        if d2 >= d1:
            return self._count(d1 + _ONE_DAY, d2)
        return -self._count(d2, d1 - _ONE_DAY)

    def _count(self, first: date, last: date) -> int:
        return sum(1 for d in _days(first, last) if self.is_working_day(d))

    def skipped(self, d1: date, d2: date) -> list[tuple[date, str]]:
        """Non-weekend closed days in (min(d1, d2), max(d1, d2)], with their names."""
        lo, hi = min(d1, d2), max(d1, d2)
        self._check(lo)
        return [
            (d, self.closed[d])
            for d in _days(lo + _ONE_DAY, hi)
            if not self.is_working_day(d) and not is_weekend(d)
        ]

    def counted_over(self, start: date, end: date) -> list[tuple[date, str]]:
        """The non-weekend closed days a count of working days from `start` to `end` (either
        way) passed over, with their names. `start` is day 0, the trigger date, never one of
        them, as deadline explanations say it; `end` is a working day."""
        return [s for s in self.skipped(start, end) if s[0] != start]

    def previous_working_day(self, d: date) -> date:
        """d itself if it is a working day, else the last working day before it."""
        while not self.is_working_day(d):
            d -= _ONE_DAY
        return d

    def next_working_day(self, d: date) -> date:
        """d itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(d):
            d += _ONE_DAY
        return d

    def add_months(self, start: date, months: int) -> date:
        """Calendar months with month-end clamping; never rolls to a working day."""
        self._check(start)
        result = add_months(start, months)
        self._check(result)
        return result


def _days(first: date, last: date) -> Iterable[date]:
    d = first
    while d <= last:
        yield d
        d += _ONE_DAY


def _bank_holidays(years: frozenset[int], table: Mapping[date, str]) -> dict[date, str]:
    return {
        d: name.replace(_OBSERVED, _SUBSTITUTE)
        for d, name in sorted(table.items())
        if d.year in years and not is_weekend(d)
    }


def build_calendar(
    years: Iterable[int],
    table: Mapping[date, str],
    local_closures: Mapping[date, str] | None = None,
) -> WorkingCalendar:
    """England & Wales bank holidays for years, plus optional local closure days.

    A date that is both keeps both names, bank holiday first ("Christmas Day / Office
    closure"). Weekend entries and closures outside the covered years are dropped.
    `table`: the holidays package's bank holidays for `years`, as the package names them
    (bot.adapters.bank_holidays reads them; build a calendar with its working_calendar).
    """
    covered = frozenset(years)
    if not covered:
        raise ValueError("build_calendar needs at least one year")
    closed = _bank_holidays(covered, table)
    local: set[date] = set()
    for d, name in sorted((local_closures or {}).items()):
        if d.year not in covered or is_weekend(d):
            continue
        if d not in closed:
            local.add(d)
        closed[d] = f"{closed[d]} / {name}" if d in closed else name
    return WorkingCalendar(closed=closed, years=covered, local=frozenset(local))


def closures_without_effect(closures: Mapping[date, str], calendar: WorkingCalendar) -> list[str]:
    """Why each configured closure day changes no count, one line each: build_calendar drops
    it, and a mistyped date would otherwise be taken for a closure the bot honours."""
    found = []
    for d, name in sorted(closures.items()):
        said = f"[partnership] local_closures: {d.isoformat()} ({name})"
        if d.year not in calendar.years:
            years = _years_words(calendar.years)
            found.append(
                f"{said} is in {d.year}, outside the years working days are counted for now "
                f"({years}): it has no effect; check the year"
            )
        elif is_weekend(d):
            found.append(
                f"{said} is a {_WEEKEND_NAMES[d.weekday()]}, never a working day: it has no "
                "effect; check the date"
            )
        elif d not in calendar.local:
            holiday = calendar.closed[d].removesuffix(f" / {name}")
            found.append(
                f"{said} is already a bank holiday ({holiday}): it has no effect; check the date"
            )
    return found


def day_zero(moment: datetime, tz: ZoneInfo) -> date:
    """The calendar date of an aware datetime as seen in tz."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"day_zero needs a timezone-aware datetime, got naive {moment!r}")
    return moment.astimezone(tz).date()
