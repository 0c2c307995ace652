"""Moving or calling off the Screening Panel meeting: pure checks, the services apply them.

A rescheduled meeting keeps its UID and raises its SEQUENCE (RFC 5546), so calendars move the
one meeting instead of showing two; a cancelled one keeps its UID too, with METHOD:CANCEL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from bot.core.deadlines import fmt_date
from bot.core.working_days import WorkingCalendar


@dataclass(frozen=True)
class MeetingNow:
    """The screening meeting as it stands (None fields: there is none yet)."""

    start: datetime | None
    cancelled: bool


def reschedule_refusal(
    new_start: datetime,
    now: datetime,
    calendar: WorkingCalendar,
    meeting: MeetingNow,
    hours: tuple[time, time],
) -> str | None:
    """Why the panel cannot be moved to `new_start` (aware, local), or None when it can.
    `hours`: the partnership's working hours, within which the panel meets."""
    day = new_start.date()
    if new_start <= now:
        return (
            f"{fmt_date(day)} {new_start:%H:%M} has already passed; give a future date and "
            "time: Reschedule: <date> <time>"
        )
    if not hours[0] <= new_start.time() < hours[1]:
        return _outside_hours(new_start.time(), hours)
    closed = calendar.closure_name(day)
    if closed is not None:
        return f"{fmt_date(day)} is not a working day ({closed}); give a working day"
    if meeting.start is not None and meeting.start == new_start and not meeting.cancelled:
        return f"the Screening Panel is already booked for {fmt_date(day)} {new_start:%H:%M}"
    return None


def _outside_hours(at: time, hours: tuple[time, time]) -> str:
    """ "2.30" is half past two in the afternoon to most people, and 02:30 to a 24-hour clock:
    the invitation must never go out for the night."""
    said = f"{at:%H:%M} is outside working hours ({hours[0]:%H:%M} to {hours[1]:%H:%M})"
    if at.hour < 12 and hours[0] <= (pm := at.replace(hour=at.hour + 12)) < hours[1]:
        return f"{said}; if you meant {pm:%H:%M}, write Reschedule: <date> {pm:%H:%M}"
    return f"{said}; give a time within them: Reschedule: <date> <time>"


def deadline_note(day: date, due: date | None, received: date | None = None) -> str:
    """The same check as booking: is the meeting on or before the screening deadline? Its
    clock runs from the SIN form's receipt (`received`, the deadline's start), not from the
    National Panel notification, which may not be made for days."""
    if due is None or day <= due:
        return ""
    start = f", on {fmt_date(received)}" if received is not None else ""
    return (
        f"this is after the Screening Panel deadline of {fmt_date(due)} (the panel meets "
        f"within 2 working days of the SIN form being received{start}); the case will show "
        "the meeting as late"
    )


def should_cancel(start: datetime, now: datetime, cancelled: bool) -> bool:
    """A meeting still to come, not already called off, is cancelled when it is no longer
    needed (the case closed, or the panel's decision recorded before it met)."""
    return not cancelled and start > now
