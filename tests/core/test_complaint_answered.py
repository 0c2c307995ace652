"""`Answered: <date>`: the reply to a complaint, as read, dated and placed in the lifecycle."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core import commands as c
from bot.core.command_dates import answered_problem
from bot.core.lifecycle import Role, Stage, entry, next_stage, verdict

TODAY = date(2027, 1, 20)  # a Wednesday
RECEIVED = date(2026, 12, 23)


def parse(line: str) -> c.ParsedCommands:
    return c.parse_commands(line, today=TODAY)


@pytest.mark.parametrize(
    ("line", "on"),
    [
        ("Answered: 14/01/2027", date(2027, 1, 14)),
        ("answered - 14 January 2027", date(2027, 1, 14)),
        ("Answered 14/1/27", date(2027, 1, 14)),  # a checked date needs no colon
        ("Complaint answered: yesterday", date(2027, 1, 19)),
        ("Answered: today", TODAY),
        ("* **Answered:** on 4 January 2027", date(2027, 1, 4)),
    ],
)
def test_answered_is_read_with_its_date_day_first(line: str, on: date) -> None:
    assert parse(line) == c.ParsedCommands((c.Answered(on, line),), ())


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        # The day the reply went is never assumed to be the day of the email.
        ("Answered", "give the day the reply was sent"),
        ("Answered:", "give the day the reply was sent"),
        ("Answered: 31/02/2027", "31/02/2027 is not a real date"),
        ("Answered: soon", "Answered: soon"),
    ],
)
def test_answered_without_a_readable_date_is_an_error_naming_the_line(
    line: str, problem: str
) -> None:
    parsed = parse(line)
    assert parsed.commands == ()
    [error] = parsed.errors
    assert error.message.startswith(f'Could not read "{line}": ') and problem in error.message


@pytest.mark.parametrize(
    "line", ["Answered the phone to the family yesterday.", "Answered all their questions."]
)
def test_prose_starting_with_answered_is_ignored(line: str) -> None:
    assert parse(line) == c.ParsedCommands((), ())


def test_correct_answered_needs_the_date_and_a_reason() -> None:
    line = "Correct Answered: 12/01/2027 because the letter went a day early"
    [cmd] = parse(line).commands
    assert cmd == c.CorrectDate(
        c.Corrected.ANSWERED, date(2027, 1, 12), "the letter went a day early", line
    )
    [error] = parse("Correct Answered: 12/01/2027").errors
    assert "a correction needs its reason" in error.message


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        (date(2027, 1, 21), "Thu 21 Jan 2027 is after today (Wed 20 Jan 2027)"),
        (date(2026, 12, 22), "Tue 22 Dec 2026 is before the complaint was received"),
        (RECEIVED, None),  # answered the day it arrived
        (TODAY, None),
        (date(2027, 1, 5), None),
    ],
)
def test_the_reply_falls_between_receipt_and_today(given: date, problem: str | None) -> None:
    found = answered_problem(given, RECEIVED, TODAY)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found and "\n" not in found


def test_only_the_business_manager_answers_and_only_a_complaint_record() -> None:
    e = entry(Stage.COMPLAINT, c.Answered)
    assert e.accepted and e.roles == {Role.BUSINESS_MANAGER}
    assert e.meets == ("complaint_response",) and e.starts == ()
    # The stage stays: the Business Manager still closes the record with Close:.
    cmd = c.Answered(date(2027, 1, 14), "Answered: 14/01/2027")
    assert next_stage(Stage.COMPLAINT, cmd, None) is Stage.COMPLAINT
    assert verdict(Stage.COMPLAINT, cmd, {"complaint_response": RECEIVED}, TODAY) is None


@pytest.mark.parametrize(
    ("stage", "reason"),
    [
        (Stage.SCREENING, "complaint records only; this is a review case"),
        (Stage.RAPID_REVIEW, "complaint records only; this is a review case"),
        (Stage.ESCALATION, "an escalation record has no response clock"),
        (Stage.CLOSED, "the case is closed"),
    ],
)
def test_answered_elsewhere_is_refused_saying_why(stage: Stage, reason: str) -> None:
    cmd = c.Answered(date(2027, 1, 14), "Answered: 14/01/2027")
    refusal = verdict(stage, cmd, {}, TODAY)
    assert refusal is not None and reason in refusal
