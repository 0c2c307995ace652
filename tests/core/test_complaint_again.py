"""A fresh complaint while the sender's complaint is open: what the Business Manager is asked,
and when `triage new-case` opens nothing."""

from __future__ import annotations

from datetime import date

from bot.core.complaint_again import maybe_new_words, refusal
from bot.core.triage_new_case import AlreadyOpened, Refused


def test_the_question_names_the_would_be_due_day_its_start_and_both_commands() -> None:
    words = maybe_new_words("TSCP-2026-0001", 12, date(2026, 12, 8), date(2027, 1, 8))
    assert "may be a new complaint" in words
    assert "its written response is due Fri 8 Jan 2027" in words
    assert "20 working days from its arrival on Tue 8 Dec 2026" in words
    assert "tscp-bot triage new-case 12" in words and "tscp-bot triage done 12" in words


def test_opened_or_marked_done_it_is_not_opened_again() -> None:
    ref = "TSCP-2026-0001"
    assert refusal(12, True, ref, ref) is None
    assert refusal(12, False, "TSCP-2026-0002", ref) == AlreadyOpened(
        "message #12 already opened TSCP-2026-0002: nothing more done"
    )
    assert refusal(12, False, ref, ref) == Refused(
        f"message #12 is not on the triage list (filed on {ref}): nothing to open"
    )


def test_a_reference_no_case_has_is_said_first_with_the_open_complaint_as_its_home() -> None:
    words = maybe_new_words(
        "TSCP-2026-0001", 12, date(2026, 12, 8), date(2027, 1, 8), "TSCP-2026-0099"
    )
    assert words.startswith("message #12 refers to TSCP-2026-0099, which is not a known case")
    assert "from the complainant of TSCP-2026-0001, which is open, and is filed there" in words
    assert "its written response is due Fri 8 Jan 2027" in words
    assert "tscp-bot triage new-case 12" in words and "tscp-bot triage done 12" in words
