"""Commands written below the sender's own signature: never carried out (a signature may carry
old commands), but named by their labels, so that she is told to give them again above it.
Never a command in a quoted email, nor a signature's own lines."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.commands import Vote, parse_commands

TODAY = date(2026, 12, 17)
SIGNED = "Noted, thank you.\n\nKind regards\nPat Example\nBusiness Manager\n"


@pytest.mark.parametrize(
    ("body", "below"),
    [
        (SIGNED + "Vote: rapid review", ("Vote:",)),
        # Without its colon, as a command may be written above the signature.
        (SIGNED + "Vote rapid review", ("Vote:",)),
        (SIGNED + "**Meeting held:** 06/01/2027", ("Meeting held:",)),
        # Each command named once, in order; only its label, never its value.
        (
            SIGNED + "Aware: 14/12/2026\nNotified: 16/12/2026\nAware: 15/12/2026",
            ("Aware:", "Notified:"),
        ),
        ("Thanks for this.\n-- \nJo Example | Designated Nurse\nCSPR: yes", ("CSPR:",)),
        # A signature's own lines, and prose or a motto no command reads: nothing to tell.
        (SIGNED + "CSPR Coordinator\nDecision Support Officer\nTel: 0161 496 0000", ()),
        (SIGNED + "Status: waiting for the police return", ()),
        (SIGNED + "Vote: no further action is never what we want", ()),
        # A command in a quoted email is never hers to be told of, quoted with ">" or not.
        (
            "Noted.\n\nOn Thu, 17 Dec 2026 at 09:05, Pat Example <pat@example.org> wrote:\n"
            "> Noted.\n>\n> Kind regards\n> Pat Example\n> Vote: rapid review\n",
            (),
        ),
        (
            SIGNED + "\nFrom: Pat Example <pat@example.org>\nSent: 16 December 2026 10:00\n"
            "Subject: RE: [TSCP-2026-0001]\n\nKind regards\nPat\nAware: 14/12/2026\n",
            (),
        ),
        (
            SIGNED + "\n-----Original Message-----\nKind regards\nPat\nNotified: 16/12/2026\n",
            (),
        ),
    ],
)
def test_commands_below_the_signature_are_named_not_carried_out(
    body: str, below: tuple[str, ...]
) -> None:
    parsed = parse_commands(body, today=TODAY)
    assert parsed.below_signature == below
    assert parsed.commands == ()


def test_a_command_above_the_signature_is_read_and_one_below_it_named() -> None:
    body = "Vote: rapid review\n\nKind regards\nJo Example\nNotified: 16/12/2026"
    parsed = parse_commands(body, today=TODAY)
    assert [type(c) for c in parsed.commands] == [Vote]
    assert parsed.below_signature == ("Notified:",)


def test_a_command_in_a_postscript_is_read_not_named() -> None:
    parsed = parse_commands(SIGNED + "\nPS Vote: rapid review", today=TODAY)
    assert [type(c) for c in parsed.commands] == [Vote]
    assert parsed.below_signature == ()
