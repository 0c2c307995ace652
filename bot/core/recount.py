"""Deadlines counted again when the working calendar's closed days are not those they were
counted on: a local closure taken out of the configuration, a bank holiday added or dropped by
a new release of the `holidays` package.

Pure: the stored deadlines and today's calendar in, what to do with each out. A date the rule
now puts earlier is moved earlier (the stored one would let the deadline pass unseen); one it
puts later keeps its stored date, as no date ever moves later unseen, and is told to the
Business Manager, who decides. A date a person set (an Appendix B return, an action) is not
counted by any rule, so it is never recounted. The start is the stored one, whichever source
won it (an awareness date, an assumed receipt): only the counting is done again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from bot.core.deadline_rules import RULES, RuleKind, counted_on
from bot.core.deadlines import COUNTED, Deadline, compute, fmt_date
from bot.core.working_days import WorkingCalendar, add_months

# The start of one skipped day in an explanation: "Tue 29 Dec 2026 " (see fmt_date).
_DAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} \d{4}"
_ONE_SKIPPED = re.compile(rf"({_DAY}) (.+?)(?=, {_DAY} |, and weekends\.$|\.$)")
_SKIPPED = " Skipped: "
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class StoredDeadline:
    case_ref: str
    name: str
    start: date
    due: date
    explanation: str
    assumption: str | None = None


@dataclass(frozen=True)
class Recount:
    """A stored deadline whose rule gives another day on today's calendar."""

    stored: StoredDeadline
    due: date  # the day the rule gives now
    explanation: str  # the stored explanation, counted again to that day
    # Days the stored count skipped that are working days now, and days it now skips that the
    # stored count did not: why the day is not the same.
    opened: tuple[tuple[date, str], ...]
    closed: tuple[tuple[date, str], ...]

    @property
    def earlier(self) -> bool:
        return self.due < self.stored.due

    def sentence(self) -> str:
        """One line for the case record and the digest: what changed, why, what was done."""
        s = self.stored
        if self.earlier:
            return (
                f"{s.name} moved earlier, from {fmt_date(s.due)} to {fmt_date(self.due)}: "
                f"{self._why()}"
            )
        return (
            f"{self.told_as()}: {self._why()}; the bot never moves a date later by itself, "
            "so the earlier one stands (met by it, the deadline is on time either way)"
        )

    def told_as(self) -> str:
        """How a kept date's sentence begins, whoever counted it (the deadline tick, or a
        re-timing as a message is handled): the same words are the same news, told once."""
        s = self.stored
        again = fmt_date(self.due)
        return f"{s.name} kept at {fmt_date(s.due)}, though counted again it would be {again}"

    def _why(self) -> str:
        parts = []
        if self.opened:
            parts.append(f"{_days_words(self.opened)} no longer closed")
        if self.closed:
            parts.append(f"{_days_words(self.closed)} now closed")
        if not parts:
            return "the working calendar's closed days are not those it was counted on"
        return " and ".join(parts)


def recount(
    stored: StoredDeadline, calendar: WorkingCalendar, changed: frozenset[date] | None = None
) -> Recount | None:
    """What the deadline's rule gives on `calendar` from its stored start, if not its stored
    day. None for a date a person set, and for one the calendar cannot count (a year it does
    not cover: the digest flags that deadline already). `changed`: the days whose closing
    changed since the stored count (ClosedDays.changed_days), when known; only those are
    named "now closed", not a bank holiday the new count passes over that was always one."""
    rule = RULES.get(stored.name.partition(":")[0])
    if rule is None or rule.kind is RuleKind.FIXED_DATE:
        return None
    try:
        fresh = compute(stored.name, stored.start, calendar, assumption=stored.assumption)
    except ValueError:  # CalendarRangeError too
        return None
    if fresh.due == stored.due:
        return None
    first = stored.explanation.partition("\n")[0]
    explanation = _recounted_explanation(stored.explanation, fresh)
    opened, closed = _changed_days(stored, first, fresh, calendar, changed)
    return Recount(stored, fresh.due, explanation, opened, closed)


def _recounted_explanation(stored: str, fresh: Deadline) -> str:
    """`fresh`'s first line and its counted closure days, then the stored lines about the start
    (an assumption, the basis), which the recount does not change."""
    lines = fresh.explain().split("\n")
    head = lines[:2] if fresh.counted else lines[:1]
    rest = [line for line in stored.split("\n")[1:] if not line.startswith(COUNTED)]
    return "\n".join(head + rest)


def _changed_days(
    stored: StoredDeadline,
    first: str,
    fresh: Deadline,
    calendar: WorkingCalendar,
    changed: frozenset[date] | None,
) -> tuple[tuple[tuple[date, str], ...], tuple[tuple[date, str], ...]]:
    """The days the stored count skipped that are open now, and the other way round; none
    known when the stored explanation is not in the words Deadline.explain() writes."""
    if not first.startswith(f"Due {fmt_date(stored.due)}: "):
        return (), ()
    was = skipped_in(first)
    counted = counted_on(stored.name, calendar)
    opened = tuple((d, name) for d, name in was.items() if _working(counted, d))
    if changed is not None:
        return opened, tuple((d, n) for d, n in fresh.skipped if d not in was and d in changed)
    # Not knowing which days changed, name only those the stored count passed over open.
    lo, hi = _passed(stored)
    return opened, tuple((d, n) for d, n in fresh.skipped if d not in was and lo <= d <= hi)


def _passed(stored: StoredDeadline) -> tuple[date, date]:
    """The days the stored count passed over: from its start to its day, or, for a months
    clock, between the day the months gave and the day it rolled to (the months between
    were never counted, so a bank holiday there was no reason for anything)."""
    rule = RULES[stored.name.partition(":")[0]]
    if rule.kind in (RuleKind.MONTHS_AFTER_ROLL_BACK, RuleKind.MONTHS_AFTER_ROLL_FORWARD):
        nominal = add_months(stored.start, rule.amount)
        lo, hi = sorted((nominal, stored.due))
        return lo, hi
    lo, hi = sorted((stored.start, stored.due))
    return lo, hi


def kept_earlier(stored: StoredDeadline, fresh: Deadline) -> Recount | None:
    """A re-timing (a form, a command, a publication day) that would store a later day only
    because the calendar now closes days the stored count did not: the stored day stands, and
    the Recount says why and what to store. None: store `fresh` as it is.

    Counted on one calendar, a start no later gives a day no later, for every rule; so a later
    day from a start no later is the calendar's doing, whatever prompted the re-timing. A start
    moved later is a command's (`Aware:`, `Correct Received:`, a publication day), which says
    why itself. A date a person set is theirs to move."""
    if fresh.rule.kind is RuleKind.FIXED_DATE or fresh.name != stored.name:
        return None
    if fresh.due <= stored.due or fresh.start > stored.start:
        return None
    first = stored.explanation.partition("\n")[0]
    counted = first.startswith(f"Due {fmt_date(stored.due)}: ")
    was = skipped_in(first) if counted else {}
    lo, hi = _passed(stored)
    closed = tuple((d, n) for d, n in fresh.skipped if d not in was and lo <= d <= hi)
    return Recount(stored, fresh.due, _kept_explanation(stored.due, fresh), (), closed)


def _kept_explanation(kept: date, fresh: Deadline) -> str:
    """`fresh`'s explanation, its first line saying the earlier day stands and how the rule
    counts now (whose skipped days a later recount reads back)."""
    first, newline, rest = fresh.explain().partition("\n")
    how = first.partition(": ")[2]
    return (
        f"Due {fmt_date(kept)}: kept at this earlier day, as the bot never moves a date later "
        f"by itself; counted now it would be {fmt_date(fresh.due)}: {how}{newline}{rest}"
    )


def recount_all(
    stored: Iterable[StoredDeadline],
    calendar: WorkingCalendar,
    changed: frozenset[date] | None = None,
) -> list[Recount]:
    found = (recount(s, calendar, changed) for s in stored)
    return [r for r in found if r is not None]


def by_case(found: Iterable[Recount]) -> dict[str, list[Recount]]:
    """The recounts of each case, earlier ones first: one line per case in the digest."""
    cases: dict[str, list[Recount]] = {}
    for r in sorted(found, key=lambda r: (r.stored.case_ref, not r.earlier, r.stored.name)):
        cases.setdefault(r.stored.case_ref, []).append(r)
    return cases


def skipped_in(first_line: str) -> dict[date, str]:
    """The skipped days an explanation's first line names ("Skipped: Tue 29 Dec 2026 Council
    office closure, and weekends."), by day; none from a line in another form."""
    _, found, tail = first_line.partition(_SKIPPED)
    if not found:
        return {}
    return {_parse_day(day): name for day, name in _ONE_SKIPPED.findall(tail)}


def _parse_day(words: str) -> date:
    """fmt_date read back, whatever the locale ("Tue 29 Dec 2026")."""
    _, day, month, year = words.split()
    return date(int(year), _MONTHS.index(month) + 1, int(day))


def _working(calendar: WorkingCalendar, d: date) -> bool:
    try:
        return calendar.is_working_day(d)
    except ValueError:
        return False


def _days_words(days: tuple[tuple[date, str], ...]) -> str:
    named = [f"{fmt_date(d)} ({name})" for d, name in days]
    verb = "is" if len(named) == 1 else "are"
    text = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    return f"{text} {verb}"


@dataclass(frozen=True)
class ClosedDays:
    """The closed weekdays a calendar was counted on, and which of them the partnership alone
    closed (a local closure, which the National Panel's clocks do not skip)."""

    years: frozenset[int]
    closed: Mapping[date, str]
    local: frozenset[date]

    @classmethod
    def of(cls, calendar: WorkingCalendar) -> ClosedDays:
        return cls(calendar.years, dict(calendar.closed), calendar.local)

    def changes(self, now: ClosedDays) -> tuple[list[tuple[date, str]], list[tuple[date, str]]]:
        """Days closed before and open now, and the other way round, in the years both cover.
        A day that only moved between local closure and bank holiday is in neither; see
        differs()."""
        common = self.years & now.years
        opened = [(d, n) for d, n in sorted(self.closed.items()) if _only(d, common, now.closed)]
        closed = [(d, n) for d, n in sorted(now.closed.items()) if _only(d, common, self.closed)]
        return opened, closed

    def changed_days(self, now: ClosedDays) -> frozenset[date]:
        """Every day closed on one and open on the other, or a local closure on only one (which
        the national clocks count differently): the days a recount may name as changed."""
        opened, closed = self.changes(now)
        return frozenset(d for d, _ in opened + closed) | (self.local ^ now.local)

    def differs(self, now: ClosedDays) -> bool:
        """Whether any deadline counted on these days could count differently on `now`'s."""
        common = self.years & now.years
        if not common:
            return True
        opened, closed = self.changes(now)
        local_before = {d for d in self.local if d.year in common}
        local_now = {d for d in now.local if d.year in common}
        return bool(opened or closed) or local_before != local_now


def _only(d: date, years: frozenset[int], other: Mapping[date, str]) -> bool:
    return d.year in years and d not in other
