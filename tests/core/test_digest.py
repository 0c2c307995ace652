"""Digest contents and timing: expected dates worked out by hand from a printed calendar.

Christmas 2026: Fri 25 Dec, Mon 28 Dec (Boxing Day substitute) and Fri 1 Jan 2027 are closed.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.bank_holidays import working_calendar
from bot.core.digest import (
    DeadlineView,
    deadline_state,
    digest_due,
    monthly_report_due,
    next_digest,
    overdue,
    upcoming,
)

CAL = working_calendar(range(2025, 2029))
LONDON = ZoneInfo("Europe/London")
EIGHT = time(8, 0)


def view(case_ref: str, name: str, due: date, met: bool = False) -> DeadlineView:
    return DeadlineView(case_ref=case_ref, name=name, due=due, met=met, explanation="")


def names(views: list[DeadlineView]) -> list[tuple[str, str]]:
    return [(v.case_ref, v.name) for v in views]


@pytest.mark.parametrize(
    ("due", "met", "today", "expected"),
    [
        (date(2026, 12, 29), False, date(2026, 12, 23), "open"),
        (date(2026, 12, 29), False, date(2026, 12, 29), "due_today"),
        (date(2026, 12, 29), False, date(2026, 12, 30), "overdue"),
        # Met wins whatever the date.
        (date(2026, 12, 29), True, date(2026, 12, 23), "met"),
        (date(2026, 12, 29), True, date(2026, 12, 29), "met"),
        (date(2026, 12, 29), True, date(2027, 1, 4), "met"),
    ],
)
def test_deadline_state(due: date, met: bool, today: date, expected: str) -> None:
    assert deadline_state(due, met, today) == expected


def test_upcoming_five_working_days_across_christmas() -> None:
    # From Wed 23 Dec, 5 working days are 24, 29, 30, 31 Dec and Mon 4 Jan.
    deadlines = [
        view("TSCP-2026-002", "panel_notification", date(2027, 1, 4)),
        view("TSCP-2026-001", "yesterday", date(2026, 12, 22)),
        view("TSCP-2026-001", "today", date(2026, 12, 23)),
        view("TSCP-2026-003", "too_late", date(2027, 1, 5)),
        view("TSCP-2026-001", "already_met", date(2026, 12, 24), met=True),
        view("TSCP-2026-002", "screening_meeting", date(2026, 12, 29)),
        view("TSCP-2026-001", "screening_meeting", date(2026, 12, 29)),
        view("TSCP-2026-001", "appendix_b:police", date(2026, 12, 29)),
    ]
    assert names(upcoming(deadlines, date(2026, 12, 23), CAL, 5)) == [
        ("TSCP-2026-001", "today"),
        ("TSCP-2026-001", "appendix_b:police"),
        ("TSCP-2026-001", "screening_meeting"),
        ("TSCP-2026-002", "screening_meeting"),
        ("TSCP-2026-002", "panel_notification"),
    ]


def test_upcoming_horizon_is_in_working_days() -> None:
    # From Thu 24 Dec, one working day ahead is Tue 29 Dec: a deadline on the 29th is shown,
    # one on the 30th is not.
    deadlines = [
        view("TSCP-2026-001", "a", date(2026, 12, 29)),
        view("TSCP-2026-001", "b", date(2026, 12, 30)),
    ]
    assert names(upcoming(deadlines, date(2026, 12, 24), CAL, 1)) == [("TSCP-2026-001", "a")]


def test_overdue_oldest_first_and_excludes_met_and_today() -> None:
    # Oldest first, whatever the case reference.
    deadlines = [
        view("TSCP-2026-001", "c", date(2026, 12, 31)),
        view("TSCP-2026-003", "a", date(2026, 12, 22)),
        view("TSCP-2026-002", "met", date(2026, 12, 1), met=True),
        view("TSCP-2026-004", "today", date(2027, 1, 4)),
        view("TSCP-2026-002", "b", date(2026, 12, 29)),
    ]
    assert names(overdue(deadlines, date(2027, 1, 4))) == [
        ("TSCP-2026-003", "a"),
        ("TSCP-2026-002", "b"),
        ("TSCP-2026-001", "c"),
    ]


def test_overdue_on_the_same_day_by_case_then_deadline_whatever_order_they_came_in() -> None:
    # The rows come from a query with no order: the digest lists them alike every day.
    due = date(2026, 12, 22)
    deadlines = [
        view("TSCP-2026-002", "b", due),
        view("TSCP-2026-002", "a", due),
        view("TSCP-2026-001", "c", due),
    ]
    expected = [("TSCP-2026-001", "c"), ("TSCP-2026-002", "a"), ("TSCP-2026-002", "b")]
    assert names(overdue(deadlines, date(2027, 1, 4))) == expected
    assert names(overdue(deadlines[::-1], date(2027, 1, 4))) == expected


@pytest.mark.parametrize(
    ("local_now", "expected"),
    [
        ("2026-12-23T08:00", True),  # Wednesday, on the dot
        ("2026-12-23T07:59", False),
        ("2026-12-23T17:30", True),
        ("2026-12-25T09:00", False),  # Christmas Day
        ("2026-12-28T09:00", False),  # Boxing Day substitute
        ("2027-01-02T09:00", False),  # Saturday
        ("2027-01-03T09:00", False),  # Sunday
        ("2027-01-04T08:00", True),  # Monday
    ],
)
def test_digest_due(local_now: str, expected: bool) -> None:
    moment = datetime.fromisoformat(local_now).replace(tzinfo=LONDON)
    assert digest_due(moment, EIGHT, CAL) is expected


@pytest.mark.parametrize(
    ("now", "queued_today", "expected"),
    [
        # A working morning before 08:00: today's.
        (datetime(2026, 12, 23, 7, 0), False, datetime(2026, 12, 23, 8, 0)),
        # After 08:00 and not yet queued: due now (today's time, already passed).
        (datetime(2026, 12, 23, 9, 0), False, datetime(2026, 12, 23, 8, 0)),
        # Queued today: the next working day's, over Christmas and Boxing Day (Mon 28 Dec
        # is the Boxing Day substitute) to Tue 29 Dec.
        (datetime(2026, 12, 24, 9, 0), True, datetime(2026, 12, 29, 8, 0)),
        # A Saturday: Monday's.
        (datetime(2027, 1, 9, 12, 0), False, datetime(2027, 1, 11, 8, 0)),
    ],
)
def test_next_digest_skips_weekends_and_bank_holidays(
    now: datetime, queued_today: bool, expected: datetime
) -> None:
    local = now.replace(tzinfo=LONDON)
    assert next_digest(local, EIGHT, CAL, queued_today) == expected.replace(tzinfo=LONDON)


DECEMBER = (date(2026, 12, 1), date(2026, 12, 31))


@pytest.mark.parametrize(
    ("now", "due"),
    [
        ("2027-01-01T09:00", None),  # New Year's Day: not a working day
        ("2027-01-02T09:00", None),  # Saturday
        ("2027-01-04T07:59", None),  # the first working day, before the digest's time
        ("2027-01-04T08:00", DECEMBER),
        ("2027-01-05T07:00", DECEMBER),  # missed on the first day: due at once on the next
        ("2027-01-08T09:00", DECEMBER),  # the fifth working day: the last chance
        ("2027-01-11T09:00", None),  # the sixth: a bot started now sends nothing old
        ("2027-01-31T09:00", None),  # a Sunday
        ("2027-02-01T08:30", (date(2027, 1, 1), date(2027, 1, 31))),
        ("2027-03-01T08:30", (date(2027, 2, 1), date(2027, 2, 28))),
    ],
)
def test_the_monthly_report_is_due_from_the_first_working_day_for_the_month_before(
    now: str, due: tuple[date, date] | None
) -> None:
    local = datetime.fromisoformat(now).replace(tzinfo=LONDON)
    assert monthly_report_due(local, time(8, 0), CAL) == due
