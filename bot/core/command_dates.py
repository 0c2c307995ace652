"""Dates in commands that make no sense for their line, with the sentence that refuses them.

Pure: the date given and the day the command is given in, a reason or None out. A refused
line is refused alone; the other lines of the same email are still carried out.
"""

from __future__ import annotations

from datetime import date

from bot.core.deadlines import fmt_date
from bot.core.working_days import CalendarRangeError, WorkingCalendar, add_months

# Agencies return an Appendix B in days or weeks; a date a year away is a mistyped year.
RETURN_WITHIN_MONTHS = 12
# The local authority notifies the National Panel within days of becoming aware, and sends the
# SIN about then: a notification a month before the SIN arrived names an awareness date first.
NOTIFIED_BEFORE_ARRIVAL_MONTHS = 1
# A complaint or a SIN first sent elsewhere reaches the mailbox days or weeks later; a receipt
# day a year before it arrived is a mistyped year.
RECEIVED_BEFORE_ARRIVAL_MONTHS = 12


def return_by_problem(return_by: date, requested: date) -> str | None:
    """An Appendix B return date must fall between the request and a year after it."""
    if return_by > add_months(requested, RETURN_WITHIN_MONTHS):
        return (
            f"the return date {fmt_date(return_by)} is more than {RETURN_WITHIN_MONTHS} months "
            "after the request; check the year: Return by: <date>"
        )
    if return_by >= requested:
        return None
    return (
        f"the return date {fmt_date(return_by)} is before the request, which goes out today "
        f"({fmt_date(requested)}); give a later date: Return by: <date>"
    )


def action_due_problem(due: date, agreed: date) -> str | None:
    """An action-plan item cannot be due before the day it is agreed."""
    if due >= agreed:
        return None
    return (
        f"the due date {fmt_date(due)} is before today ({fmt_date(agreed)}), when the action is "
        "recorded; give a later date: Action: <what>; owner: <agency>; due: <date>"
    )


def answered_problem(answered: date, received: date, today: date) -> str | None:
    """A complaint's reply cannot be sent before the complaint arrived, nor after today."""
    if answered > today:
        return (
            f"{fmt_date(answered)} is after today ({fmt_date(today)}); record the reply once it "
            "has been sent, with the day it was sent: Answered: <date>"
        )
    if answered < received:
        return (
            f"{fmt_date(answered)} is before the complaint was received "
            f"({fmt_date(received)}); check the date: Answered: <date>"
        )
    return None


def received_problem(
    received: date,
    arrived: date,
    today: date,
    answered: date | None,
    *,
    what: str = "the complaint",
    met_by: str = "the reply was sent",
) -> str | None:
    """A corrected receipt day of `what` (a complaint, a SIN): not after it reached the
    mailbox (`arrived`), nor after today or the event that met its clock (`answered`: the
    reply, the Screening Panel's decision), nor a year before it arrived."""
    usage = "Correct Received: <date> because <reason>"
    if received > today:
        return f"{fmt_date(received)} is after today ({fmt_date(today)}); check the date: {usage}"
    if received > arrived:
        return (
            f"{fmt_date(received)} is after {what} reached the mailbox "
            f"({fmt_date(arrived)}), so it cannot be the day it was received: {usage}"
        )
    if answered is not None and received > answered:
        return (
            f"{fmt_date(received)} is after {met_by} ({fmt_date(answered)}); check "
            f"the date: {usage}"
        )
    if received < add_months(arrived, -RECEIVED_BEFORE_ARRIVAL_MONTHS):
        return (
            f"{fmt_date(received)} is more than {RECEIVED_BEFORE_ARRIVAL_MONTHS} months before "
            f"{what} reached the mailbox ({fmt_date(arrived)}); check the year: {usage}"
        )
    return None


def notified_problem(
    notified: date, aware: date, assumed: bool, clock: str = "panel_notification"
) -> str | None:
    """The National Panel (or, of a death, the Secretary of State and Ofsted: `clock`) is
    notified once the local authority is aware: a date before a known awareness date is a
    mistyped year, or an awareness date to correct first. When the awareness date is only
    assumed (the SIN's arrival), the local authority may well have notified a few days before
    the SIN reached us, but not a month or a year before."""
    if notified >= aware:
        return None
    if not assumed:
        return (
            f"{fmt_date(notified)} is before the local authority became aware "
            f"({fmt_date(aware)}, where {clock} starts); check the year, or if the "
            "local authority knew earlier, record that first: Aware: <date>"
        )
    if notified >= add_months(aware, -NOTIFIED_BEFORE_ARRIVAL_MONTHS):
        return None
    return (
        f"{fmt_date(notified)} is more than a month before the SIN arrived ({fmt_date(aware)}), "
        "and no earlier awareness date is recorded; check the year, or if the local authority "
        "knew earlier, record that first: Aware: <date>"
    )


def published_problem(published: date, decided: date) -> str | None:
    """A CSPR report is published after the review was decided on, never before."""
    return _before_decision(published, decided, "Published: <date>")


def report_sent_problem(sent: date, decided: date) -> str | None:
    """The full report is written after the review was decided on, so it cannot have reached
    the National Panel, the Secretary of State and Ofsted before: a mistyped year, which the
    notice of publication would state to them."""
    return _before_decision(sent, decided, "Report sent: <date>")


def _before_decision(day: date, decided: date, usage: str) -> str | None:
    if day >= decided:
        return None
    return (
        f"{fmt_date(day)} is before the CSPR was decided on ({fmt_date(decided)}); check "
        f"the year: {usage}"
    )


def delay_expected_problem(expected: date, due: date, today: date) -> str | None:
    """A Rapid Review delay's expected date must be a delay: after today and after the date the
    review is due, and within a year (a mistyped year would tell the National Panel so)."""
    usage = "Delay: <reason>; expected <date>"
    if expected <= today:
        return (
            f"the expected date {fmt_date(expected)} is not after today ({fmt_date(today)}); "
            f"check the year: {usage}"
        )
    if expected <= due:
        return (
            f"the expected date {fmt_date(expected)} is not after the Rapid Review's due date "
            f"({fmt_date(due)}): that is not a delay"
        )
    if expected > add_months(today, RETURN_WITHIN_MONTHS):
        return (
            f"the expected date {fmt_date(expected)} is more than {RETURN_WITHIN_MONTHS} months "
            f"away; check the year: {usage}"
        )
    return None


def closed_day_note(day: date, calendar: WorkingCalendar) -> str:
    """What to say after a date a person gave that falls on a closed day, or "".

    Such a date is kept (she may mean it), but never without a word: reminders for it go out
    on the working day before, and a mistyped date is caught while it is cheap to put right.
    """
    try:
        name = calendar.closure_name(day)
    except CalendarRangeError:
        return ""  # beyond the years the calendar holds: the deadline itself says so
    return f" ({name}: not a working day)" if name else ""


def delay_expected_check(expected: date, calendar: WorkingCalendar) -> str | None:
    """What the Business Manager must see before approving a delay notice whose expected day
    the partnership is closed, or None. The date is kept, as `Return by:` keeps one (a
    review sent "by" it may go the working day before); refusing it, as `Reschedule:` refuses
    a meeting on a closed day, would stop a notice the National Panel is owed."""
    closed = closed_day_note(expected, calendar)
    if not closed:
        return None
    return (
        f"the notice tells the National Panel the Rapid Review is expected by "
        f"{fmt_date(expected)}{closed}; if it will be sent on an earlier working day, do not "
        "approve this: write Delay: <reason>; expected <date> again with that day"
    )
