"""Choosing the Screening Panel slot from the partners' free/busy (Graph calendar): the
candidate slots up to the deadline, and the sentence the chronology keeps."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.adapters.bank_holidays import working_calendar
from bot.core.panel_slots import Slot, SlotPolicy, candidate_slots, choose_by_availability

LONDON = ZoneInfo("Europe/London")
CAL = working_calendar(range(2025, 2029))
LA, POLICE, HEALTH = (
    "the local authority representative",
    "the police representative",
    "the health representative",
)
BM = "the Business Manager"
MEMBERS = [LA, POLICE, HEALTH]
POLICY = SlotPolicy(
    weekdays=(0, 1, 2, 3, 4),
    times=(time(10, 0), time(14, 0)),
    duration=timedelta(minutes=60),
    min_notice=timedelta(minutes=120),
)


def at(day: int, hour: int, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=LONDON)


def candidates(deadline: date = date(2026, 12, 29)) -> list[Slot]:
    return candidate_slots(
        received_at=at(23, 9), deadline_day=deadline, policy=POLICY, calendar=CAL, tz=LONDON
    )


def test_candidates_are_every_slot_up_to_the_deadline_over_christmas() -> None:
    # Fri 25 Dec and Mon 28 Dec are bank holidays; 10:00 Wed 23 is too soon.
    starts = [s.start for s in candidates()]
    assert starts == [at(23, 14), at(24, 10), at(24, 14), at(29, 10), at(29, 14)]


def test_the_police_representative_busy_at_the_earlier_slots_moves_the_panel() -> None:
    busy = {POLICE: [(at(23, 13), at(24, 12))]}
    choice = choose_by_availability(candidates(), busy, MEMBERS, LONDON)
    assert choice is not None and choice.slot.start == at(24, 14)
    assert choice.why == "14:00 Thu 24 Dec: the police representative is busy at the earlier slots"


def test_all_free_books_the_earliest() -> None:
    choice = choose_by_availability(candidates(), {}, MEMBERS, LONDON)
    assert choice is not None and choice.slot.start == at(23, 14)
    assert choice.why == "14:00 Wed 23 Dec: the earliest slot, and every representative is free"


def test_no_slot_suits_all_three_the_most_free_wins() -> None:
    everything = [(at(23, 0), at(30, 0))]
    busy = {HEALTH: everything, POLICE: [(at(23, 13), at(24, 12))]}
    choice = choose_by_availability(candidates(), busy, MEMBERS, LONDON)
    assert choice is not None and choice.slot.start == at(24, 14)
    assert choice.why == (
        "14:00 Thu 24 Dec: no slot before the deadline suits all 3 representatives; "
        "the health representative is busy then, the fewest of any slot"
    )


def test_everyone_busy_everywhere_books_the_earliest() -> None:
    everything = [(at(23, 0), at(30, 0))]
    choice = choose_by_availability(candidates(), {m: everything for m in MEMBERS}, MEMBERS, LONDON)
    assert choice is not None and choice.slot.start == at(23, 14)


def test_the_business_manager_never_moves_the_panel_but_is_named() -> None:
    choice = choose_by_availability(candidates(), {BM: [(at(23, 13), at(23, 15))]}, MEMBERS, LONDON)
    assert choice is not None and choice.slot.start == at(23, 14)
    assert choice.why.endswith("(the Business Manager is busy then too)")


def test_a_slot_after_the_deadline_is_said_so() -> None:
    # Deadline Wed 23 Dec itself but only Mondays: nothing before it; the next Monday after.
    late = candidate_slots(
        received_at=at(23, 9),
        deadline_day=date(2026, 12, 23),
        policy=SlotPolicy((0,), POLICY.times, POLICY.duration, POLICY.min_notice),
        calendar=CAL,
        tz=LONDON,
    )
    assert [s.within_deadline for s in late] == [False]
    choice = choose_by_availability(late, {}, MEMBERS, LONDON)
    assert choice is not None and choice.why.startswith(
        "10:00 Mon 4 Jan: no configured slot before the deadline; "
    )
