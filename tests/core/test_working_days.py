"""WorkingCalendar: expected dates below were worked out by hand from a printed calendar."""

from __future__ import annotations

import calendar as stdlib_calendar
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.adapters.bank_holidays import working_calendar
from bot.core.working_days import (
    CalendarRangeError,
    WorkingCalendar,
    closures_without_effect,
    day_zero,
)

CAL = working_calendar(range(2024, 2031))
OFFICE = "Office closure"
LOCAL = working_calendar(
    range(2024, 2031),
    {date(2026, 12, 29): OFFICE, date(2026, 12, 30): OFFICE, date(2026, 12, 31): OFFICE},
)
LONDON = ZoneInfo("Europe/London")
BOXING_SUB = "Boxing Day (substitute day)"

in_range = st.dates(min_value=date(2025, 1, 1), max_value=date(2029, 12, 31))


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Christmas / New Year 2026-27: Fri 25 Dec, Mon 28 Dec (substitute), Fri 1 Jan.
        (date(2026, 12, 23), 1, date(2026, 12, 24)),
        (date(2026, 12, 23), 2, date(2026, 12, 29)),
        (date(2026, 12, 24), 1, date(2026, 12, 29)),
        (date(2026, 12, 23), 5, date(2027, 1, 4)),
        (date(2026, 12, 31), 1, date(2027, 1, 4)),
        (date(2026, 12, 7), 20, date(2027, 1, 7)),
        # Christmas / New Year 2027-28: substitutes on Mon 27, Tue 28 Dec and Mon 3 Jan.
        (date(2027, 12, 24), 1, date(2027, 12, 29)),
        (date(2027, 12, 31), 1, date(2028, 1, 4)),
        # Easter 2027 (Good Friday 26 Mar, Easter Monday 29 Mar) and 2026 (3 / 6 Apr).
        (date(2027, 3, 25), 1, date(2027, 3, 30)),
        (date(2026, 4, 2), 1, date(2026, 4, 7)),
        (date(2026, 4, 1), 3, date(2026, 4, 8)),
        # August, early May and spring bank holidays.
        (date(2026, 8, 28), 1, date(2026, 9, 1)),
        (date(2026, 5, 1), 1, date(2026, 5, 5)),
        (date(2026, 5, 22), 1, date(2026, 5, 26)),
        (date(2027, 4, 30), 1, date(2027, 5, 4)),
        (date(2027, 5, 28), 1, date(2027, 6, 1)),
        # Day 0 on a weekend.
        (date(2026, 12, 5), 1, date(2026, 12, 7)),
        (date(2026, 12, 5), 2, date(2026, 12, 8)),
        (date(2026, 12, 6), 0, date(2026, 12, 6)),
        (date(2026, 12, 9), 0, date(2026, 12, 9)),
        # Negative counts.
        (date(2026, 12, 29), -1, date(2026, 12, 24)),
        (date(2027, 1, 4), -2, date(2026, 12, 30)),
        (date(2027, 3, 30), -1, date(2027, 3, 25)),
        (date(2027, 1, 2), -1, date(2026, 12, 31)),
        (date(2026, 4, 7), -5, date(2026, 3, 27)),
    ],
)
def test_add_working_days(start: date, n: int, expected: date) -> None:
    assert CAL.add_working_days(start, n) == expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 12, 23), 2, date(2027, 1, 4)),
        (date(2026, 12, 24), 1, date(2027, 1, 4)),
        (date(2027, 1, 4), -1, date(2026, 12, 24)),
        (date(2026, 12, 28), 1, date(2027, 1, 4)),
    ],
)
def test_add_working_days_with_local_closure(start: date, n: int, expected: date) -> None:
    assert LOCAL.add_working_days(start, n) == expected


@pytest.mark.parametrize(
    ("d1", "d2", "expected"),
    [
        (date(2026, 12, 23), date(2026, 12, 29), 2),
        (date(2026, 12, 29), date(2026, 12, 23), -2),
        (date(2026, 12, 25), date(2026, 12, 29), 1),
        (date(2026, 12, 5), date(2026, 12, 7), 1),
        (date(2026, 12, 7), date(2026, 12, 4), -1),
        (date(2026, 12, 7), date(2026, 12, 5), 0),
        (date(2026, 12, 9), date(2026, 12, 9), 0),
        (date(2027, 3, 25), date(2027, 3, 30), 1),
        (date(2026, 4, 1), date(2026, 4, 8), 3),
        (date(2026, 12, 7), date(2027, 1, 7), 20),
    ],
)
def test_working_days_between(d1: date, d2: date, expected: int) -> None:
    assert CAL.working_days_between(d1, d2) == expected


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2026, 12, 26), "Saturday"),
        (date(2026, 12, 27), "Sunday"),
        (date(2026, 12, 25), "Christmas Day"),
        (date(2026, 12, 28), "Boxing Day (substitute day)"),
        (date(2027, 12, 27), "Christmas Day (substitute day)"),
        (date(2028, 1, 3), "New Year's Day (substitute day)"),
        (date(2027, 3, 26), "Good Friday"),
        (date(2027, 3, 29), "Easter Monday"),
        (date(2026, 4, 3), "Good Friday"),
        (date(2026, 4, 6), "Easter Monday"),
        (date(2026, 8, 31), "Late Summer Bank Holiday"),
        (date(2026, 5, 4), "May Day"),
        (date(2026, 5, 25), "Spring Bank Holiday"),
        (date(2026, 12, 29), None),
    ],
)
def test_closure_name(d: date, expected: str | None) -> None:
    assert CAL.closure_name(d) == expected
    assert CAL.is_working_day(d) is (expected is None)


def test_local_closure_names_and_merging() -> None:
    assert LOCAL.closure_name(date(2026, 12, 30)) == OFFICE
    merged = working_calendar([2026], {date(2026, 12, 25): OFFICE, date(2026, 12, 26): OFFICE})
    assert merged.closure_name(date(2026, 12, 25)) == "Christmas Day / Office closure"
    assert merged.closure_name(date(2026, 12, 26)) == "Saturday"
    assert date(2026, 12, 26) not in merged.closed


def test_local_closures_outside_covered_years_are_ignored() -> None:
    cal = working_calendar([2026], {date(2031, 1, 6): OFFICE})
    assert date(2031, 1, 6) not in cal.closed


@pytest.mark.parametrize(
    ("d1", "d2", "expected"),
    [
        (
            date(2026, 12, 23),
            date(2027, 1, 4),
            [
                (date(2026, 12, 25), "Christmas Day"),
                (date(2026, 12, 28), "Boxing Day (substitute day)"),
                (date(2027, 1, 1), "New Year's Day"),
            ],
        ),
        (
            date(2027, 1, 4),
            date(2026, 12, 23),
            [
                (date(2026, 12, 25), "Christmas Day"),
                (date(2026, 12, 28), "Boxing Day (substitute day)"),
                (date(2027, 1, 1), "New Year's Day"),
            ],
        ),
        (date(2026, 12, 25), date(2026, 12, 29), [(date(2026, 12, 28), BOXING_SUB)]),
        (date(2026, 12, 24), date(2026, 12, 25), [(date(2026, 12, 25), "Christmas Day")]),
        (date(2026, 12, 7), date(2026, 12, 13), []),
    ],
)
def test_skipped(d1: date, d2: date, expected: list[tuple[date, str]]) -> None:
    assert CAL.skipped(d1, d2) == expected


def test_skipped_includes_local_closures() -> None:
    assert LOCAL.skipped(date(2026, 12, 28), date(2026, 12, 31)) == [
        (date(2026, 12, 29), OFFICE),
        (date(2026, 12, 30), OFFICE),
        (date(2026, 12, 31), OFFICE),
    ]


@pytest.mark.parametrize(
    ("d", "previous", "following"),
    [
        (date(2026, 12, 28), date(2026, 12, 24), date(2026, 12, 29)),
        (date(2026, 12, 25), date(2026, 12, 24), date(2026, 12, 29)),
        (date(2026, 12, 29), date(2026, 12, 29), date(2026, 12, 29)),
        (date(2027, 3, 28), date(2027, 3, 25), date(2027, 3, 30)),
        (date(2027, 3, 27), date(2027, 3, 25), date(2027, 3, 30)),
        (date(2027, 1, 1), date(2026, 12, 31), date(2027, 1, 4)),
        (date(2026, 8, 31), date(2026, 8, 28), date(2026, 9, 1)),
    ],
)
def test_previous_and_next_working_day(d: date, previous: date, following: date) -> None:
    assert CAL.previous_working_day(d) == previous
    assert CAL.next_working_day(d) == following


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2027, 3, 31), -1, date(2027, 2, 28)),
        (date(2026, 3, 15), 12, date(2027, 3, 15)),
        (date(2026, 11, 30), 1, date(2026, 12, 30)),
        (date(2026, 10, 31), 2, date(2026, 12, 31)),
        (date(2026, 12, 31), 2, date(2027, 2, 28)),
        (date(2026, 12, 28), 0, date(2026, 12, 28)),
    ],
)
def test_add_months(start: date, months: int, expected: date) -> None:
    assert CAL.add_months(start, months) == expected


def test_add_months_does_not_roll_to_a_working_day() -> None:
    assert CAL.add_months(date(2026, 6, 28), 6) == date(2026, 12, 28)  # a bank holiday


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # BST starts 01:00 UTC Sun 28 Mar 2027, ends 01:00 UTC Sun 31 Oct 2027.
        (datetime(2027, 3, 25, 23, 30, tzinfo=UTC), date(2027, 3, 25)),
        (datetime(2027, 3, 28, 23, 30, tzinfo=UTC), date(2027, 3, 29)),
        (datetime(2027, 10, 30, 23, 30, tzinfo=UTC), date(2027, 10, 31)),
        (datetime(2027, 10, 31, 23, 30, tzinfo=UTC), date(2027, 10, 31)),
        (datetime(2026, 12, 31, 23, 59, tzinfo=UTC), date(2026, 12, 31)),
        (datetime(2027, 3, 29, 0, 30, tzinfo=timezone(timedelta(hours=1))), date(2027, 3, 29)),
        (datetime(2027, 3, 29, 8, 0, tzinfo=timezone(timedelta(hours=-5))), date(2027, 3, 29)),
        (datetime(2027, 3, 28, 20, 0, tzinfo=timezone(timedelta(hours=-5))), date(2027, 3, 29)),
    ],
)
def test_day_zero(moment: datetime, expected: date) -> None:
    assert day_zero(moment, LONDON) == expected


def test_day_zero_rejects_naive() -> None:
    with pytest.raises(ValueError, match="naive"):
        day_zero(datetime(2027, 3, 25, 23, 30), LONDON)


def test_out_of_range_raises_naming_the_year() -> None:
    with pytest.raises(CalendarRangeError, match="2031"):
        CAL.is_working_day(date(2031, 1, 2))
    with pytest.raises(CalendarRangeError, match="2031"):
        CAL.add_working_days(date(2030, 12, 30), 2)
    with pytest.raises(CalendarRangeError, match="2023"):
        CAL.add_working_days(date(2024, 1, 2), -2)
    with pytest.raises(CalendarRangeError, match="2031"):
        CAL.add_months(date(2030, 8, 31), 6)
    with pytest.raises(CalendarRangeError):
        CAL.working_days_between(date(2030, 12, 1), date(2031, 1, 5))
    assert issubclass(CalendarRangeError, ValueError)


def test_the_years_covered_are_said_as_a_span_when_they_run_on() -> None:
    with pytest.raises(CalendarRangeError) as found:
        working_calendar(range(1990, 2101)).is_working_day(date(2101, 1, 3))
    assert str(found.value).endswith("(covered years: 1990 to 2100)")
    with pytest.raises(CalendarRangeError) as gap:
        working_calendar([2026, 2028]).is_working_day(date(2027, 1, 4))
    assert str(gap.value).endswith("(covered years: 2026, 2028)")


def test_gap_in_covered_years_is_not_holiday_free() -> None:
    cal = working_calendar([2026, 2028])
    with pytest.raises(CalendarRangeError, match="2027"):
        cal.add_working_days(date(2026, 12, 31), 300)


def test_empty_years_rejected() -> None:
    with pytest.raises(ValueError, match="year"):
        working_calendar([])
    with pytest.raises(ValueError, match="year"):
        WorkingCalendar(closed={}, years=frozenset())


def test_calendar_is_immutable() -> None:
    with pytest.raises(TypeError):
        CAL.closed[date(2026, 12, 29)] = "x"  # type: ignore[index]
    assert CAL.years == frozenset(range(2024, 2031))


# --- properties -------------------------------------------------------------------------


@given(in_range, st.integers(min_value=1, max_value=60))
def test_add_then_subtract_returns_to_previous_working_day(d: date, n: int) -> None:
    forward = CAL.add_working_days(d, n)
    assert CAL.add_working_days(forward, -n) == CAL.previous_working_day(d)


@given(in_range, st.integers(min_value=1, max_value=60))
def test_add_lands_on_working_day_after_start(d: date, n: int) -> None:
    result = CAL.add_working_days(d, n)
    assert result > d
    assert CAL.is_working_day(result)
    assert CAL.working_days_between(d, result) == n


@given(in_range, st.integers(min_value=-60, max_value=60), st.integers(min_value=-60, max_value=60))
def test_add_is_strictly_monotonic_in_n(d: date, n1: int, n2: int) -> None:
    if n1 < n2:
        assert CAL.add_working_days(d, n1) < CAL.add_working_days(d, n2)


@given(in_range, in_range)
def test_between_is_inverse_of_add(d1: date, d2: date) -> None:
    target = CAL.next_working_day(d2)
    assert CAL.add_working_days(d1, CAL.working_days_between(d1, target)) == target


@given(in_range, st.integers(min_value=-12, max_value=12))
def test_add_months_clamps_to_month_end(d: date, months: int) -> None:
    result = CAL.add_months(d, months)
    assert (result.year * 12 + result.month) - (d.year * 12 + d.month) == months
    month_end = stdlib_calendar.monthrange(result.year, result.month)[1]
    assert result.day == min(d.day, month_end)


@given(in_range, in_range)
def test_skipped_are_named_closed_weekdays(d1: date, d2: date) -> None:
    for d, name in CAL.skipped(d1, d2):
        assert min(d1, d2) < d <= max(d1, d2)
        assert d.weekday() < 5
        assert CAL.closure_name(d) == name


@given(
    st.one_of(
        st.dates(min_value=date(1990, 1, 1), max_value=date(2023, 12, 31)),
        st.dates(min_value=date(2031, 1, 1), max_value=date(2100, 12, 31)),
    )
)
def test_out_of_range_year_raises(d: date) -> None:
    with pytest.raises(CalendarRangeError, match=str(d.year)):
        CAL.is_working_day(d)
    with pytest.raises(CalendarRangeError):
        CAL.add_working_days(d, 1)


def test_closures_without_effect_names_each_with_why() -> None:
    office = "Office closure"
    days = {date(2026, 12, d): office for d in (26, 28, 29)} | {date(2036, 12, 29): office}
    cal = working_calendar(range(2025, 2028), days)
    assert cal.closed[date(2026, 12, 29)] == office  # the one that counts is kept
    assert closures_without_effect(days, cal) == [
        "[partnership] local_closures: 2026-12-26 (Office closure) is a Saturday, never a "
        "working day: it has no effect; check the date",
        "[partnership] local_closures: 2026-12-28 (Office closure) is already a bank holiday "
        "(Boxing Day (substitute day)): it has no effect; check the date",
        "[partnership] local_closures: 2036-12-29 (Office closure) is in 2036, outside the "
        "years working days are counted for now (2025, 2026, 2027): it has no effect; check "
        "the year",
    ]
