"""Dates in commands that make no sense for their line, with the sentence that refuses them.

Pure: the date given and the day the command is given in, a reason or None out. A refused
line is refused alone; the other lines of the same email are still carried out.
"""

from __future__ import annotations

from datetime import date

from bot.core.deadlines import fmt_date
from bot.core.working_days import add_months

# Agencies return an Appendix B in days or weeks; a date a year away is a mistyped year.
RETURN_WITHIN_MONTHS = 12


def return_by_problem(return_by: date, requested: date) -> str | None:
    """An Appendix B return date must fall between the request and a year after it."""
    if return_by > add_months(requested, RETURN_WITHIN_MONTHS):
        return (
            f"the return date {return_by:%d/%m/%Y} is more than {RETURN_WITHIN_MONTHS} months "
            "after the request; check the year: Return by: <date>"
        )
    if return_by >= requested:
        return None
    return (
        f"the return date {return_by:%d/%m/%Y} is before the request, which goes out today "
        f"({requested:%d/%m/%Y}); give a later date: Return by: <date>"
    )


def action_due_problem(due: date, agreed: date) -> str | None:
    """An action-plan item cannot be due before the day it is agreed."""
    if due >= agreed:
        return None
    return (
        f"the due date {due:%d/%m/%Y} is before today ({agreed:%d/%m/%Y}), when the action is "
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
