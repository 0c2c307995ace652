"""Choosing the Screening Panel meeting: the earliest configured slot by the 2nd working day."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.working_days import WorkingCalendar

# Look this far past the deadline before giving up, so a narrow slot pattern still books something.
SEARCH_DAYS_AFTER_DEADLINE = 31


@dataclass(frozen=True)
class SlotPolicy:
    weekdays: tuple[int, ...]  # 0 = Monday
    times: tuple[time, ...]
    duration: timedelta
    min_notice: timedelta


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    within_deadline: bool


def choose_screening_slot(
    *,
    received_at: datetime,
    deadline_day: date,
    policy: SlotPolicy,
    calendar: WorkingCalendar,
    tz: ZoneInfo,
    taken: frozenset[datetime] = frozenset(),
) -> Slot | None:
    """The earliest slot that gives the panel at least `min_notice`, preferring the deadline.

    Returns a slot after the deadline (within_deadline=False) only when no configured slot fits
    before it; the caller flags that to the Business Manager. None when nothing fits at all.
    Slots in `taken` already hold another case's panel, so each case gets its own meeting.
    """
    return next(_slots(received_at, deadline_day, policy, calendar, tz, taken), None)


def candidate_slots(
    *,
    received_at: datetime,
    deadline_day: date,
    policy: SlotPolicy,
    calendar: WorkingCalendar,
    tz: ZoneInfo,
    taken: frozenset[datetime] = frozenset(),
) -> list[Slot]:
    """Every configured slot on or before the deadline, earliest first; when none fits, the one
    slot after it that choose_screening_slot would book (flagged within_deadline=False)."""
    found: list[Slot] = []
    for slot in _slots(received_at, deadline_day, policy, calendar, tz, taken):
        if not slot.within_deadline:
            return found or [slot]
        found.append(slot)
    return found


def search_window(
    received_at: datetime, deadline_day: date, policy: SlotPolicy, tz: ZoneInfo
) -> tuple[datetime, datetime]:
    """The instants [from, to) within which the search may choose a start, whatever the
    calendar: from `received_at` plus the notice to the end of the last day it looks at
    (well after the deadline day). A meeting starting outside them can never take a slot the
    search would choose, so the caller need read only the meetings within them."""
    last = deadline_day + timedelta(days=SEARCH_DAYS_AFTER_DEADLINE)
    return received_at + policy.min_notice, datetime.combine(last + timedelta(days=1), time(), tz)


def _slots(
    received_at: datetime,
    deadline_day: date,
    policy: SlotPolicy,
    calendar: WorkingCalendar,
    tz: ZoneInfo,
    taken: frozenset[datetime],
) -> Iterator[Slot]:
    earliest, end = search_window(received_at, deadline_day, policy, tz)
    day = received_at.astimezone(tz).date()
    while day < end.date():
        if day.weekday() in policy.weekdays and calendar.is_working_day(day):
            for slot_time in policy.times:
                start = datetime.combine(day, slot_time, tz)
                # Within the window by construction, so `taken` read within it is enough.
                if earliest <= start < end and start not in taken:
                    yield Slot(start, start + policy.duration, within_deadline=day <= deadline_day)
        day += timedelta(days=1)


@dataclass(frozen=True)
class Choice:
    slot: Slot
    why: str  # one sentence for the chronology, e.g. "10:00 Tue 29 Dec: the police ..."


def choose_by_availability(
    candidates: Sequence[Slot],
    busy: Mapping[str, Sequence[tuple[datetime, datetime]]],
    members: Sequence[str],
    tz: ZoneInfo,
) -> Choice | None:
    """The earliest candidate at which every one of `members` is free, else the earliest at which
    the most are free. `busy` maps a person's words ("the police representative") to their busy
    intervals; people in `busy` but not in `members` (the Business Manager) never move the
    panel, but a clash is named in the sentence."""
    if not candidates:
        return None

    def busy_at(slot: Slot, who: str) -> bool:
        return any(s < slot.end and slot.start < e for s, e in busy.get(who, ()))

    def free_count(slot: Slot) -> int:
        return sum(not busy_at(slot, m) for m in members)

    best = max(candidates, key=free_count)  # max keeps the first (earliest) of equals
    index = candidates.index(best)
    earlier = [m for m in members if any(busy_at(c, m) for c in candidates[:index])]
    clash = [m for m in members if busy_at(best, m)]
    local = best.start.astimezone(tz)
    head = f"{local:%H:%M %a} {local.day} {local:%b}"
    if clash:
        why = f"no slot before the deadline suits all {len(members)} representatives; " + (
            f"{_names(clash)} {_is(clash)} busy then, the fewest of any slot"
        )
    elif earlier:
        why = f"{_names(earlier)} {_is(earlier)} busy at the earlier slot" + (
            "s" if index > 1 else ""
        )
    else:
        why = "the earliest slot, and every representative is free"
    if not best.within_deadline:
        why = "no configured slot before the deadline; " + why
    others = [o for o in busy if o not in members and busy_at(best, o)]
    if others:
        why += f" ({_names(others)} {_is(others)} busy then too)"
    return Choice(best, f"{head}: {why}")


def _names(people: Sequence[str]) -> str:
    return people[0] if len(people) == 1 else ", ".join(people[:-1]) + " and " + people[-1]


def _is(people: Sequence[str]) -> str:
    return "is" if len(people) == 1 else "are"
