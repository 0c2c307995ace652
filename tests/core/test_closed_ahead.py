"""A deadline due while the council is closed is for today, the last working day before it.

Christmas 2026 in England: Fri 25 Dec and Mon 28 Dec (Boxing Day substitute) and Fri 1 Jan are
bank holidays; the partnership closes 29-31 Dec in LOCAL. Expected days worked out by hand.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.adapters.bank_holidays import working_calendar
from bot.core.closed_ahead import act_today_count, act_today_note, due_while_closed
from bot.core.deadlines import compute
from bot.core.working_days import WorkingCalendar

OFFICE = "Office closure"
CLOSED = {date(2026, 12, d): OFFICE for d in (29, 30, 31)}
LOCAL = working_calendar(range(2025, 2029), CLOSED)
PLAIN = working_calendar(range(2025, 2029))  # bank holidays only
THU, MON = date(2026, 12, 24), date(2027, 1, 4)


def d(day: int, month: int = 12, year: int = 2026) -> date:
    return date(year, month, day)


@pytest.mark.parametrize(
    ("due", "today", "spell"),
    [
        (d(29), THU, (d(25), d(3, 1, 2027))),  # the first closed day
        (d(30), THU, (d(25), d(3, 1, 2027))),
        (d(31), THU, (d(25), d(3, 1, 2027))),  # the last closed day
        (d(1, 1, 2027), THU, (d(25), d(3, 1, 2027))),  # a bank holiday inside the closure
        (d(28), THU, (d(25), d(3, 1, 2027))),  # a bank holiday before it
        (MON, THU, None),  # the next working day itself: due then, not today
        (THU, THU, None),  # due today: already "due today"
        (d(23), THU, None),  # overdue: already "overdue"
        (d(30), d(23), None),  # Thu 24 Dec is still to come: not yet
        (d(30), d(29), (d(30), d(3, 1, 2027))),  # the bot run on a closed day says so too
    ],
)
def test_due_while_the_council_is_closed(
    due: date, today: date, spell: tuple[date, date] | None
) -> None:
    found = due_while_closed(due, today, LOCAL)
    assert (None if found is None else (found.first, found.last)) == spell


def test_bank_holidays_alone_never_close_on_a_working_day_of_the_partnership() -> None:
    # Without the local closure, Tue 29 Dec is a working day: nothing due 29-31 Dec is for
    # Thu 24 Dec, and nothing due on a bank holiday is either when a working day comes first.
    assert due_while_closed(d(30), THU, PLAIN) is None
    assert due_while_closed(d(1, 1, 2027), d(31), PLAIN) is not None  # Thu 31 Dec, Fri 1 Jan
    assert due_while_closed(d(1, 1, 2027), d(30), PLAIN) is None


def test_the_words_name_the_due_date_the_closure_and_today() -> None:
    assert act_today_note(d(30), THU, LOCAL) == (
        "due Wed 30 Dec 2026, while the council is closed (Fri 25 Dec 2026 to Sun 3 Jan "
        "2027): act today"
    )
    assert act_today_note(MON, THU, LOCAL) is None


def test_a_weekend_alone_is_named_a_weekend_not_a_closure() -> None:
    friday = d(8, 1, 2027)
    spell = due_while_closed(d(9, 1, 2027), friday, LOCAL)
    assert spell is not None and spell.closed_by == "weekend"
    assert spell.words() == (
        "due Sat 9 Jan 2027, at the weekend (Sat 9 Jan 2027 to Sun 10 Jan 2027): act today"
    )
    # A bank holiday beside it (Boxing Day's substitute, Mon 28 Dec): the council is closed.
    spell = due_while_closed(d(26), THU, PLAIN)
    assert spell is not None and spell.closed_by == "council closed"


EVERY_DAY = [d(1, 1, 2026) + timedelta(days=n) for n in range(730)]


@pytest.mark.parametrize("cal", [LOCAL, PLAIN])
def test_every_national_clock_of_two_years_is_acted_on_at_the_latest_on_its_last_chance(
    cal: WorkingCalendar,
) -> None:
    """Every start of two years: on the last working day before a national clock falls due,
    it is due today or "act today"; on any earlier working day neither."""
    in_closure = 0
    for start in (s for s in EVERY_DAY if cal.is_working_day(s)):
        due = compute("panel_notification", start, cal).due
        last = cal.previous_working_day(due)
        assert (due_while_closed(due, last, cal) is not None) == (last != due)
        assert due_while_closed(due, cal.add_working_days(last, -1), cal) is None
        in_closure += last != due
    assert in_closure == (3 if cal is LOCAL else 0)  # aware Fri 18, Mon 21, Tue 22 Dec 2026


@pytest.mark.parametrize(
    ("closed_by", "said"),
    [
        ([], ""),
        (["council closed"], "1 due while closed: act today"),
        (["weekend"], "1 due at the weekend: act today"),
        (["weekend", "weekend"], "2 due at the weekend: act today"),
        (
            ["weekend", "council closed", "council closed"],
            "2 due while closed, 1 at the weekend: act today",
        ),
    ],
)
def test_the_subject_counts_a_weekend_as_the_lines_word_it(closed_by: list[str], said: str) -> None:
    assert act_today_count(closed_by) == said
