"""What an answer outside the partnership repeats of a sender's own command lines."""

from __future__ import annotations

import pytest

from bot.core.echo import LEFT_OUT, NOT_REPEATED, by_label, echo

FIELDS = [("child_name", "Jamie Example"), ("address", "12 Invented Road, Exampletown EX1 2AB")]


@pytest.mark.parametrize(
    "line",
    ["Vote: rapid review", "Notified: 18/12/2026", "Aware: 15/12/2026", "Agree", "Status"],
)
def test_a_closed_command_that_gives_no_one_goes_back_whole(line: str) -> None:
    assert echo(line, "recorded", read=True, fields=FIELDS).line == line


@pytest.mark.parametrize(
    "line",
    [
        "Disagree: the panel should have met sooner",  # free text: may name anyone
        "Aware: 15/12/2026 because the police told us",
        "Reviewer: Dr Jo Invented",
        "Vote: rapid review - Jamie Example",  # not read
    ],
)
def test_a_free_text_or_unread_line_goes_back_by_its_label(line: str) -> None:
    told = echo(line, "recorded", read="Jamie" not in line, fields=FIELDS)
    assert told.line == f"{line.split(':')[0]}: ... {LEFT_OUT}"


def test_a_closed_command_naming_the_childs_street_goes_back_by_its_label() -> None:
    told = echo("Return from: gmp 12 Invented Road", "ok", read=True, fields=FIELDS)
    assert told.line == f"Return from: ... {LEFT_OUT}"


def test_what_the_bot_said_loses_the_lines_words() -> None:
    line = "Vote: rapid review - Jamie Example is at risk"
    said = f'Could not read "{line}": "rapid review - Jamie Example is at risk" is not one of'
    told = echo(line, said, read=False, fields=FIELDS)
    assert told.said == 'Could not read "...": "..." is not one of'


def test_what_the_bot_said_is_left_out_when_it_still_gives_someone() -> None:
    told = echo("Delay: J; expected 1/2/2027", "Jamie Example named", read=True, fields=FIELDS)
    assert told.said == NOT_REPEATED


def test_a_line_already_by_its_label_is_left_as_it_is() -> None:
    assert echo("Vote: ...", "below the signature", read=False).line == "Vote: ..."


def test_by_label_keeps_nothing_after_the_keyword() -> None:
    assert by_label("Vote: rapid review because Jamie") == f"Vote: ... {LEFT_OUT}"
    assert by_label("Status") == "Status"
