"""A mailbox server that accepts connections but stops answering costs one pass a bounded time.

Real Dovecot behind a real TCP proxy (tests/fixtures/proxy.py) that is told to swallow every
byte once the pass has fetched its mail: the moves to Processed then meet a server that never
answers. Before, each message reconnected and waited a full timeout (300 messages x 30 s).
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.adapters.db.models import Case, StoredMessage
from bot.adapters.imap_source import ImapSource
from bot.adapters.mail_source import Batch, Cursor
from bot.services.ingest import ingest_pass
from tests.fixtures.app import AppFactory
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.mail import sin
from tests.fixtures.proxy import TcpProxy

pytestmark = pytest.mark.imap
N = 20
TIMEOUT = 1.0  # seconds per IMAP read, kept small so the test is fast
DEADLINE = 3  # [mailbox] pass_deadline_seconds


class HangsAfterFetch:
    """The real ImapSource; the server stops answering as soon as the pass has its mail."""

    def __init__(self, source: ImapSource, proxy: TcpProxy) -> None:
        self._source, self._proxy = source, proxy
        self.moves_began: float | None = None  # processing time is not what is measured

    def fetch(self, since: Cursor | None, arrived_since: datetime | None = None) -> Batch:
        batch = self._source.fetch(since, arrived_since)
        self._proxy.black_hole()
        return batch

    def __getattr__(self, name: str) -> Any:
        if name.startswith("mark_processed") and self.moves_began is None:
            self.moves_began = time.monotonic()
        return getattr(self._source, name)


def _via(proxy: TcpProxy, dovecot: DovecotServer) -> ImapSource:
    return ImapSource(
        proxy.host, proxy.port, dovecot.user, dovecot.password,
        security="plain", timeout=TIMEOUT, use_idle=False,
    )  # fmt: skip


def test_a_server_that_stops_answering_costs_one_pass_seconds_not_a_timeout_per_message(
    make_app: AppFactory, dovecot: DovecotServer, imap_proxy: TcpProxy
) -> None:
    app, _ = make_app(mailbox={"backend": "maildir", "pass_deadline_seconds": DEADLINE})
    # Twenty different notifications: the same one sent twenty times would be flagged as repeats.
    sent = [
        sin(message_id=f"<sin-{n}@gmp.police.uk>", sender=f"dsp{n}@gmp.police.uk") for n in range(N)
    ]
    for raw in sent:
        dovecot.append(raw)

    source = _via(imap_proxy, dovecot)
    hanging = HangsAfterFetch(source, imap_proxy)
    first = ingest_pass(app, hanging)
    assert hanging.moves_began is not None
    took = time.monotonic() - hanging.moves_began
    source.close()

    # All stored and handled; none could move. Before: N x TIMEOUT (about 20 s).
    assert first.processed == N and first.released == 0 and first.errors
    assert took < 2 * TIMEOUT + DEADLINE + 2, f"the moves took {took:.1f} s"
    assert len(dovecot.list_uids("INBOX")) == N
    with app.sessions() as s:
        waiting = s.scalars(select(StoredMessage).where(StoredMessage.released_at.is_(None)))
        assert len(list(waiting)) == N  # recorded as pending releases, not forgotten

    imap_proxy.heal()
    again = _via(imap_proxy, dovecot)
    second = ingest_pass(app, again)
    again.close()

    # Everything moves once: none left behind, none lost, no copy twice in Processed.
    assert second.released == N and not second.errors
    assert dovecot.list_uids("INBOX") == []
    assert len(dovecot.fetch_all("Processed")) == N
    with app.sessions() as s:
        assert len(list(s.scalars(select(Case)))) == N
        assert all(r.released_at is not None for r in s.scalars(select(StoredMessage)))
