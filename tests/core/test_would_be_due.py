"""A triage line's would-be due day counted again with the calendar in use when it is shown
(bot.core.would_be_due): the words complaint_again writes are the words it reads back."""

from __future__ import annotations

from datetime import date

from bot.adapters.bank_holidays import working_calendar
from bot.core.complaint_again import maybe_new_words, not_held_words
from bot.core.plan_effects import TriageComplaintNotHeld
from bot.core.would_be_due import recounted

ARRIVED = date(2026, 12, 8)
WAS = date(2027, 1, 8)  # as counted with bank holidays only
CLOSED = working_calendar(range(2025, 2029), {date(2026, 12, 29): "Council office closure"})


def test_each_line_gives_the_day_counted_with_the_calendar_it_is_shown_with() -> None:
    lines = [
        maybe_new_words("TSCP-2026-0001", 2, ARRIVED, WAS),
        maybe_new_words("TSCP-2026-0001", 2, ARRIVED, WAS, "TSCP-2026-0099"),
        not_held_words(TriageComplaintNotHeld("TSCP-2026-0099"), 3, ARRIVED, None, WAS),
        not_held_words(TriageComplaintNotHeld("TSCP-2026-0099", True), 3, ARRIVED, None, WAS),
    ]
    for line in lines:
        shown = recounted(line, CLOSED)
        assert shown == line.replace("Fri 8 Jan 2027", "Mon 11 Jan 2027"), line


def test_a_forwards_day_counts_from_the_day_it_was_sent_not_its_arrival() -> None:
    e = TriageComplaintNotHeld("TSCP-2026-0099", True, date(2026, 12, 1))
    line = not_held_words(e, 3, ARRIVED, date(2026, 12, 1), date(2026, 12, 31))
    assert "due Mon 4 Jan 2027, 20 working days from Tue 1 Dec 2026, the day" in recounted(
        line, CLOSED
    )


def test_a_day_the_calendar_cannot_count_is_not_kept_as_it_was() -> None:
    line = maybe_new_words("TSCP-2026-0001", 2, ARRIVED, WAS)
    shown = recounted(line, working_calendar(range(2025, 2027)))
    assert "Fri 8 Jan 2027" not in shown
    assert "is due on a day the working calendar cannot count yet (20 working days" in shown


def test_a_line_with_no_would_be_due_day_is_left_as_it_is() -> None:
    line = "refers to TSCP-2026-0099, which is not a known case"
    assert recounted(line, CLOSED) == line
