"""A Maildir's `.Junk` folder through `tscp-bot run --once`: the Business Manager is told of a
SIN there, and it is listed until it leaves; never read or moved by the bot."""

from __future__ import annotations

import mailbox
from datetime import UTC, datetime
from pathlib import Path

from tests.fixtures.mail import drop_into_maildir, sin
from tests.test_cli import Run, bot, cli, config, inbox, outbox_folder

__all__ = ["bot", "cli", "config"]  # the fixtures this module borrows


def _to_bm(config: Path) -> list[str]:
    written = mailbox.Maildir(outbox_folder(config), create=False)
    return [str(m["Subject"]) for m in written if "Junk" in str(m["Subject"])]


def test_a_sin_in_the_maildir_junk_folder_is_told_and_not_read(bot: Run, config: Path) -> None:
    junk = inbox(config) / ".Junk"
    drop_into_maildir(inbox(config))  # the inbox itself, empty
    [name] = drop_into_maildir(junk, sin(), arrived=datetime(2026, 12, 23, 8, 30, tzinfo=UTC))
    assert bot("run", "--once")[0] == 0

    assert _to_bm(config) == ["TSCP In Junk Email, not read: from casey.invented@gmp.police.uk"]
    assert "TSCP-2026-" not in bot("cases")[1]
    assert [p.name for p in (junk / "new").iterdir()] == [name]  # where it was, unread
