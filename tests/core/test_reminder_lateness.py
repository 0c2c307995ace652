"""A reminder or escalation says how late the deadline really is on the day it goes out."""

from __future__ import annotations

from datetime import date

import pytest

from bot.adapters.bank_holidays import working_calendar
from bot.core.reminders import ReminderPolicy, as_sent, schedule

CAL = working_calendar(range(2025, 2030))
DUE = date(2026, 12, 24)  # Thursday, before Christmas
STEPS = {s.key: s for s in schedule(DUE, CAL, ReminderPolicy())}


@pytest.mark.parametrize(
    ("key", "today", "late", "label"),
    [
        # On the step's own day, its place in the sequence is the lateness.
        ("before-1", date(2026, 12, 23), -1, "due tomorrow (Thu 24 Dec 2026)"),
        ("due", date(2026, 12, 24), 0, "due today"),
        ("overdue-1", date(2026, 12, 29), 1, "1 working day overdue"),
        ("overdue-3", date(2026, 12, 31), 3, "3 working days overdue"),
        ("escalation", date(2027, 1, 4), 4, "escalated: 4 working days overdue"),
        # Sent after the daemon was down: counted to today, over bank holidays and weekends.
        ("overdue-1", date(2026, 12, 30), 2, "2 working days overdue"),
        ("escalation", date(2027, 2, 10), 31, "escalated: 31 working days overdue"),
    ],
)
def test_lateness_is_counted_to_the_day_it_is_sent(
    key: str, today: date, late: int, label: str
) -> None:
    step = as_sent(STEPS[key], DUE, today, CAL)
    assert (step.working_days_overdue, step.label) == (late, label)
    assert (step.key, step.kind, step.day) == (STEPS[key].key, STEPS[key].kind, STEPS[key].day)
