"""What a batch over IMAP asks a real Dovecot for (tests/fixtures/dovecot.py): the sizes and
arrival times of the messages it may take, and no more once it is full."""

from __future__ import annotations

from typing import Any

import pytest
from imapclient import IMAPClient

from bot.adapters import imap_fetch
from bot.adapters.imap_source import ImapSource
from bot.adapters.mail_source import Cursor
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.mail import email

pytestmark = pytest.mark.imap


def _listings(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of UIDs each FETCH of sizes and arrival times asked about, in order."""
    asked: list[int] = []
    real = IMAPClient.fetch

    def fetch(self: IMAPClient, messages: Any, data: Any, modifiers: Any = None) -> Any:
        if "RFC822.SIZE" in data:
            asked.append(len(messages))
        return real(self, messages, data, modifiers)

    monkeypatch.setattr(IMAPClient, "fetch", fetch)
    return asked


def test_a_full_batch_does_not_ask_about_the_messages_after_it(
    dovecot: DovecotServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A backlog of 1,000 read 100 at a time asked for 200 messages' sizes and dates per batch,
    the second hundred only to find the batch full (the next batch asked again)."""
    for n in range(7):
        dovecot.append(email(f"Note {n}", "Body.\n", message_id=f"<note-{n}@gmp.police.uk>"))
    monkeypatch.setattr(imap_fetch, "FETCH_CHUNK", 3)  # a chunk the size of a batch, as by default
    asked = _listings(monkeypatch)
    source = ImapSource(
        dovecot.host, dovecot.port, dovecot.user, dovecot.password,
        security="plain", batch_messages=3,
    )  # fmt: skip
    counts, cursor, more, rounds = [], None, True, 0
    seen: list[str] = []
    while more:
        before = len(asked)
        batch = source.fetch(cursor)
        rounds += len(asked) - before == 1
        counts.append(len(batch.messages))
        seen += [m.key for m in batch.messages]
        cursor, more = batch.cursor, batch.more
    source.close()

    assert counts == [3, 3, 1]
    assert asked == [3, 3, 1]  # was [3, 3, 3, 3, 1]: each full batch listed the next chunk too
    assert rounds == 3
    assert isinstance(cursor, Cursor) and cursor.last_uid == max(dovecot.list_uids())
    uids = dovecot.list_uids()
    assert [int(key.split(":")[1]) for key in seen] == uids  # each once, in order
