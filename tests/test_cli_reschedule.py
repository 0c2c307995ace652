"""`tscp-bot command REF "Reschedule: ..."` at the terminal: the new invitation is only queued
in the outbox, and the reply says so rather than that it went."""

from __future__ import annotations

from pathlib import Path

from tests.test_cli import Run, _open_case, bot, cli, config

__all__ = ["bot", "cli", "config"]  # the fixtures this module borrows


def test_reschedule_at_the_terminal_says_the_invitation_is_queued(bot: Run, config: Path) -> None:
    _open_case(bot, config)

    code, out, _ = bot("command", "TSCP-2026-0001", "Reschedule: 24/12/2026 14:00")

    assert code == 0, out
    assert "to Thu 24 Dec 2026 14:00" in out
    assert "the new invitation to the panel is queued and goes with the next send" in out
    assert "went" not in out
