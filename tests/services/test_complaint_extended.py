"""`Complaint extended:`: a later reply day agreed with the complainant, by email.

Through the real ingest path, on SQLite and PostgreSQL: two complaints arrive on Wed 23 Dec
2026 (due Mon 25 Jan 2027), the Business Manager records a later day agreed for one, and the
reply, the digest, the reminders, the case view and the Board's timeliness report then keep the
first day beside the agreed one.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.services.timeliness import timeliness
from tests.fixtures.app import AppFactory
from tests.services.test_complaint_answered import (
    CLOCK,
    DUE,
    FIRST,
    SECOND,
    answer,
    clock,
    complain,
    complaints_section,
    digest_text,
    two,
)
from tests.services.test_lifecycle import LA, Bot, body_of
from tests.services.test_recount import CLOSED, _partnership, _with

__all__ = ["two"]  # the fixture, shared with the Answered: tests
AGREED = date(2027, 2, 8)
LINE = "Complaint extended: 08/02/2027 agreed with the complainant on 18/01/2027"
SHOWN = (
    "due Mon 25 Jan 2027; extended to Mon 8 Feb 2027, agreed with the complainant on "
    "Mon 18 Jan 2027"
)


def test_the_reply_names_both_days_and_the_clock_keeps_its_first(two: Bot) -> None:
    text = answer(two, "2027-01-19T10:00", FIRST, f"{LINE}\nStatus")
    assert (
        "the reply to the complaint was due Mon 25 Jan 2027; now extended to Mon 8 Feb 2027, "
        "agreed with the complainant on Mon 18 Jan 2027" in text
    )
    assert "the timeliness report still counts it against Mon 25 Jan 2027" in text
    d = clock(two, FIRST)
    assert (d.due, d.first_due, d.met_at) == (AGREED, DUE, None)
    assert clock(two, SECOND).first_due is None and clock(two, SECOND).due == DUE
    [event] = [e for e in two.case(FIRST).events if e.what == "deadline_extended"]
    assert SHOWN.split("due ", 1)[1] in event.detail and "Complaint extended:" in event.why
    # The case view asked for in the same email: the agreed day, and the rule's beside it.
    view = body_of(two.outbox("case_status")[-1])
    assert "Agreed extension: extended to Mon 8 Feb 2027" in view
    assert "The rule's day, Mon 25 Jan 2027, still stands" in view


def test_the_digest_and_the_chase_follow_the_agreed_day_showing_the_first(two: Bot) -> None:
    answer(two, "2027-01-19T10:00", FIRST, LINE)
    two.at("2027-01-26T10:00").run()  # the day after the first due day: the tick runs
    assert clock(two, FIRST).state == "open"
    assert clock(two, SECOND).state == "overdue"
    section = complaints_section(digest_text(two, "2027-01-27T08:30"))
    first_row, second_row = (
        next(line for line in section.splitlines() if ref in line) for ref in (FIRST, SECOND)
    )
    assert "Mon 8 Feb 2027" in first_row and "OVERDUE" not in first_row
    assert f"({SHOWN})" in section
    assert "OVERDUE" in second_row
    # Past the agreed day the complaint is overdue again, and the digest says so.
    two.at("2027-02-09T10:00").run()
    assert clock(two, FIRST).state == "overdue"
    late = complaints_section(digest_text(two, "2027-02-10T08:30"))
    assert "OVERDUE" in next(line for line in late.splitlines() if FIRST in line)


def test_the_report_counts_the_first_day_and_says_whether_the_agreed_one_was_met(
    two: Bot,
) -> None:
    answer(two, "2027-01-19T10:00", FIRST, LINE)
    answer(two, "2027-02-02T10:00", FIRST, "Answered: 01/02/2027")  # late by the 20 days
    with two.app.sessions() as s:
        report = timeliness(
            s, two.app.config, date(2026, 4, 1), date(2027, 3, 31), date(2027, 2, 3)
        )
    [m] = [m for m in report.whole.measures if m.measure == CLOCK]
    assert (m.due, m.on_time) == (2, 0)
    assert (FIRST, DUE, date(2027, 2, 1)) in [(c.ref, c.due, c.done_on) for c in m.late]
    assert (m.extended, m.agreed_met) == (1, 1)


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (
            "Complaint extended: 22/01/2027 agreed with the complainant on 18/01/2027",
            "the new date Fri 22 Jan 2027 is not after the day the reply to the complaint is "
            "due now (Mon 25 Jan 2027)",
        ),
        (
            "Complaint extended: 08/02/2027 agreed with the complainant on 20/01/2027",
            "it was agreed on Wed 20 Jan 2027, after today (Tue 19 Jan 2027)",
        ),
        (
            "Complaint extended: 08/02/2027 agreed with Mrs Invented on 18/01/2027",
            "name who agreed it by role (the complainant or the complainant's representative)",
        ),
        ("Complaint extended: 08/02/2027", "give the new date, with whom and when it was agreed"),
    ],
)
def test_an_extension_that_cannot_stand_is_refused_and_the_clock_kept(
    two: Bot, body: str, why: str
) -> None:
    text = answer(two, "2027-01-19T10:00", FIRST, body)
    assert "NOT CARRIED OUT" in text and why in text
    assert (clock(two, FIRST).due, clock(two, FIRST).first_due) == (DUE, None)


def test_a_passed_day_is_refused_and_a_closed_day_kept_with_a_warning(two: Bot) -> None:
    text = answer(
        two,
        "2027-02-02T10:00",
        FIRST,
        "Complaint extended: 01/02/2027 agreed with the complainant on 18/01/2027",
    )
    assert "the new date Mon 1 Feb 2027 has already passed" in text
    text = answer(
        two,
        "2027-02-02T11:00",
        FIRST,
        "Complaint extended: 06/02/2027 agreed with the complainant on 02/02/2027",
    )
    assert "PLEASE CHECK: Sat 6 Feb 2027" in text and "kept as agreed" in text
    assert clock(two, FIRST).due == date(2027, 2, 6)


def test_only_the_business_manager_may_extend_and_never_after_the_reply(two: Bot) -> None:
    text = answer(two, "2027-01-19T10:00", FIRST, LINE, sender=LA)
    assert "only the Business Manager may" in text
    answer(two, "2027-01-19T11:00", FIRST, "Answered: 18/01/2027")
    text = answer(two, "2027-01-19T12:00", FIRST, LINE)
    assert "already recorded as done on Mon 18 Jan 2027; there is nothing to extend" in text
    assert clock(two, FIRST).due == DUE


def test_a_calendar_change_recounts_the_first_day_and_keeps_the_agreed_one(
    make_app: AppFactory, tmp_path: Path
) -> None:
    # The council's 29-31 Dec closure first counted: the 20 working days end Thu 28 Jan.
    b = Bot(make_app, tmp_path, "2026-12-23T10:00", partnership=_partnership(**CLOSED))
    complain(b, "pat.public@example.org")
    b.run()
    assert clock(b, FIRST).due == date(2027, 1, 28)
    answer(b, "2027-01-05T10:00", FIRST, LINE.replace("18/01/2027", "04/01/2027"))
    _with(b, _partnership())  # the office opened after all
    b.at("2027-01-06T10:00").run()
    d = clock(b, FIRST)
    assert (d.due, d.first_due) == (AGREED, DUE)  # the agreement stands; its first day moved
    assert "The rule's day, Mon 25 Jan 2027, still stands" in d.explanation


def test_a_corrected_receipt_moves_the_first_day_and_keeps_the_agreed_one(two: Bot) -> None:
    answer(two, "2027-01-19T10:00", FIRST, LINE)
    answer(
        two,
        "2027-01-19T11:00",
        FIRST,
        "Correct Received: 21/12/2026 because it was first sent to the council",
    )
    d = clock(two, FIRST)
    assert d.due == AGREED and d.first_due is not None and d.first_due < DUE
    assert d.explanation.count("Agreed extension: extended to Mon 8 Feb 2027") == 1
