"""Deadline states and digest timing: which deadlines the Business Manager must see, and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.core.working_days import WorkingCalendar


@dataclass(frozen=True)
class DeadlineView:
    case_ref: str
    name: str
    due: date
    met: bool
    explanation: str


def deadline_state(due: date, met: bool, today: date) -> str:
    if met:
        return "met"
    if today > due:
        return "overdue"
    if today == due:
        return "due_today"
    return "open"


def upcoming(
    deadlines: list[DeadlineView], today: date, calendar: WorkingCalendar, working_days: int
) -> list[DeadlineView]:
    """Unmet deadlines due from today up to `working_days` working days ahead, soonest first."""
    horizon = calendar.add_working_days(today, working_days)
    found = [d for d in deadlines if not d.met and today <= d.due <= horizon]
    return sorted(found, key=lambda d: (d.due, d.case_ref, d.name))


def overdue(deadlines: list[DeadlineView], today: date) -> list[DeadlineView]:
    """Unmet deadlines past due, oldest first. Those due the same day by case and name, as
    upcoming() lists them: the database returns rows in no stated order, and the digest listed
    them as it happened to (PostgreSQL reorders rows as they are updated)."""
    found = [d for d in deadlines if not d.met and d.due < today]
    return sorted(found, key=lambda d: (d.due, d.case_ref, d.name))


def within_calendar(
    deadlines: list[DeadlineView], calendar: WorkingCalendar
) -> tuple[list[DeadlineView], list[DeadlineView]]:
    """The deadlines whose working days `calendar` can count, and those due in a year it does
    not cover (a case left open for years): those cannot be counted late or chased, and one
    of them must not stop the digest for every other case, so they are listed apart."""
    inside = [d for d in deadlines if d.due.year in calendar.years]
    return inside, [d for d in deadlines if d.due.year not in calendar.years]


def closed_owed(name: str, explanation: str) -> str:
    """A statutory notification left open on a case closed before `Close:` waited for it: the
    duty outlives the case, so it is listed with how to settle it."""
    how = (
        "Notified: <date>, or Notifiable: no because <reason>"
        if name == "panel_notification"
        else "SoS and Ofsted notified: <date>, or SoS and Ofsted notified: not required - <reason>"
    )
    return f"{explanation}\nThe case is closed, but this notification is still owed: reply {how}."


def beyond_calendar_note(title: str, due: date, calendar: WorkingCalendar) -> str:
    """What the Business Manager is told about a deadline outside the calendar's years."""
    first, last = min(calendar.years), max(calendar.years)
    return (
        f"{title}: due {due:%a} {due.day} {due:%b %Y}, outside the years the working calendar "
        f"covers ({first}-{last}), so it is not chased and its lateness is not counted. Record "
        "what met it, or close the case if nothing more is owed"
    )


def digest_due(local_now: datetime, send_at: time, calendar: WorkingCalendar) -> bool:
    """The digest goes on working days once the configured time has passed."""
    return calendar.is_working_day(local_now.date()) and local_now.time() >= send_at


def next_digest(
    local_now: datetime, send_at: time, calendar: WorkingCalendar, queued_today: bool
) -> datetime:
    """When the next digest is due (local time): today's if it is a working day and today's
    is not yet queued (at once when the time has passed), else the next working day's."""
    today = local_now.date()
    if calendar.is_working_day(today) and not queued_today:
        return datetime.combine(today, send_at, local_now.tzinfo)
    day = calendar.next_working_day(date.fromordinal(today.toordinal() + 1))
    return datetime.combine(day, send_at, local_now.tzinfo)


# The monthly report is sent on the first of these working days that a bot runs.
MONTHLY_REPORT_WORKING_DAYS = 5


def monthly_report_due(
    local_now: datetime, send_at: time, calendar: WorkingCalendar
) -> tuple[date, date] | None:
    """The month the timeliness report is due for, as (first day, last day), or None.

    Due on the first working day of a month, once the digest's time has passed, for the
    month before; still due on the next few working days, in case no bot ran that day (the
    caller's idempotency key, one per month, is what stops a second copy). Not later: a bot
    first started mid-month does not send an old month's report out of the blue.
    """
    today = local_now.date()
    first = calendar.next_working_day(today.replace(day=1))
    last_chance = calendar.add_working_days(first, MONTHLY_REPORT_WORKING_DAYS - 1)
    if not calendar.is_working_day(today) or not first <= today <= last_chance:
        return None
    if today == first and local_now.time() < send_at:
        return None
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end
