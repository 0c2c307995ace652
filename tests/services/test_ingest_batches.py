"""A backlog read in bounded batches over IMAP (real Dovecot), on SQLite and PostgreSQL: each
batch stored and committed, processed and committed (a savepoint per message), then moved;
one bad message never undoes its neighbours, and a crash between a batch's commit and its move
is re-run without doubles."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import TypedDict, Unpack

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from bot.adapters.db.models import Case, OutboxMessage, StoredMessage
from bot.adapters.imap_source import ImapSource
from bot.adapters.mail_source import Batch, Cursor, Moves
from bot.app import App
from bot.core.message import MailMessage
from bot.services import process_stored, store
from bot.services.ingest import ingest_pass
from tests.fixtures.app import AppFactory
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.mail import email, sin


class Bounds(TypedDict, total=False):
    """How much one fetch may hold (the sources' batch_messages and batch_bytes)."""

    batch_messages: int
    batch_bytes: int


class Recording(ImapSource):
    """The real IMAP source, noting what each fetch returned and each batch move was asked."""

    def __init__(self, d: DovecotServer, **bounds: Unpack[Bounds]) -> None:
        super().__init__(d.host, d.port, d.user, d.password, security="plain", **bounds)
        self.fetched: list[int] = []
        self.moved: list[list[str]] = []

    def fetch(self, since: Cursor | None, arrived_since: datetime | None = None) -> Batch:
        batch = super().fetch(since, arrived_since)
        self.fetched.append(len(batch.messages))
        return batch

    def mark_processed_many(self, keys: list[str], budget_seconds: float) -> Moves:
        self.moved.append(list(keys))
        return super().mark_processed_many(keys, budget_seconds)


def _sins(n: int) -> list[bytes]:
    return [sin(f"<sin-{i}@gmp.police.uk>", sender=f"officer{i}@gmp.police.uk") for i in range(n)]


def _count(app: App, model: type[object]) -> int:
    with app.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _deliver(d: DovecotServer, messages: list[bytes]) -> None:
    for raw in messages:
        d.append(raw)


def test_a_backlog_is_read_in_batches_and_each_batch_moved_after_its_commit(
    make_app: AppFactory, dovecot: DovecotServer
) -> None:
    app, _ = make_app()
    _deliver(dovecot, _sins(7))
    source = Recording(dovecot, batch_messages=3)
    report = ingest_pass(app, source)
    source.close()
    assert source.fetched == [3, 3, 1]
    # Each batch moved on its own, once its cases were committed: three moves of its keys.
    assert [len(keys) for keys in source.moved] == [3, 3, 1]
    assert (report.fetched, report.stored, report.processed, report.released) == (7, 7, 7, 7)
    assert _count(app, Case) == 7
    assert dovecot.list_uids() == [] and len(dovecot.list_uids("Processed")) == 7


def test_each_message_of_a_batch_is_hashed_once_to_store_it(
    make_app: AppFactory, dovecot: DovecotServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The SHA-256 that tells a message already stored from a new one is worked out once per
    message (for the batch's one look-up, then used again to store it), not twice: on a
    backlog of large attachments it was a fortieth of the whole pass."""
    app, _ = make_app()
    _deliver(dovecot, _sins(4))
    fetched: list[bytes] = []

    class Noting(Recording):
        def fetch(self, since: Cursor | None, arrived_since: datetime | None = None) -> Batch:
            batch = super().fetch(since, arrived_since)
            fetched.extend(m.raw for m in batch.messages)
            return batch

    hashed: list[bytes] = []
    real = hashlib.sha256

    def sha256(data: bytes = b"", **kwargs: bool) -> hashlib._Hash:
        hashed.append(data)
        return real(data, **kwargs)

    monkeypatch.setattr(hashlib, "sha256", sha256)
    source = Noting(dovecot)
    report = ingest_pass(app, source)
    source.close()
    assert (report.stored, report.processed) == (4, 4) and len(fetched) == 4
    assert [sum(h is raw for h in hashed) for raw in fetched] == [1, 1, 1, 1]


def test_a_batch_is_bounded_in_bytes_but_holds_at_least_one_message(
    dovecot: DovecotServer,
) -> None:
    _deliver(dovecot, _sins(3))
    source = ImapSource(
        dovecot.host, dovecot.port, dovecot.user, dovecot.password,
        security="plain", batch_bytes=1,
    )  # fmt: skip
    sizes, cursor, more = [], None, True
    while more:
        batch = source.fetch(cursor)
        sizes.append(len(batch.messages))
        cursor, more = batch.cursor, batch.more
    source.close()
    assert sizes == [1, 1, 1]
    assert cursor is not None and cursor.last_uid == max(dovecot.list_uids())


def test_a_poison_message_in_the_middle_of_a_batch_is_quarantined_and_its_neighbours_moved(
    make_app: AppFactory, dovecot: DovecotServer
) -> None:
    app, _ = make_app(ingest={"max_attempts": 1})
    real_parse = app.parse

    def parse(raw: bytes) -> MailMessage:
        if b"POISON" in raw:
            raise RecursionError("parser blew up")
        return real_parse(raw)

    app.parse = parse
    sins = _sins(4)
    poison = email("POISON", "POISON body", message_id="<poison@x>")
    _deliver(dovecot, [*sins[:2], poison, *sins[2:]])
    source = Recording(dovecot, batch_messages=5)
    report = ingest_pass(app, source)
    source.close()
    assert source.fetched == [5]
    # Quarantined on its first failure (max_attempts 1) counts as done, as it always has.
    assert (report.processed, report.failed, report.released) == (5, 0, 4)
    assert _count(app, Case) == 4  # nothing of its neighbours was rolled back with it
    with app.sessions() as s:
        row = s.scalars(select(StoredMessage).where(StoredMessage.message_id == "poison@x")).one()
        assert (row.status, row.attempts, row.needs_triage) == ("quarantined", 1, True)
    # The poison message waits in the inbox for the Business Manager; the rest moved.
    assert len(dovecot.list_uids()) == 1 and len(dovecot.list_uids("Processed")) == 4


def test_a_message_the_database_cannot_store_is_kept_quarantined_and_its_batch_stored(
    make_app: AppFactory, dovecot: DovecotServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure inside one message's insert rolls back to its savepoint only: on PostgreSQL
    a failed statement would otherwise abort the whole batch's transaction."""
    app, _ = make_app()
    real = store.header_message_id

    def header_message_id(raw: bytes) -> str:
        if b"UNSTORABLE" in raw:
            raise ValueError("refused")
        return real(raw)

    monkeypatch.setattr(store, "header_message_id", header_message_id)
    sins = _sins(2)
    _deliver(dovecot, [sins[0], email("UNSTORABLE", "x", message_id="<u@x>"), sins[1]])
    source = Recording(dovecot, batch_messages=10)
    report = ingest_pass(app, source)
    source.close()
    assert (report.stored, report.quarantined, report.not_stored) == (3, 1, 0)
    assert _count(app, Case) == 2 and _count(app, StoredMessage) == 3
    with app.sessions() as s:
        kept = s.scalars(select(StoredMessage).where(StoredMessage.status == "quarantined")).one()
        assert kept.needs_triage and b"UNSTORABLE" in kept.raw


class DiesAtTheSecondMove(Recording):
    """As if the process were killed after the second batch committed, before its move."""

    def mark_processed_many(self, keys: list[str], budget_seconds: float) -> Moves:
        if len(self.moved) == 1:
            raise SystemExit("killed")
        return super().mark_processed_many(keys, budget_seconds)


def test_a_crash_between_a_batchs_commit_and_its_move_is_rerun_without_doubles(
    make_app: AppFactory, dovecot: DovecotServer
) -> None:
    app, _ = make_app()
    _deliver(dovecot, _sins(5))
    dying = DiesAtTheSecondMove(dovecot, batch_messages=2)
    with pytest.raises(SystemExit):
        ingest_pass(app, dying)
    dying.close()
    assert _count(app, Case) == 4  # two batches committed; only the first one moved
    assert len(dovecot.list_uids()) == 3 and len(dovecot.list_uids("Processed")) == 2
    again = Recording(dovecot, batch_messages=2)
    report = ingest_pass(app, again)  # "after the restart"
    again.close()
    # The committed batch is seen again, not stored or processed again, and moved now.
    assert (report.stored, report.duplicates, report.processed) == (1, 0, 1)
    assert _count(app, Case) == 5 and _count(app, StoredMessage) == 5
    with app.sessions() as s:
        acks = s.scalars(
            select(OutboxMessage.recipients).where(OutboxMessage.event == "sin_acknowledgement")
        ).all()
    assert sorted(r[0] for r in acks) == sorted(f"officer{i}@gmp.police.uk" for i in range(5))
    assert dovecot.list_uids() == [] and len(dovecot.list_uids("Processed")) == 5


def test_a_batch_whose_transaction_fails_is_processed_message_by_message(
    make_app: AppFactory, dovecot: DovecotServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database dropping the batch's transaction (a connection cut, say) loses none of it:
    each message is then processed in a transaction of its own."""
    app, _ = make_app()

    def connection_cut(app: App, row_ids: list[int]) -> dict[int, bool]:
        raise OperationalError("COMMIT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(process_stored, "process_many", connection_cut)
    _deliver(dovecot, _sins(3))
    source = Recording(dovecot, batch_messages=10)
    report = ingest_pass(app, source)
    source.close()
    assert (report.processed, report.failed, report.released) == (3, 0, 3)
    assert _count(app, Case) == 3
