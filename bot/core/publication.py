"""How much notice of publication a planned date gives, and whether to accept it.

The full report must reach the National Panel, the Secretary of State and Ofsted at least 7
working days before publication (domain.md T15). A notice that cannot give that much is
accepted only when the Business Manager says so, and then says how late it is: the notice
must never claim more than was given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.core.deadlines import RULES, counted_on, fmt_date
from bot.core.working_days import WorkingCalendar

REQUIRED = RULES["publication_notice"].amount
LATE_HINT = "Publication: {on} late notice"


@dataclass(frozen=True)
class SendBy:
    day: date  # the day the notice tells the three bodies the report reaches them by
    check: str | None  # why that is not the notice's due date, for the Business Manager


def report_send_by(due: date, today: date, cal: WorkingCalendar) -> SendBy:
    """The day the partnership will really send the report by: the notice's due date is
    counted in national working days, so it can fall on a partnership closure day, when nobody
    is in to send it. The three bodies are told the last partnership working day on or before
    it, never a later day; the Business Manager is told why. When that day has already passed
    (the notice drafted during the closure), the due date stays and she is told to send on it."""
    closed = cal.closure_name(due)
    if closed is None:
        return SendBy(due, None)
    last = cal.previous_working_day(due)
    said = f"the report is due to the three bodies by {fmt_date(due)} ({closed}: not a working day)"
    if last < today:
        return SendBy(
            due,
            f"{said}, and the partnership's last working day before it, {fmt_date(last)}, has "
            "passed: send the report on the due date, or the notice will be late",
        )
    return SendBy(
        last,
        f"{said}: send it by {fmt_date(last)}, the partnership's last working day before it; "
        "the notice gives them that day",
    )


@dataclass(frozen=True)
class NoticeCheck:
    given: int  # working days from the report's sending (or, not yet sent, today) to publication
    late: bool  # fewer than REQUIRED
    refusal: str | None  # why the date is not accepted; None when it is


def check_notice(
    today: date,
    planned: date,
    late_confirmed: bool,
    cal: WorkingCalendar,
    report_sent_on: date | None = None,
) -> NoticeCheck:
    """What the 7 working days measure is the report reaching the three bodies: once it is
    recorded as sent, the notice is counted from that day, however late the notice email
    goes; until then, from today, the most notice still possible."""
    given = notice_given(report_sent_on or today, planned, cal)
    late = given < REQUIRED
    shown = f"{fmt_date(planned)}"
    if planned < today:
        return NoticeCheck(
            given,
            late,
            f"{shown} has passed; if the report is published, reply Published: {shown}",
        )
    if late and not late_confirmed:
        away = (
            f"{_days(given)} after the report was sent on {fmt_date(report_sent_on)}"
            if report_sent_on
            else f"{_days(given)} away"
        )
        return NoticeCheck(
            given,
            late,
            f"publication on {shown} is {away}; the report must reach the "
            f"National Panel, the Secretary of State and Ofsted at least {REQUIRED} working "
            "days before publication. Choose a later date, or confirm that the notice will be "
            f"late: {LATE_HINT.format(on=shown)}",
        )
    return NoticeCheck(given, late, None)


def notice_given(sent: date, published: date, cal: WorkingCalendar) -> int:
    """The working days of notice, as the three bodies count them: the partnership's closure
    days are working days to them. They are the working days from the sending to the day
    before publication, the days the deadline counts back over, so a report sent on its due
    day gives exactly 7: counting the publication day instead would give a Saturday's 6 and a
    report sent on a Saturday one day it did not give. A report sent on or after the day of
    publication gives none (zero or fewer, as before)."""
    counted = counted_on("publication_notice", cal)
    if sent >= published:
        return counted.working_days_between(sent, published)
    return -counted.working_days_between(published, sent)


def _days(n: int) -> str:
    return f"{n} working day{'' if n == 1 else 's'}"


def short_notice(sent: date, published: date, cal: WorkingCalendar) -> str | None:
    """Why the notice actually given fell short: the report reached the National Panel, the
    Secretary of State and Ofsted fewer than REQUIRED working days before the day it was
    published. None when it was given in time. The breach has happened by then; it is said,
    never let pass, because the Panel may ask and the Board's report must not call it on time."""
    given = notice_given(sent, published, cal)
    if given >= REQUIRED:
        return None
    when = f"{_days(given)} before" if given > 0 else "not before"
    return (
        "the report was sent to the National Panel, the Secretary of State and Ofsted on "
        f"{fmt_date(sent)}, {when} publication on {fmt_date(published)}, fewer than the "
        f"{REQUIRED} working days required"
    )


def report_sent_words(sent: date, planned: date, cal: WorkingCalendar) -> str:
    """What the reply to `Report sent:` says of the notice it gives the planned publication.
    A planned day already gone by when the report went gives no notice at all: said so, with
    what to do, never as a count of working days below zero."""
    if planned <= sent:
        return (
            f"the planned publication date, {fmt_date(planned)}, is not after the day the "
            "report was sent, so the report gives no notice of it: if the report has been "
            "published, reply Published: <date>; if not, plan a new date with Publication: <date>"
        )
    given = notice_given(sent, planned, cal)
    if given >= REQUIRED:
        return f"{_days(given)} before publication"
    return f"{_days(given)} before publication, fewer than the {REQUIRED} working days required"
