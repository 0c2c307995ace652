"""Event commands: the day recorded, the "today" the confirmation admits, and repeats."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.core.commands import (
    Choice,
    Command,
    CorrectDate,
    Corrected,
    CsprDecision,
    Decision,
    MeetingHeld,
    NotificationSent,
    Published,
    ReportSubmitted,
    parse_commands,
)
from bot.core.event_dates import EventDay, Repeat, event_day, later_refusal, repeat

TODAY = date(2026, 12, 23)


def only(body: str) -> Command:
    parsed = parse_commands(body, today=TODAY)
    assert parsed.errors == (), parsed.errors
    [command] = parsed.commands
    return command


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("CSPR: yes 15/01/2027", CsprDecision(True, "", "", date(2027, 1, 15))),
        ("CSPR: yes on 15 January 2027", CsprDecision(True, "", "", date(2027, 1, 15))),
        ("CSPR: yes", CsprDecision(True, "", "", None)),
        (
            "CSPR: no 15/01/2027 because the Rapid Review captured the learning",
            CsprDecision(False, "the Rapid Review captured the learning", "", date(2027, 1, 15)),
        ),
        (
            "Decision: rapid review 24/12/2026",
            Decision(Choice.RAPID_REVIEW, "", date(2026, 12, 24)),
        ),
        (
            "Decision: NFA on Thursday 24 December 2026",
            Decision(Choice.NO_FURTHER_ACTION, "", date(2026, 12, 24)),
        ),
        ("Decision: local review", Decision(Choice.LOCAL_REVIEW, "", None)),
        ("Notified", NotificationSent(None, "")),
        ("Meeting held", MeetingHeld(None, "")),
        ("Report submitted", ReportSubmitted(None, "")),
        ("Report submitted: 18/12/2026", ReportSubmitted(date(2026, 12, 18), "")),
        ("Published", Published(None, "")),
        (
            "Correct CSPR: 14/01/2027 because the panel met the day before",
            CorrectDate(Corrected.CSPR, date(2027, 1, 14), "the panel met the day before", ""),
        ),
        (
            "Correct Notified: 17/12/2026 - the LA sent it a day earlier",
            CorrectDate(Corrected.NOTIFIED, date(2026, 12, 17), "the LA sent it a day earlier", ""),
        ),
        (
            "Correct report submitted: 21/12/2026 because typed the wrong day",
            CorrectDate(Corrected.REPORT_SUBMITTED, date(2026, 12, 21), "typed the wrong day", ""),
        ),
        (
            "Correct Report sent: 15/06/2027 because I typed 2026",
            CorrectDate(Corrected.REPORT_SENT, date(2027, 6, 15), "I typed 2026", ""),
        ),
    ],
)
def test_event_commands_carry_their_own_date(line: str, expected: Command) -> None:
    assert only(line) == replace(expected, line=line)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("Correct CSPR: 14/01/2027", "a correction needs its reason"),
        ("Correct Notified: last week because wrong", "give the right date first"),
        ("Decision: rapid review 31/12", "is not one of"),
    ],
)
def test_unreadable_corrections_are_refused_lines(line: str, problem: str) -> None:
    parsed = parse_commands(line, today=TODAY)
    assert parsed.commands == ()
    [error] = parsed.errors
    assert problem in error.message


def test_no_date_means_today_and_says_so() -> None:
    day = event_day(None, TODAY, "the National Panel notification", BEGAN)
    assert day == EventDay(TODAY, assumed_today=True)
    assert isinstance(day, EventDay)
    assert day.said() == " (recorded as Wed 23 Dec 2026, the day it was given, as it named no date)"
    given = event_day(date(2026, 12, 18), TODAY, "the National Panel notification", BEGAN)
    assert isinstance(given, EventDay) and given.said() == ""


def test_an_event_in_the_future_is_refused() -> None:
    found = event_day(date(2026, 12, 24), TODAY, "the National Panel notification", BEGAN)
    assert found == (
        "Thu 24 Dec 2026 is after today (Wed 23 Dec 2026); the National Panel notification "
        "can only be recorded once it has happened, with the day it happened"
    )


BEGAN = date(2026, 12, 14)  # the day the local authority became aware


@pytest.mark.parametrize(
    ("given", "refused"), [(date(2026, 12, 14), False), (date(2025, 12, 18), True)]
)
def test_an_event_before_the_case_began_is_refused_as_a_mistyped_year(
    given: date, refused: bool
) -> None:
    found = event_day(given, TODAY, "the CSPR decision", BEGAN)
    if not refused:
        assert found == EventDay(given, assumed_today=False)
        return
    assert found == (
        "Thu 18 Dec 2025 is before the case began (Mon 14 Dec 2026), so it cannot be the day of "
        "the CSPR decision; check the year"
    )


@pytest.mark.parametrize(
    ("recorded", "given", "verdict"),
    [
        (None, date(2027, 1, 15), Repeat.FIRST),
        (date(2027, 1, 15), date(2027, 1, 15), Repeat.SAME),
        (date(2027, 1, 15), date(2027, 1, 14), Repeat.EARLIER),
        (date(2027, 1, 15), date(2027, 1, 16), Repeat.LATER),
    ],
)
def test_a_repeat_never_moves_a_date_later(
    recorded: date | None, given: date, verdict: Repeat
) -> None:
    assert repeat(recorded, given) is verdict


def test_later_refusal_names_the_date_and_the_correction() -> None:
    assert later_refusal(
        "the CSPR decision", date(2027, 1, 15), "the 6-month clock", "Correct CSPR"
    ) == (
        "the CSPR decision is already recorded as Fri 15 Jan 2027; the 6-month clock will not "
        "be moved later. If that date was wrong, write `Correct CSPR: <date> because <reason>`"
    )
