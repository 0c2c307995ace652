"""The cheaper ways plain mail is stored and processed give the same results as the general
ones: one UPDATE for a row that alone changed (else the session's flush), the bytes of a batch
read a run at a time, and the Message-ID read without the parser only where it cannot differ."""

from __future__ import annotations

from datetime import UTC, datetime
from email.parser import BytesHeaderParser
from email.policy import compat32

import pytest
from sqlalchemy import event, select

from bot.adapters.db.models import Case, StoredMessage
from bot.adapters.db.raw import BLOB_IO_FROM, MissingRaw, RawBatch
from bot.adapters.db.row_write import write_alone
from bot.app import App
from bot.services.mail_names import header_block
from bot.services.store import _plain_message_id, store_raw
from tests.fixtures.app import AppFactory

NOW = datetime(2026, 12, 23, 9, tzinfo=UTC)


def _stored(app: App, *raws: bytes) -> list[int]:
    with app.sessions() as session:
        ids = [store_raw(session, raw, f"k{n}", NOW).id for n, raw in enumerate(raws)]
        session.commit()
    return ids


def _mail(n: int, body: bytes = b"hello") -> bytes:
    return b"Message-ID: <m%d@example.org>\r\nSubject: s\r\n\r\n%s\r\n" % (n, body)


def test_a_row_changed_alone_is_written_with_one_update(make_app: AppFactory) -> None:
    app, _ = make_app()
    [row_id] = _stored(app, _mail(1))
    with app.sessions() as session:
        row = session.get(StoredMessage, row_id)
        assert row is not None
        row.status, row.subject, row.flags = "processed", "new subject", ["a"]
        assert write_alone(session, row)
        assert row not in session
        session.commit()
    with app.sessions() as session:
        again = session.get(StoredMessage, row_id)
        assert again is not None
        assert (again.status, again.subject, again.flags) == ("processed", "new subject", ["a"])


def test_a_row_with_other_changes_is_left_to_the_flush(make_app: AppFactory) -> None:
    app, _ = make_app()
    [row_id] = _stored(app, _mail(1))
    with app.sessions() as session:
        row = session.get(StoredMessage, row_id)
        assert row is not None
        row.status = "processed"
        on = NOW.date()
        row.case = Case(
            ref="TSCP-2026-0001", year=2026, number=1, opened_at=NOW, sin_received_on=on
        )
        assert not write_alone(session, row)  # a relationship and a new object: unit of work
        assert row in session
        session.commit()
    with app.sessions() as session:
        again = session.get(StoredMessage, row_id)
        assert again is not None and again.status == "processed" and again.case is not None


def test_a_batch_s_bytes_are_read_a_run_at_a_time_and_exactly(make_app: AppFactory) -> None:
    app, _ = make_app()
    big = _mail(3, b"x" * BLOB_IO_FROM)
    raws = [_mail(1), _mail(2), big, _mail(4)]
    ids = _stored(app, *raws)
    statements: list[str] = []
    event.listen(app.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with app.sessions() as session:
        sizes = {i: len(r) for i, r in zip(ids, raws, strict=True)}
        batch = RawBatch(session, sizes)
        assert [batch.take(i) for i in ids] == raws
        with pytest.raises(MissingRaw):
            RawBatch(session, {ids[-1] + 1: 10}).take(ids[-1] + 1)
    reads = [s for s in statements if "message_raw" in s]
    # The two before the large one together, the large one alone through the driver itself
    # (SQLite's blob I/O, psycopg in pieces: no statement of SQLAlchemy's), the last; the
    # missing one is looked for as a run, then alone.
    assert len(reads) == 4


@pytest.mark.parametrize(
    "block",
    [
        b"Message-ID: <a@b>\r\nSubject: x\r\n\r\n",
        b"Subject: x\nmessage-id:\n <folded@b>\n\n",
        b"MESSAGE-ID: \t<a@b> (note)\r\n\tmore\r\nMessage-ID: <second@b>\r\n\r\n",
        b"Subject: no id\r\n\r\n",
    ],
)
def test_a_plain_header_block_gives_the_parser_s_message_id(block: bytes) -> None:
    parsed = BytesHeaderParser(policy=compat32).parsebytes(block)
    assert _plain_message_id(header_block(block)) == str(parsed.get("Message-ID") or "")


@pytest.mark.parametrize(
    "block",
    [
        b"From someone Mon Dec 21\nMessage-ID: <a@b>\n\n",  # mbox line
        b"Subject: caf\xc3\xa9\r\nMessage-ID: <a@b>\r\n\r\n",  # 8-bit
        b"Subject: x\rMessage-ID: <a@b>\n\n",  # bare CR
        b"not a header\nMessage-ID: <a@b>\n\n",  # a stray line ends the header
        b" folded first\nMessage-ID: <a@b>\n\n",
    ],
)
def test_any_other_header_block_goes_to_the_parser(block: bytes) -> None:
    assert _plain_message_id(header_block(block)) is None


def test_rows_stored_by_core_insert_take_the_column_defaults(make_app: AppFactory) -> None:
    app, _ = make_app()
    [row_id] = _stored(app, _mail(7))
    with app.sessions() as session:
        row = session.scalars(select(StoredMessage).where(StoredMessage.id == row_id)).one()
        assert (row.status, row.attempts, row.flags, row.classification) == ("stored", 0, [], {})
        assert (row.message_id, row.received_source, row.raw) == (
            "m7@example.org",
            "fetch_time",
            _mail(7),
        )
