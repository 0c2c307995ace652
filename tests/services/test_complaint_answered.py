"""`Answered: <date>`: the Business Manager records the reply to a complaint, by email.

Through the real ingest path, on SQLite and PostgreSQL: complaints arrive from the public, the
Business Manager emails the command, and the digest, the reminders and the Board's timeliness
report then tell the truth about the reply.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.adapters.db.models import Deadline
from bot.services.daily_digest import send_digest_if_due
from bot.services.timeliness import timeliness
from tests.fixtures.app import AppFactory
from tests.fixtures.scenarios import Scenarios
from tests.services.conftest import copied
from tests.services.test_lifecycle import BM, LA, Bot, body_of
from tests.services.test_suggested_commands import refusals

FIRST, SECOND = "TSCP-2026-0001", "TSCP-2026-0002"
CLOCK = "complaint_response"
# Both complaints arrive on Wed 23 Dec 2026: 20 working days, skipping 25 and 28 Dec and
# 1 Jan, is Mon 25 Jan 2027.
DUE = date(2027, 1, 25)


def complain(b: Bot, who: str) -> None:
    b.mail(
        who,
        "Complaint about the partnership's review decision",
        "I wish to make a formal complaint about how my concerns were handled.",
        auth=False,
    )


@pytest.fixture
def two(
    make_app: AppFactory, tmp_path: Path, migrated_database_url: str, scenarios: Scenarios
) -> Bot:
    """Two complaints from the public, received on Wednesday 23 December 2026 (replayed once
    per backend and process, and copied: tests/fixtures/scenarios.py)."""
    return copied("two", build_two, make_app, tmp_path, migrated_database_url, scenarios)


def build_two(make_app: AppFactory, tmp_path: Path) -> Bot:
    """Two complaints from the public, received on Wednesday 23 December 2026."""
    b = Bot(make_app, tmp_path, "2026-12-23T10:00")
    complain(b, "pat.public@example.org")
    b.run()
    b.at("2026-12-23T11:00")
    complain(b, "jo.public@example.org")
    b.run()
    assert [b.case(ref).kind for ref in (FIRST, SECOND)] == ["complaint", "complaint"]
    assert b.due(CLOCK, FIRST) == b.due(CLOCK, SECOND) == DUE
    return b


def answer(b: Bot, when: str, ref: str, body: str, sender: str = BM) -> str:
    """The Business Manager's email on the complaint record; the confirmation's text."""
    b.at(when).mail(sender, f"RE: [{ref}] We have received your complaint", body)
    b.run()
    return body_of(b.outbox("command_result")[-1])


def clock(b: Bot, ref: str) -> Deadline:
    return next(d for d in b.case(ref).deadlines if d.name == CLOCK)


def reminders_for(b: Bot, ref: str) -> list[str]:
    return [
        m.subject
        for m in b.outbox()
        if m.event in ("deadline_reminder", "deadline_escalation") and ref in m.subject
    ]


def digest_text(b: Bot, when: str) -> str:
    b.at(when)
    assert send_digest_if_due(b.app)
    return body_of(b.outbox("daily_digest")[-1])


def complaints_section(digest: str) -> str:
    return digest.split("COMPLAINTS", 1)[1].split("\n\n\n", 1)[0]


def test_answered_meets_the_clock_on_the_day_given_and_leaves_the_record_open(
    two: Bot,
) -> None:
    # Written on Fri 15 Jan about a reply sent the day before.
    text = answer(two, "2027-01-15T10:00", FIRST, "Answered: 14/01/2027\nStatus\n\nThanks, BM")
    d = clock(two, FIRST)
    assert (d.state, d.met_on) == ("met", date(2027, 1, 14))
    assert d.met_at is not None and d.met_at.date() == date(2027, 1, 15)
    case = two.case(FIRST)
    assert (case.stage, case.status) == ("complaint", "open")
    assert any(
        e.what == "complaint_answered" and "Thu 14 Jan 2027" in e.detail and e.actor == BM
        for e in case.events
    )
    assert "recorded as sent on Thu 14 Jan 2027" in text
    assert "within its 20 working days (due Mon 25 Jan 2027)" in text
    assert "Close: <reason>" in text
    assert clock(two, SECOND).met_at is None  # the other complaint is still to be answered
    # The case view by email, asked for in the same message, shows the reply's day.
    [view] = two.outbox("case_status")
    assert "Record: complaint from the public" in body_of(view)
    assert "Stage: complaint (open)" in body_of(view)
    # A complaint has no Screening Panel, notification or CSPR to report as "not recorded".
    assert "Screening Panel decision" not in body_of(view) and "CSPR" not in body_of(view)
    assert "met on Thu 14 Jan 2027 (was due Mon 25 Jan 2027)" in body_of(view)


def test_the_digest_stops_listing_an_answered_complaint(two: Bot) -> None:
    before = complaints_section(digest_text(two, "2027-01-14T08:30"))
    assert FIRST in before and SECOND in before
    assert "Business Manager: reply with Answered: <the date the reply was sent>" in before
    assert refusals(two, two.outbox("daily_digest")[-1]) == []  # the BM may do as it says
    answer(two, "2027-01-14T12:00", FIRST, "Answered: today")
    after = digest_text(two, "2027-01-15T08:30")
    assert FIRST not in complaints_section(after) and SECOND in complaints_section(after)
    assert "1 answered, not listed" in after


def test_reminders_stop_once_answered_and_the_report_counts_on_time_and_late(
    two: Bot,
) -> None:
    answer(two, "2027-01-15T10:00", FIRST, "Answered: 14/01/2027")
    two.at("2027-01-25T10:00").run()  # the day both replies were due
    two.at("2027-01-26T10:00").run()
    assert reminders_for(two, FIRST) == []
    chased = reminders_for(two, SECOND)
    assert chased  # the unanswered one is chased, naming the command that stops it
    reminder = two.outbox("deadline_reminder")[-1]
    assert SECOND in reminder.subject and "Answered: <the date it was sent>" in body_of(reminder)
    assert refusals(two, reminder) == []

    # The second reply went on Thu 28 Jan, three working days late, recorded on Mon 1 Feb.
    text = answer(two, "2027-02-01T09:00", SECOND, "Answered: 28 January 2027")
    assert "after the day it was due (Mon 25 Jan 2027)" in text
    for day in ("2027-02-01T12:00", "2027-02-02T10:00", "2027-02-03T10:00"):
        two.at(day).run()
    assert reminders_for(two, SECOND) == chased

    with two.app.sessions() as s:
        report = timeliness(
            s, two.app.config, date(2026, 4, 1), date(2027, 3, 31), date(2027, 2, 3)
        )
    [m] = [m for m in report.whole.measures if m.measure == CLOCK]
    assert (m.due, m.on_time) == (2, 1)
    assert [(c.ref, c.done_on, c.working_days_late) for c in m.late] == [
        (SECOND, date(2027, 1, 28), 3)
    ]
    assert m.closed_unmet == () and m.undated == ()


def test_a_closed_answered_complaint_counts_by_its_reply_not_as_closed_unmet(
    two: Bot,
) -> None:
    answer(two, "2027-01-15T10:00", FIRST, "Answered: 14/01/2027\nClose: reply sent, no appeal")
    answer(two, "2027-01-15T11:00", SECOND, "Close: complainant withdrew")
    assert two.case(FIRST).status == two.case(SECOND).status == "closed"
    with two.app.sessions() as s:
        # The day after both fell due: one met on time, one never met on a closed record.
        report = timeliness(
            s, two.app.config, date(2026, 4, 1), date(2027, 3, 31), date(2027, 1, 26)
        )
    [m] = [m for m in report.whole.measures if m.measure == CLOCK]
    assert (m.due, m.on_time, m.late, m.closed_unmet) == (1, 1, (), (SECOND,))


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ("Answered: 18/01/2027", "Mon 18 Jan 2027 is after today (Fri 15 Jan 2027)"),
        ("Answered: 22/12/2026", "Tue 22 Dec 2026 is before the complaint was received"),
        # Lines that cannot be read are answered too, even when nothing else is in the email.
        ("Answered", "give the day the reply was sent"),
        ("Answered: 31/02/2027", "31/02/2027 is not a real date"),
    ],
)
def test_a_reply_date_that_cannot_be_true_is_refused_in_one_line(
    two: Bot, body: str, why: str
) -> None:
    text = answer(two, "2027-01-15T10:00", FIRST, body)
    assert "NOT CARRIED OUT" in text and why in text
    assert clock(two, FIRST).met_at is None
    refused = [e for e in two.case(FIRST).events if e.what == "command_refused"]
    assert len(refused) == 1 and why in refused[0].detail and "\n" not in refused[0].detail


def test_only_the_business_manager_may_record_the_reply(two: Bot) -> None:
    text = answer(two, "2027-01-15T10:00", FIRST, "Answered: 14/01/2027", sender=LA)
    assert "may not give `Answered:`: only the Business Manager may" in text
    assert clock(two, FIRST).met_at is None
    [told] = two.outbox("command_rejected")
    assert told.recipients == [BM] and FIRST in told.subject


def test_answering_twice_never_moves_the_date_without_a_correction(two: Bot) -> None:
    answer(two, "2027-01-15T10:00", FIRST, "Answered: 14/01/2027")
    same = answer(two, "2027-01-18T10:00", FIRST, "Answered: 14/01/2027")
    assert "already recorded as sent on Thu 14 Jan 2027; nothing changed" in same
    for other in ("13/01/2027", "15/01/2027"):  # earlier or later: both refused
        text = answer(two, "2027-01-18T11:00", FIRST, f"Answered: {other}")
        assert "NOT CARRIED OUT" in text and "Correct Answered: <date> because <reason>" in text
        assert clock(two, FIRST).met_on == date(2027, 1, 14)

    text = answer(
        two,
        "2027-01-18T12:00",
        FIRST,
        "Correct Answered: 13/01/2027 because the letter was posted a day earlier",
    )
    assert "corrected from Thu 14 Jan 2027 to Wed 13 Jan 2027" in text
    assert clock(two, FIRST).met_on == date(2027, 1, 13)
    [fixed] = [e for e in two.case(FIRST).events if e.what == "date_corrected"]
    assert "posted a day earlier" in (fixed.why or "") and fixed.actor == BM


def test_a_correction_is_checked_like_the_first_date(two: Bot) -> None:
    answer(two, "2027-01-15T10:00", FIRST, "Answered: 14/01/2027")
    text = answer(two, "2027-01-18T10:00", FIRST, "Correct Answered: 21/12/2026 because typo")
    assert "before the complaint was received" in text
    text = answer(two, "2027-01-18T11:00", FIRST, "Correct CSPR: 14/01/2027 because typo")
    assert "this is a complaint record; only `Correct Received:` and `Correct Answered:`" in text
    assert clock(two, FIRST).met_on == date(2027, 1, 14)


def test_answered_on_a_review_case_is_refused_saying_why(bot: Bot) -> None:
    text = answer(bot, "2026-12-17T10:00", FIRST, "Answered: 17/12/2026")
    assert "not accepted at this stage (screening)" in text
    assert "complaint records only; this is a review case" in text
    text = answer(bot, "2026-12-17T11:00", FIRST, "Correct Answered: 17/12/2026 because typo")
    assert "NOT CARRIED OUT" in text


def test_answered_on_a_closed_complaint_is_refused(two: Bot) -> None:
    answer(two, "2027-01-15T10:00", FIRST, "Close: dealt with by telephone")
    text = answer(two, "2027-01-15T11:00", FIRST, "Answered: 14/01/2027")
    assert "not accepted at this stage (closed)" in text
    assert clock(two, FIRST).met_at is None
