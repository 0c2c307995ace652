"""A deadline that falls while the council is closed: act on the last working day before it.

The National Panel (and the Secretary of State, Ofsted) count the council's own closure days as
working days, so a national clock can fall due on a day nobody is at work: aware Mon 21 Dec,
closed 29-31 Dec, notification due Wed 30 Dec. Counted by the day alone it is "not yet due" on
Thu 24 Dec, the last day anyone could act, and two working days overdue on Mon 4 Jan. Pure:
the due date, today and the partnership's working calendar in; what to say, or None, out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from bot.core.deadlines import fmt_date
from bot.core.working_days import CalendarRangeError, WorkingCalendar, is_weekend

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class ClosedSpell:
    """The days from tomorrow on that the council is closed, the due date among them."""

    due: date
    first: date
    last: date
    weekend: bool = False  # every one of those days a Saturday or Sunday: no closure at all

    @property
    def closed_by(self) -> str:
        """Why nobody is at work, for a subject: a weekend is not a council closure."""
        return "weekend" if self.weekend else "council closed"

    def words(self) -> str:
        """What the digest and the reminder say: "due Wed 30 Dec 2026, while the council is
        closed (Fri 25 Dec 2026 to Sun 3 Jan 2027): act today", or for a Saturday or Sunday
        alone "due Sat 9 Jan 2027, at the weekend (Sat 9 Jan 2027 to Sun 10 Jan 2027): act
        today"."""
        why = "at the weekend" if self.weekend else "while the council is closed"
        days = f"{fmt_date(self.first)} to {fmt_date(self.last)}"
        return f"due {fmt_date(self.due)}, {why} ({days}): act today"


def due_while_closed(due: date, today: date, calendar: WorkingCalendar) -> ClosedSpell | None:
    """The closed days `due` falls in when no working day comes between today and it (so today
    is the last chance to act), or None: due today or earlier (already "due today" or
    overdue), or a working day still comes before it."""
    if due <= today:
        return None
    day = today + _ONE_DAY
    while day <= due:
        if calendar.is_working_day(day):
            return None
        day += _ONE_DAY
    first, last = today + _ONE_DAY, _last_closed(due, calendar)
    weekend = all(is_weekend(first + timedelta(days=n)) for n in range((last - first).days + 1))
    return ClosedSpell(due, first, last, weekend)


def _last_closed(due: date, calendar: WorkingCalendar) -> date:
    """The day before the council reopens; the due date itself when the calendar ends first
    (its years are checked, and a reopening it cannot see is not guessed)."""
    day = due
    try:
        while not calendar.is_working_day(day + _ONE_DAY):
            day += _ONE_DAY
    except CalendarRangeError:
        return day
    return day


def act_today_count(closed_by: Iterable[str]) -> str:
    """A subject's count of the deadlines to act on today, each given by why nobody is at work
    (ClosedSpell.closed_by), worded as their lines word them: "1 due at the weekend: act
    today", "2 due while closed: act today", or both, "1 due while closed, 1 at the weekend:
    act today"; "" for none. A weekend is not called a closure, as the lines do not."""
    reasons = list(closed_by)
    weekend = reasons.count("weekend")
    closed = len(reasons) - weekend
    said = [f"{closed} due while closed"] if closed else []
    if weekend:
        said.append(f"{weekend} at the weekend" if closed else f"{weekend} due at the weekend")
    return f"{', '.join(said)}: act today" if said else ""


def act_today_note(due: date, today: date, calendar: WorkingCalendar) -> str | None:
    """The words for a deadline that must be met today because the council is closed until
    after it, or None."""
    spell = due_while_closed(due, today, calendar)
    return spell.words() if spell else None
