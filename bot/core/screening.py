"""Choosing the Screening Panel meeting: the earliest configured slot by the 2nd working day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.calendar import WorkingCalendar

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
    earliest = received_at + policy.min_notice
    day = received_at.astimezone(tz).date()
    last = deadline_day + timedelta(days=SEARCH_DAYS_AFTER_DEADLINE)
    while day <= last:
        if day.weekday() in policy.weekdays and calendar.is_working_day(day):
            for slot_time in policy.times:
                start = datetime.combine(day, slot_time, tz)
                if start >= earliest and start not in taken:
                    return Slot(start, start + policy.duration, within_deadline=day <= deadline_day)
        day += timedelta(days=1)
    return None
