"""Deadlines counted again on a changed working calendar: which move earlier, which are kept,
and what the Business Manager is told of each. Dates worked out by hand from a printed
calendar (2026: Christmas Fri 25, Boxing Day's substitute Mon 28 Dec; 2027: Early May bank
holiday Mon 3 May)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.adapters.bank_holidays import england_and_wales, working_calendar
from bot.core import deadlines as dl
from bot.core.recount import (
    ClosedDays,
    StoredDeadline,
    by_case,
    kept_earlier,
    recount,
    skipped_in,
)
from bot.core.shared_calendar import Counter, defers, instances_differ
from bot.core.working_days import WorkingCalendar, build_calendar

YEARS = range(2025, 2029)
OFFICE = "Council office closure"
SHUTDOWN = {date(2026, 12, d): OFFICE for d in (29, 30, 31)}
PLAIN = working_calendar(YEARS)
CLOSED = working_calendar(YEARS, SHUTDOWN)
REF = "TSCP-2026-0001"


def _stored(d: dl.Deadline, ref: str = REF) -> StoredDeadline:
    return StoredDeadline(ref, d.name, d.start, d.due, d.explain(), d.assumption)


def test_a_closure_taken_out_moves_the_screening_panel_earlier_and_says_which_days() -> None:
    was = dl.screening_meeting(date(2026, 12, 24), CLOSED)
    assert was.due == date(2027, 1, 5)
    found = recount(_stored(was), PLAIN)
    assert found is not None and found.earlier
    assert found.due == date(2026, 12, 30)
    assert found.explanation == dl.screening_meeting(date(2026, 12, 24), PLAIN).explain()
    assert found.opened == tuple(sorted(SHUTDOWN.items()))
    assert found.sentence() == (
        "screening_meeting moved earlier, from Tue 5 Jan 2027 to Wed 30 Dec 2026: "
        f"Tue 29 Dec 2026 ({OFFICE}), Wed 30 Dec 2026 ({OFFICE}) and Thu 31 Dec 2026 "
        f"({OFFICE}) are no longer closed"
    )


def test_a_closure_added_is_kept_at_the_earlier_day_naming_only_days_it_passed_over() -> None:
    was = dl.complaint_response(date(2026, 12, 1), PLAIN)
    assert was.due == date(2026, 12, 31)
    found = recount(_stored(was), CLOSED)
    assert found is not None and not found.earlier
    assert found.due == date(2027, 1, 6)
    # Thu 31 Dec was the stored due day itself, passed over now; New Year's Day is past it.
    assert found.closed == tuple(sorted(SHUTDOWN.items()))
    assert "kept at Thu 31 Dec 2026, though counted again it would be Wed 6 Jan 2027" in (
        found.sentence()
    )
    assert "never moves a date later" in found.sentence()


def test_the_national_panel_s_clock_never_counted_the_closure_so_is_unchanged() -> None:
    was = dl.panel_notification(CLOSED, sin_received=date(2026, 12, 24), la_aware=None)
    assert recount(_stored(was), PLAIN) is None


def test_a_bank_holiday_dropped_from_the_table_moves_a_national_clock_earlier() -> None:
    table = dict(england_and_wales(YEARS))
    old = build_calendar(YEARS, {**table, date(2027, 5, 4): "Invented bank holiday"})
    now = build_calendar(YEARS, table)
    was = dl.panel_notification(old, sin_received=date(2027, 4, 30), la_aware=date(2027, 4, 30))
    assert was.due == date(2027, 5, 11)
    found = recount(_stored(was), now)
    assert found is not None and found.due == date(2027, 5, 10)
    assert found.opened == ((date(2027, 5, 4), "Invented bank holiday"),)


def test_the_start_chosen_and_the_words_about_it_are_kept() -> None:
    basis = "The form's awareness date was set aside: it is after the SIN arrived."
    was = dl.compute(
        "screening_meeting",
        date(2026, 12, 24),
        CLOSED,
        assumption="the mailbox gave no arrival time",
        basis=basis,
    )
    found = recount(_stored(was), PLAIN)
    assert found is not None
    first, assumption, kept = found.explanation.split("\n")
    assert "SIN form received (assumed) on Thu 24 Dec 2026" in first
    assert (assumption, kept) == ("Assumption: the mailbox gave no arrival time", basis)


def test_a_month_clock_rolled_back_over_a_closure_is_kept_when_it_goes() -> None:
    # 6 months after Mon 29 Jun 2026 is Tue 29 Dec, closed: rolled back to Thu 24 Dec.
    was = dl.cspr_report(date(2026, 6, 29), CLOSED)
    assert was.due == date(2026, 12, 24)
    found = recount(_stored(was), PLAIN)
    assert found is not None and not found.earlier and found.due == date(2026, 12, 29)
    # The other way, a closure added over the day it rolled to moves it earlier.
    back = recount(_stored(dl.cspr_report(date(2026, 6, 29), PLAIN)), CLOSED)
    assert back is not None and back.earlier and back.due == date(2026, 12, 24)


def test_a_month_clock_moved_earlier_names_only_the_days_whose_closing_changed() -> None:
    # 6 months after Tue 30 Jun 2026 is Wed 30 Dec; closures 29-31 Dec added roll it back to
    # Thu 24 Dec, over Christmas Day and Boxing Day's substitute, which were always closed.
    was = dl.cspr_report(date(2026, 6, 30), PLAIN)
    assert was.due == date(2026, 12, 30)
    changed = _days(PLAIN).changed_days(_days(CLOSED))
    found = recount(_stored(was), CLOSED, changed)
    assert found is not None and found.due == date(2026, 12, 24)
    assert found.sentence() == (
        "cspr_report moved earlier, from Wed 30 Dec 2026 to Thu 24 Dec 2026: "
        f"Tue 29 Dec 2026 ({OFFICE}) and Wed 30 Dec 2026 ({OFFICE}) are now closed"
    )
    # Not knowing the calendar counted on, only the days the stored count passed are named.
    blind = recount(_stored(was), CLOSED)
    assert blind is not None and blind.closed == ((date(2026, 12, 30), OFFICE),)


def test_a_recounted_national_clock_names_the_closure_days_it_counts_now() -> None:
    # Tue 4 May 2027 was an invented bank holiday and also a closure day: the National Panel
    # skipped it. Dropped from the table, it is the partnership's alone, and counted.
    table = dict(england_and_wales(YEARS))
    closure = {date(2027, 5, 4): OFFICE}
    old = build_calendar(YEARS, {**table, date(2027, 5, 4): "Invented bank holiday"}, closure)
    now = build_calendar(YEARS, table, closure)
    was = dl.panel_notification(old, sin_received=date(2027, 4, 30), la_aware=date(2027, 4, 30))
    assert "Counted as working days" not in was.explain()
    found = recount(_stored(was), now, _days(old).changed_days(_days(now)))
    assert found is not None and found.due == date(2027, 5, 10)
    fresh = dl.panel_notification(now, sin_received=date(2027, 4, 30), la_aware=date(2027, 4, 30))
    assert found.explanation == fresh.explain()
    assert found.explanation.split("\n")[1] == (
        f"Counted as working days, as the National Panel counts them: Tue 4 May 2027 ({OFFICE})."
    )


@pytest.mark.parametrize(
    "deadline",
    [
        dl.appendix_b("gmp", date(2026, 12, 24), date(2027, 1, 5), CLOSED),
        dl.compute("action:1", date(2026, 12, 24), CLOSED, due=date(2026, 12, 29)),
    ],
)
def test_a_date_a_person_set_is_never_counted_again(deadline: dl.Deadline) -> None:
    assert recount(_stored(deadline), PLAIN) is None


def test_a_deadline_the_calendar_cannot_count_is_left_alone() -> None:
    old = working_calendar(range(2020, 2024))
    was = dl.screening_meeting(date(2021, 12, 23), old)
    assert recount(StoredDeadline(REF, was.name, was.start, date(2022, 1, 10), "x"), PLAIN) is None


def test_an_explanation_in_another_form_gives_a_general_reason() -> None:
    was = dl.screening_meeting(date(2026, 12, 24), CLOSED)
    found = recount(StoredDeadline(REF, was.name, was.start, was.due, "counted by hand"), PLAIN)
    assert found is not None and found.explanation.startswith("Due Wed 30 Dec 2026")
    assert "the working calendar's closed days are not those it was counted on" in (
        found.sentence()
    )


def test_skipped_days_are_read_back_with_names_holding_commas_and_slashes() -> None:
    line = (
        "Due Tue 5 Jan 2027: 2 working days after SIN form received on Thu 24 Dec 2026 (x). "
        "Skipped: Fri 25 Dec 2026 Christmas Day / Office closure, Tue 29 Dec 2026 Closed, "
        "staff day, and weekends."
    )
    assert skipped_in(line) == {
        date(2026, 12, 25): "Christmas Day / Office closure",
        date(2026, 12, 29): "Closed, staff day",
    }
    assert skipped_in("Due Wed 30 Dec 2026: counted. Skipped: Tue 29 Dec 2026 Closed.") == {
        date(2026, 12, 29): "Closed"
    }
    assert skipped_in("Due Wed 30 Dec 2026: no days skipped.") == {}


def test_one_line_per_case_with_its_earlier_dates_first() -> None:
    moved = recount(_stored(dl.screening_meeting(date(2026, 12, 24), CLOSED)), PLAIN)
    kept = recount(_stored(dl.cspr_report(date(2026, 6, 29), CLOSED)), PLAIN)
    other = recount(_stored(dl.screening_meeting(date(2026, 12, 24), CLOSED), "B"), PLAIN)
    assert moved and kept and other
    assert by_case([kept, other, moved]) == {"B": [other], REF: [moved, kept]}


def _days(calendar: WorkingCalendar) -> ClosedDays:
    return ClosedDays.of(calendar)


def test_the_calendar_differs_only_when_a_day_counted_on_changes() -> None:
    assert not _days(CLOSED).differs(_days(working_calendar(YEARS, SHUTDOWN)))
    # A new year's window: the years both cover are the same, so nothing to count again.
    assert not _days(CLOSED).differs(_days(working_calendar(range(2026, 2030), SHUTDOWN)))
    assert _days(CLOSED).differs(_days(PLAIN))
    assert _days(CLOSED).changes(_days(PLAIN)) == (sorted(SHUTDOWN.items()), [])
    assert _days(PLAIN).changes(_days(CLOSED)) == ([], sorted(SHUTDOWN.items()))
    assert _days(CLOSED).differs(_days(working_calendar(range(2031, 2033))))


def test_a_closure_that_became_a_bank_holiday_differs_for_the_national_clocks() -> None:
    table = dict(england_and_wales(YEARS))
    local = build_calendar(YEARS, table, {date(2027, 5, 4): OFFICE})
    national = build_calendar(YEARS, {**table, date(2027, 5, 4): OFFICE})
    assert _days(local).changes(_days(national)) == ([], [])
    assert _days(local).differs(_days(national))


def test_a_re_timing_from_the_same_or_an_earlier_start_never_stores_a_later_day() -> None:
    stored = _stored(dl.complaint_response(date(2026, 12, 1), PLAIN))
    for start in (date(2026, 12, 1), date(2026, 11, 30)):
        kept = kept_earlier(stored, dl.complaint_response(start, CLOSED))
        assert kept is not None and kept.due == dl.complaint_response(start, CLOSED).due
        assert kept.explanation.startswith("Due Thu 31 Dec 2026: kept at this earlier day")
        assert kept.told_as() in kept.sentence() and "now closed" in kept.sentence()
    # A start moved later is a command's, which says why itself; an earlier day is stored.
    assert kept_earlier(stored, dl.complaint_response(date(2026, 12, 2), CLOSED)) is None
    assert kept_earlier(stored, dl.complaint_response(date(2026, 11, 30), PLAIN)) is None
    # A day a person set is theirs to move.
    given = _stored(dl.compute("action:1", date(2026, 12, 1), PLAIN, due=date(2026, 12, 4)))
    later = dl.compute("action:1", date(2026, 12, 1), PLAIN, due=date(2026, 12, 11))
    assert kept_earlier(given, later) is None


def test_instances_with_other_bank_holiday_tables_are_told_to_match_the_package() -> None:
    table = dict(england_and_wales(YEARS))
    newer = build_calendar(YEARS, {**table, date(2027, 5, 4): "Invented bank holiday"})
    me, other = Counter("host-b", "/etc/b.toml"), Counter("host-a", "/etc/a.toml")
    line = instances_differ(me, other, _days(PLAIN), _days(newer))
    assert "Tue 4 May 2027 Invented bank holiday closed there, not here" in line
    assert "install the same holidays package version on host-b and host-a" in line
    now = datetime(2027, 1, 4, tzinfo=UTC)
    assert defers(me, other, now - timedelta(days=6), now)
    assert not defers(me, other, now - timedelta(days=7), now)
    assert not defers(me, me, now, now)
    assert not defers(me, Counter("", ""), now, now)  # counted before counters were kept


def test_a_bank_holiday_renamed_is_the_same_calendar_but_one_moved_is_not() -> None:
    table = dict(england_and_wales(YEARS))
    renamed = build_calendar(YEARS, {**table, date(2027, 5, 3): "Early May (renamed)"})
    moved = {d: n for d, n in table.items() if d != date(2027, 5, 3)}
    moved[date(2027, 5, 7)] = "Early May bank holiday"
    assert not _days(PLAIN).differs(_days(renamed))
    assert _days(PLAIN).differs(_days(build_calendar(YEARS, moved)))


# --- properties -------------------------------------------------------------------------

_NAME = (
    st.text(
        alphabet=st.sampled_from(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,./()-'&"
        ),
        min_size=1,
        max_size=30,
    )
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)
_WEEKDAYS_2026 = [
    date(2026, 11, 2) + timedelta(days=n)
    for n in range(120)
    if (date(2026, 11, 2) + timedelta(days=n)).weekday() < 5
]
closures = st.dictionaries(st.sampled_from(_WEEKDAYS_2026), _NAME, max_size=8)
starts = st.dates(min_value=date(2026, 11, 2), max_value=date(2027, 1, 29))
counted_rules = ["screening_meeting", "panel_notification", "rapid_review", "complaint_response"]


@given(starts, st.sampled_from(counted_rules), closures)
def test_the_days_an_explanation_skipped_are_read_back_whatever_they_are_called(
    start: date, name: str, closed: dict[date, str]
) -> None:
    """A later recount reads the stored explanation back: every closure it names, however the
    configuration words it (commas, full stops, slashes), is the day and name it skipped."""
    deadline = dl.compute(name, start, working_calendar(YEARS, closed))
    first = deadline.explain().partition("\n")[0]
    assert skipped_in(first) == dict(deadline.skipped)


@given(starts, st.sampled_from(counted_rules), closures, closures)
def test_a_recount_gives_the_rules_day_and_says_whether_it_stands(
    start: date, name: str, before: dict[date, str], after: dict[date, str]
) -> None:
    stored = _stored(dl.compute(name, start, working_calendar(YEARS, before)))
    fresh = dl.compute(name, start, working_calendar(YEARS, after))
    found = recount(stored, working_calendar(YEARS, after))
    if fresh.due == stored.due:
        assert found is None
        return
    assert found is not None and found.due == fresh.due
    assert found.earlier is (fresh.due < stored.due)
    said = found.sentence()
    assert said.startswith(f"{name} moved earlier" if found.earlier else f"{name} kept at")
