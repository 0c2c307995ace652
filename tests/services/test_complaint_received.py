"""`Correct Received:`: the Business Manager moves a complaint's receipt day, by email.

A complaint first sent to the council's complaints team, or forwarded days after it was
written, started its 20 working days when it reached the mailbox. Corrected, the clock is
counted again from the real day, the digest and the Board's report follow, and the
acknowledgement that gave the complainant the old dates is flagged for a person.
"""

from __future__ import annotations

from datetime import date

from tests.services.test_complaint_answered import (
    FIRST,
    SECOND,
    answer,
    clock,
    complaints_section,
    digest_text,
    two,
)
from tests.services.test_lifecycle import BM, LA, Bot, decide_rapid_review

__all__ = ["two"]  # the fixture: two complaints received on Wed 23 Dec 2026, due Mon 25 Jan

CORRECT = "Correct Received: 16/12/2026 because it went to the council's complaints team first"
# 20 working days from Wed 16 Dec 2026, skipping 25 and 28 Dec and 1 Jan: Mon 18 Jan 2027.
DUE = date(2027, 1, 18)


def test_the_clock_is_counted_again_from_the_corrected_day(two: Bot) -> None:
    text = answer(two, "2027-01-04T10:00", FIRST, CORRECT)
    assert "corrected from Wed 23 Dec 2026 to Wed 16 Dec 2026" in text
    assert "its written response is now due Mon 18 Jan 2027" in text
    row = clock(two, FIRST)
    assert (row.start, row.due) == (date(2026, 12, 16), DUE)
    assert row.explanation is not None and "16 Dec 2026" in row.explanation
    case = two.case(FIRST)
    assert case.sin_received_on == date(2026, 12, 16)
    [fixed] = [e for e in case.events if e.what == "date_corrected"]
    assert "complaints team first" in (fixed.why or "") and fixed.actor == BM
    assert clock(two, SECOND).due == date(2027, 1, 25)  # the other complaint is untouched
    section = complaints_section(digest_text(two, "2027-01-05T08:30"))
    first_line = next(line for line in section.splitlines() if FIRST in line)
    assert "18 Jan" in first_line and "25 Jan" not in first_line


def test_the_acknowledgement_that_gave_the_old_dates_is_flagged(two: Bot) -> None:
    text = answer(two, "2027-01-04T10:00", FIRST, CORRECT)
    assert "gave the old day of receipt" in text
    assert "tell the complainant when the written response is now due" in text
    flagged = [e for e in two.case(FIRST).events if e.what == "sent_notice_outdated"]
    assert len(flagged) == 1 and "acknowledgement" in flagged[0].detail.lower()
    digest = digest_text(two, "2027-01-05T08:30")
    attention = digest.split("NEEDS YOUR ATTENTION", 1)[1].split("AWAITING YOUR APPROVAL", 1)[0]
    assert FIRST in attention and "gave the old day of receipt" in attention
    assert SECOND not in attention


def test_a_reply_on_time_before_the_correction_is_late_after_it(two: Bot) -> None:
    answer(two, "2027-01-20T10:00", FIRST, "Answered: 20/01/2027")
    text = answer(two, "2027-01-21T10:00", FIRST, CORRECT)
    assert "the reply sent on Wed 20 Jan 2027 was after the day it was due (Mon 18 Jan" in text
    row = clock(two, FIRST)
    assert (row.state, row.met_on, row.due) == ("met", date(2027, 1, 20), DUE)


def test_a_corrected_day_already_past_its_20_days_says_it_is_overdue(two: Bot) -> None:
    text = answer(two, "2027-01-19T10:00", FIRST, CORRECT)
    assert "its written response was due Mon 18 Jan 2027: it is now overdue" in text


def test_impossible_days_and_other_senders_are_refused_saying_why(two: Bot) -> None:
    for body, why in [
        ("Correct Received: 24/12/2026 because typo", "after the complaint reached the mailbox"),
        ("Correct Received: 16/12/2025 because typo", "check the year"),
        ("Correct Received: 16/12/2026", "a correction needs its reason"),
    ]:
        text = answer(two, "2027-01-04T10:00", FIRST, body)
        assert "NOT CARRIED OUT" in text and why in text
    assert clock(two, FIRST).due == date(2027, 1, 25)
    text = answer(two, "2027-01-04T11:00", FIRST, CORRECT, sender=LA)
    assert "only the Business Manager may" in text and clock(two, FIRST).due == date(2027, 1, 25)


def test_on_a_review_case_after_the_rapid_review_it_is_refused_saying_why(bot: Bot) -> None:
    decide_rapid_review(bot, "2026-12-17T09:00")
    answer(bot, "2026-12-17T09:30", "TSCP-2026-0001", "Notified: 17/12/2026")
    answer(bot, "2026-12-17T09:40", "TSCP-2026-0001", "Report submitted: 17/12/2026")
    due = bot.due("screening_meeting")
    text = answer(
        bot, "2026-12-17T10:00", "TSCP-2026-0001", "Correct Received: 15/12/2026 because x"
    )
    assert "NOT CARRIED OUT" in text
    assert "the clocks counted from receipt are settled" in " ".join(text.split())
    assert bot.due("screening_meeting") == due
