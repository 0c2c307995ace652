"""Properties of booking the Screening Panel (bot.core.panel_slots) over any moment a SIN
arrives (in either clock time of the year), any slot pattern, notice and meetings already
booked: the slot chosen is the earliest one that gives the notice, on a working day the
pattern allows and free of other cases' panels, and it is said to be within the deadline
exactly when its day is."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.adapters.bank_holidays import working_calendar
from bot.core.panel_slots import SlotPolicy, candidate_slots, choose_screening_slot

LONDON = ZoneInfo("Europe/London")
CAL = working_calendar(range(2026, 2030), {date(2027, 12, d): "Office closure" for d in (29, 30)})
arrivals = st.datetimes(
    min_value=datetime(2027, 1, 1), max_value=datetime(2028, 12, 1), timezones=st.just(UTC)
)
policies = st.builds(
    SlotPolicy,
    weekdays=st.sets(st.integers(0, 4), min_size=1).map(lambda s: tuple(sorted(s))),
    times=st.sets(st.sampled_from([time(h, m) for h in range(8, 18) for m in (0, 30)]), min_size=1)
    .map(lambda s: tuple(sorted(s))),
    duration=st.integers(15, 180).map(lambda m: timedelta(minutes=m)),
    min_notice=st.integers(0, 72 * 60).map(lambda m: timedelta(minutes=m)),
)  # fmt: skip


def _every_slot(received: datetime, last: date, policy: SlotPolicy) -> list[datetime]:
    """Every start the pattern gives from the arrival's day to `last`, counted plainly."""
    day = received.astimezone(LONDON).date()
    found = []
    while day <= last:
        if day.weekday() in policy.weekdays and CAL.is_working_day(day):
            found += [datetime.combine(day, t, LONDON) for t in policy.times]
        day += timedelta(days=1)
    return sorted(found)


@given(arrivals, st.integers(0, 10), policies, st.data())
def test_the_slot_booked_is_the_earliest_free_one_that_gives_the_notice(
    received: datetime, within: int, policy: SlotPolicy, data: st.DataObject
) -> None:
    deadline = CAL.add_working_days(received.astimezone(LONDON).date(), within)
    possible = [
        s for s in _every_slot(received, deadline + timedelta(days=31), policy)
        if s >= received + policy.min_notice
    ]  # fmt: skip
    taken = (
        frozenset(data.draw(st.lists(st.sampled_from(possible), max_size=4)))
        if possible
        else frozenset()
    )
    free = [s for s in possible if s not in taken]
    slot = choose_screening_slot(
        received_at=received, deadline_day=deadline, policy=policy, calendar=CAL, tz=LONDON,
        taken=taken,
    )  # fmt: skip
    if not free:
        assert slot is None
        return
    assert slot is not None
    assert slot.start == free[0]
    assert slot.end - slot.start == policy.duration
    local = slot.start.astimezone(LONDON)
    assert local.timetz().replace(tzinfo=None) in policy.times
    assert slot.within_deadline == (local.date() <= deadline)


@given(arrivals, st.integers(0, 10), policies)
def test_the_candidates_are_the_slots_by_the_deadline_or_the_one_after_it(
    received: datetime, within: int, policy: SlotPolicy
) -> None:
    deadline = CAL.add_working_days(received.astimezone(LONDON).date(), within)
    found = candidate_slots(
        received_at=received, deadline_day=deadline, policy=policy, calendar=CAL, tz=LONDON
    )
    by_deadline = [
        s for s in _every_slot(received, deadline, policy) if s >= received + policy.min_notice
    ]
    if by_deadline:
        assert [s.start for s in found] == by_deadline
        assert all(s.within_deadline for s in found)
    else:
        chosen = choose_screening_slot(
            received_at=received, deadline_day=deadline, policy=policy, calendar=CAL, tz=LONDON
        )
        assert found == ([chosen] if chosen else [])
