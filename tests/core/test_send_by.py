"""The day a CSPR report must reach the National Panel, the Secretary of State and Ofsted to be
published by its 6-month date, and when the digest and the reminders chase it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.bank_holidays import working_calendar
from bot.core import deadlines
from bot.core.reminders import ReminderPolicy
from bot.core.send_by import (
    CsprFacts,
    cspr_send_by,
    delayed_since,
    explanation,
    reminder_steps,
    send_by_line,
)
from bot.core.working_days import WorkingCalendar

CAL = working_calendar(range(2026, 2030))
# The council closed between Christmas and New Year, as bot.core.publication's tests have it.
CLOSED = working_calendar(
    range(2026, 2030), {date(2026, 12, d): "Council closure" for d in (29, 30, 31)}
)


@pytest.mark.parametrize(
    ("decided", "due", "send_by"),
    [
        # A plain month: 7 working days before Thu 15 Jul 2027.
        (date(2027, 1, 15), date(2027, 7, 15), date(2027, 7, 6)),
        # Month ends: 31 August has no 31 February; a leap year's 29 February.
        (date(2026, 8, 31), date(2027, 2, 26), date(2027, 2, 17)),
        (date(2027, 8, 31), date(2028, 2, 29), date(2028, 2, 18)),
        # Bank holidays are not counted: the early May one, and Christmas with its substitutes.
        (date(2026, 11, 4), date(2027, 5, 4), date(2027, 4, 22)),
        (date(2027, 6, 30), date(2027, 12, 30), date(2027, 12, 17)),
    ],
)
def test_the_send_by_day_is_seven_working_days_before_the_report_is_due(
    decided: date, due: date, send_by: date
) -> None:
    assert deadlines.cspr_report(decided, CAL).due == due
    assert cspr_send_by(due, decided, CAL) == send_by


def test_a_send_by_day_in_a_closure_is_the_last_working_day_before_it_never_later() -> None:
    # The bodies count Wed 30 Dec 2026, a closure day; nobody is in to send it then.
    assert cspr_send_by(date(2027, 1, 11), date(2026, 12, 1), CLOSED) == date(2026, 12, 24)
    assert cspr_send_by(date(2027, 1, 11), date(2026, 12, 1), CAL) == date(2026, 12, 30)


FACTS = CsprFacts("TSCP-2027-0004", decided_on=date(2027, 1, 15), report_due=date(2027, 7, 15))


def detail(today: date, facts: CsprFacts = FACTS, cal: WorkingCalendar = CAL) -> str | None:
    line = send_by_line(facts, today, cal, ahead=5)
    return None if line is None else line.detail


def test_the_digest_line_shows_from_five_working_days_before_the_send_by_day() -> None:
    # Send by Tue 6 Jul 2027: five working days before is Tue 29 Jun.
    assert detail(date(2027, 6, 28)) is None
    said = detail(date(2027, 6, 29))
    assert said == (
        "CSPR report for TSCP-2027-0004: send it to the National Panel, the Secretary of State "
        "and Ofsted by Tue 6 Jul 2027 to publish by the due day, Thu 15 Jul 2027 (the report "
        "is due 6 months from the CSPR decision on Fri 15 Jan 2027, and must reach them 7 "
        "working days before it is published). Then reply Report sent: <date> and "
        "Publication: <date>; if it cannot be published by then, reply Publication delayed: "
        "<reason>."
    )
    assert detail(date(2027, 7, 6)) == said


def test_a_send_by_day_gone_by_says_so_until_the_report_is_due() -> None:
    said = detail(date(2027, 7, 7))
    assert said is not None
    assert "was Tue 6 Jul 2027 and has passed" in said
    assert "Publication: <date> late notice" in said
    assert detail(date(2027, 7, 15)) is not None
    assert detail(date(2027, 7, 16)) is None  # the overdue report is listed in its own right


@pytest.mark.parametrize(
    "done",
    [
        replace(FACTS, publication_planned=True),
        replace(FACTS, report_sent=True),
        replace(FACTS, published=True),
        replace(FACTS, publication_delayed=True),
    ],
)
def test_the_line_stops_once_publication_is_in_hand(done: CsprFacts) -> None:
    assert detail(date(2027, 7, 1)) is not None
    assert detail(date(2027, 7, 1), done) is None


def test_the_digest_window_counts_the_partnership_working_days_around_a_closure() -> None:
    facts = CsprFacts("TSCP-2026-0009", date(2026, 7, 11), report_due=date(2027, 1, 11))
    # Send by Thu 24 Dec 2026: five partnership working days before is Thu 17 Dec.
    assert detail(date(2026, 12, 16), facts, CLOSED) is None
    said = detail(date(2026, 12, 17), facts, CLOSED)
    assert said is not None and "by Thu 24 Dec 2026 to publish" in said


def test_reminders_go_on_the_usual_days_before_the_send_by_day_and_on_it_only() -> None:
    steps = reminder_steps(date(2027, 7, 15), date(2027, 1, 15), CAL, ReminderPolicy())
    assert [(s.key, s.day) for s in steps] == [
        ("before-1", date(2027, 7, 5)),
        ("due", date(2027, 7, 6)),
    ]
    three = reminder_steps(date(2027, 5, 4), date(2027, 1, 1), CAL, ReminderPolicy(days_before=3))
    # Send by Thu 22 Apr 2027.
    assert [s.day for s in three] == [
        date(2027, 4, 19),
        date(2027, 4, 20),
        date(2027, 4, 21),
        date(2027, 4, 22),
    ]


@pytest.mark.parametrize(
    ("decided", "cal", "why"),
    [
        (date(2027, 1, 18), CAL, "brought forward from Sun 18 Jul 2027, a Sunday"),
        (date(2026, 6, 25), CAL, "brought forward from Fri 25 Dec 2026, Christmas Day"),
        (date(2026, 6, 30), CLOSED, "brought forward from Wed 30 Dec 2026, Council closure"),
    ],
)
def test_a_due_day_brought_forward_is_said_so_with_the_day_the_months_ended(
    decided: date, cal: WorkingCalendar, why: str
) -> None:
    """ "6 months from the CSPR decision" alone is untrue of a due day before the 6 months end:
    the lines say it as the CSPR decision email does (bot.core.months_words)."""
    due = deadlines.cspr_report(decided, cal).due
    facts = CsprFacts("TSCP-2027-0004", decided_on=decided, report_due=due)
    counted = f"6 months from the CSPR decision on {deadlines.fmt_date(decided)}, {why}"
    by = cspr_send_by(due, decided, cal)
    line = send_by_line(facts, by, cal, ahead=5)
    assert line is not None
    assert f"(the report is due {counted}, and must reach them 7 working days" in line.detail
    said = explanation(facts, by, cal)
    assert said.startswith(f"The CSPR report is due by {deadlines.fmt_date(due)}, {counted}. ")


LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("told_at", "since"),
    [
        # 00:30 on Mon 14 Jun 2027 in London is 23:30 on Sun 13 Jun by UTC: since the decision.
        (datetime(2027, 6, 13, 23, 30, tzinfo=UTC), True),
        (datetime(2027, 6, 13, 22, 59, tzinfo=UTC), False),  # 23:59 on Sun 13 Jun in London
        (datetime(2027, 6, 14, 9, 0, tzinfo=UTC), True),
    ],
)
def test_a_delay_is_since_the_decision_by_its_london_day(told_at: datetime, since: bool) -> None:
    assert delayed_since(date(2027, 6, 14), [told_at], LONDON) is since
