"""Choosing the Screening Panel slot: expected slots worked out by hand from a printed calendar.

Christmas 2026: Fri 25 Dec Christmas Day, Mon 28 Dec Boxing Day (substitute). Easter 2027:
Good Friday 26 Mar, Easter Monday 29 Mar. BST starts Sun 28 Mar 2027, ends Sun 25 Oct 2026.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.bank_holidays import working_calendar
from bot.core.panel_slots import Slot, SlotPolicy, choose_screening_slot
from bot.core.working_days import WorkingCalendar

LONDON = ZoneInfo("Europe/London")
CAL = working_calendar(range(2025, 2029))
EVERY_WEEKDAY = (0, 1, 2, 3, 4)
MONDAY = 0


def policy(weekdays: tuple[int, ...] = EVERY_WEEKDAY, duration: int = 60) -> SlotPolicy:
    return SlotPolicy(
        weekdays=weekdays,
        times=(time(10, 0), time(14, 0)),
        duration=timedelta(minutes=duration),
        min_notice=timedelta(minutes=120),
    )


def london(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


@pytest.mark.parametrize(
    ("received", "deadline", "expected_start", "within"),
    [
        # Wed 23 Dec 09:00: 10:00 is too soon (2 h notice), 14:00 fits.
        ("2026-12-23T09:00", date(2026, 12, 29), "2026-12-23T14:00", True),
        # Exactly two hours' notice is enough.
        ("2026-12-23T12:00", date(2026, 12, 29), "2026-12-23T14:00", True),
        # After 12:00 nothing is left that day: Thu 24 Dec 10:00.
        ("2026-12-23T12:01", date(2026, 12, 29), "2026-12-24T10:00", True),
        ("2026-12-23T13:00", date(2026, 12, 29), "2026-12-24T10:00", True),
        # Thu 24 Dec 16:00: skip Fri 25 (Christmas), the weekend and Mon 28 (substitute day).
        ("2026-12-24T16:00", date(2026, 12, 30), "2026-12-29T10:00", True),
        # A SIN that arrives on Saturday is booked on the Monday morning.
        ("2026-12-05T11:00", date(2026, 12, 8), "2026-12-07T10:00", True),
    ],
)
def test_earliest_slot_with_enough_notice(
    received: str, deadline: date, expected_start: str, within: bool
) -> None:
    slot = choose_screening_slot(
        received_at=london(received),
        deadline_day=deadline,
        policy=policy(),
        calendar=CAL,
        tz=LONDON,
    )
    start = london(expected_start)
    assert slot == Slot(start, start + timedelta(minutes=60), within_deadline=within)


def test_received_time_in_utc_is_read_in_london() -> None:
    # 09:00Z on 23 Dec is 09:00 in London (GMT): same answer as the London case.
    slot = choose_screening_slot(
        received_at=datetime(2026, 12, 23, 9, 0, tzinfo=UTC),
        deadline_day=date(2026, 12, 29),
        policy=policy(),
        calendar=CAL,
        tz=LONDON,
    )
    assert slot is not None
    assert slot.start == london("2026-12-23T14:00")


def test_end_is_start_plus_duration() -> None:
    slot = choose_screening_slot(
        received_at=london("2026-12-23T09:00"),
        deadline_day=date(2026, 12, 29),
        policy=policy(duration=90),
        calendar=CAL,
        tz=LONDON,
    )
    assert slot is not None
    assert slot.end == london("2026-12-23T15:30")


def test_mondays_only_inside_deadline() -> None:
    # Fri 4 Dec 2026 09:00, deadline Tue 8 Dec: Mon 7 Dec 10:00 is in time.
    slot = choose_screening_slot(
        received_at=london("2026-12-04T09:00"),
        deadline_day=date(2026, 12, 8),
        policy=policy(weekdays=(MONDAY,)),
        calendar=CAL,
        tz=LONDON,
    )
    assert slot == Slot(
        london("2026-12-07T10:00"), london("2026-12-07T11:00"), within_deadline=True
    )


def test_mondays_only_past_deadline_is_flagged() -> None:
    # Wed 23 Dec, deadline Tue 29 Dec. Mon 28 Dec is the Boxing Day substitute, so the first
    # Monday slot is Mon 4 Jan 2027, after the deadline.
    slot = choose_screening_slot(
        received_at=london("2026-12-23T09:00"),
        deadline_day=date(2026, 12, 29),
        policy=policy(weekdays=(MONDAY,)),
        calendar=CAL,
        tz=LONDON,
    )
    assert slot == Slot(
        london("2027-01-04T10:00"), london("2027-01-04T11:00"), within_deadline=False
    )


def test_slot_on_the_deadline_day_is_within_deadline() -> None:
    # Wed 23 Dec 09:00 with Tuesdays only: Tue 29 Dec is the deadline day itself.
    slot = choose_screening_slot(
        received_at=london("2026-12-23T09:00"),
        deadline_day=date(2026, 12, 29),
        policy=policy(weekdays=(1,)),
        calendar=CAL,
        tz=LONDON,
    )
    assert slot == Slot(
        london("2026-12-29T10:00"), london("2026-12-29T11:00"), within_deadline=True
    )


def test_local_closure_day_is_skipped() -> None:
    closed_christmas_eve = working_calendar(
        range(2025, 2029), {date(2026, 12, 24): "Office closure"}
    )
    slot = choose_screening_slot(
        received_at=london("2026-12-23T13:00"),
        deadline_day=date(2026, 12, 30),
        policy=policy(),
        calendar=closed_christmas_eve,
        tz=LONDON,
    )
    assert slot == Slot(
        london("2026-12-29T10:00"), london("2026-12-29T11:00"), within_deadline=True
    )


def test_slot_after_clocks_go_forward_is_in_bst() -> None:
    # Thu 25 Mar 2027 13:00 GMT: 14:00 is too soon; Fri 26 and Mon 29 are Easter holidays;
    # Tue 30 Mar 10:00 is in BST, i.e. 09:00 UTC.
    slot = choose_screening_slot(
        received_at=london("2027-03-25T13:00"),
        deadline_day=date(2027, 3, 31),
        policy=policy(),
        calendar=CAL,
        tz=LONDON,
    )
    assert slot is not None
    assert slot.start.utcoffset() == timedelta(hours=1)
    assert slot.start.astimezone(UTC) == datetime(2027, 3, 30, 9, 0, tzinfo=UTC)
    assert slot.end.astimezone(UTC) == datetime(2027, 3, 30, 10, 0, tzinfo=UTC)
    assert slot.within_deadline is True


def test_slot_after_clocks_go_back_is_in_gmt() -> None:
    # Fri 23 Oct 2026 13:00 BST (12:00 UTC): 14:00 is too soon; Mon 26 Oct 10:00 is GMT.
    slot = choose_screening_slot(
        received_at=london("2026-10-23T13:00"),
        deadline_day=date(2026, 10, 27),
        policy=policy(),
        calendar=CAL,
        tz=LONDON,
    )
    assert slot is not None
    assert slot.start.utcoffset() == timedelta(0)
    assert slot.start.astimezone(UTC) == datetime(2026, 10, 26, 10, 0, tzinfo=UTC)


def test_notice_is_measured_in_real_hours_after_the_clock_change() -> None:
    # Mon 29 Mar 2027 08:30 BST (07:30 UTC), on a calendar with no holidays: 10:00 BST is only
    # 1 h 30 min away, so 14:00 is booked.
    no_holidays = WorkingCalendar(closed={}, years=frozenset(range(2025, 2029)))
    slot = choose_screening_slot(
        received_at=datetime(2027, 3, 29, 7, 30, tzinfo=UTC),
        deadline_day=date(2027, 3, 31),
        policy=policy(),
        calendar=no_holidays,
        tz=LONDON,
    )
    assert slot is not None
    assert slot.start == london("2027-03-29T14:00")
    assert slot.start.astimezone(UTC) == datetime(2027, 3, 29, 13, 0, tzinfo=UTC)


def test_no_possible_weekday_gives_none() -> None:
    slot = choose_screening_slot(
        received_at=london("2026-12-23T09:00"),
        deadline_day=date(2026, 12, 29),
        policy=policy(weekdays=()),
        calendar=CAL,
        tz=LONDON,
    )
    assert slot is None


def test_weekend_only_policy_never_books() -> None:
    # Saturdays and Sundays are never working days, so nothing can be booked.
    slot = choose_screening_slot(
        received_at=london("2026-12-23T09:00"),
        deadline_day=date(2026, 12, 29),
        policy=policy(weekdays=(5, 6)),
        calendar=CAL,
        tz=LONDON,
    )
    assert slot is None


def test_a_slot_already_holding_another_case_is_skipped() -> None:
    def choose(received: str, taken: frozenset[datetime]) -> Slot | None:
        return choose_screening_slot(
            received_at=london(received),
            deadline_day=date(2026, 12, 29),
            policy=policy(),
            calendar=CAL,
            tz=LONDON,
            taken=taken,
        )

    first = choose("2026-12-23T09:00", frozenset())
    assert first is not None and first.start == london("2026-12-23T14:00")
    second = choose("2026-12-23T09:05", frozenset({first.start}))
    assert second is not None and second.within_deadline
    assert second.start == london("2026-12-24T10:00")
