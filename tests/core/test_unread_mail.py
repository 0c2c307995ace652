"""Mail a person must read in the mailbox: what the parser's signs of an email damaged on the
way mean for the triage list (bot.core.unread_mail). The end-to-end path, a cut-short SIN
opening its case and staying before a person, is in tests/services/test_unread_mail.py."""

from __future__ import annotations

import pytest

from bot.core.message import MailMessage
from bot.core.unread_mail import lost_parts, why_read_whole

DAMAGED = "arrived damaged (cut short, or the boundaries between its parts lost on the way)"


def _msg(*defects: str) -> MailMessage:
    return MailMessage("m@x", "GM SIN form", "a@nhs.net", "A", defects=defects)


@pytest.mark.parametrize(
    "defect",
    [
        "broken MIME: CloseBoundaryNotFoundDefect",  # ends inside a part: cut short
        "broken MIME: StartBoundaryNotFoundDefect",  # cut inside the boundary's own line
        "broken MIME: NoBoundaryInMultipartDefect",  # cut inside the header that names it
    ],
)
def test_an_email_that_lost_its_parts_is_read_in_the_mailbox(defect: str) -> None:
    msg = _msg("empty body", defect)
    assert lost_parts(msg)
    reason = why_read_whole(msg)
    assert reason is not None and reason.startswith(DAMAGED)
    assert "ask the sender to send it again" in reason


@pytest.mark.parametrize(
    "defects",
    [
        (),
        ("undecodable charset in body (decoded with replacement)",),
        ("broken MIME: MissingHeaderBodySeparatorDefect",),  # an odd line, nothing lost
        ("broken MIME: InvalidBase64PaddingDefect", "bad Date header"),
        ("missing Message-ID (synthesised from content hash)", "empty body"),
    ],
)
def test_other_defects_lose_nothing_and_ask_no_one(defects: tuple[str, ...]) -> None:
    assert not lost_parts(_msg(*defects))
    assert why_read_whole(_msg(*defects)) is None


def test_a_bounce_carrying_a_cut_short_copy_is_not_called_damaged() -> None:
    """A delivery report's copy of the email it returns is often cut short on purpose."""
    assert why_read_whole(_msg("broken MIME: CloseBoundaryNotFoundDefect"), automatic=True) is None
