"""The database adapter on SQLite and (when configured) PostgreSQL: schema, times, uniqueness."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    Column,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    delete,
    event,
    func,
    inspect,
    select,
)
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from bot.adapters.db.engine import MIGRATIONS, current_revision, make_engine, make_sessions, migrate
from bot.adapters.db.models import Base, MailboxState, MessageRaw, StoredMessage
from bot.adapters.db.raw import MissingRaw, read_raw, write_raw

LONDON = ZoneInfo("Europe/London")
TABLES = {
    "alembic_version",
    "bot_instances",
    "calendar_state",
    "job_health",
    "job_leases",
    "case_counters",
    "case_events",
    "cases",
    "deadlines",
    "mailbox_state",
    "meetings",
    "messages",
    "message_raw",
    "purge_log",
    "stuck_messages",
    "junk_seen",
    "outbox",
    "outbox_delivery_failures",
    "votes",
    "agency_requests",
    "action_items",
    "case_fields",
    "chronology_entries",
    "meeting_responses",
}


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def migrated(engine: Engine) -> Engine:
    migrate(engine)
    return engine


def head_revision() -> str | None:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head()


def test_fresh_database_has_no_revision(engine: Engine) -> None:
    assert current_revision(engine) is None


def test_migrate_twice_is_idempotent_and_reaches_head(engine: Engine) -> None:
    migrate(engine)
    assert current_revision(engine) == "0041"
    sessions = make_sessions(engine)
    with sessions() as session:
        session.add(MailboxState(name="inbox", last_uid=42))
        session.commit()
    migrate(engine)  # a second run changes nothing and keeps the data
    assert current_revision(engine) == "0041"
    assert head_revision() == "0041"
    assert set(inspect(engine).get_table_names()) == TABLES
    with sessions() as session:
        assert session.scalar(select(MailboxState.last_uid)) == 42


def _schema_differences(engine: Engine, metadata: MetaData) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))


def test_migration_matches_the_models(migrated: Engine) -> None:
    assert _schema_differences(migrated, Base.metadata) == []


def test_schema_comparison_would_notice_a_missing_table(migrated: Engine) -> None:
    # Guard against the comparison silently comparing nothing.
    extended = MetaData()
    for table in Base.metadata.tables.values():
        table.to_metadata(extended)
    Table("not_migrated", extended, Column("id", Integer, primary_key=True), Column("x", String(5)))
    diffs = _schema_differences(migrated, extended)
    assert [d[0] for d in diffs if isinstance(d, tuple)] == ["add_table"]


@pytest.mark.parametrize(
    "given",
    [
        datetime(2026, 7, 1, 10, 0, 0, 123456, tzinfo=LONDON),  # BST: 09:00 UTC
        datetime(2026, 7, 1, 9, 0, 0, 123456, tzinfo=UTC),
    ],
)
def test_utc_datetime_round_trips_as_aware_utc(migrated: Engine, given: datetime) -> None:
    sessions = make_sessions(migrated)
    with sessions() as session:
        session.add(MailboxState(name="inbox", last_success_at=given))
        session.commit()
    with sessions() as session:
        stored = session.scalar(select(MailboxState.last_success_at))
    assert stored == datetime(2026, 7, 1, 9, 0, 0, 123456, tzinfo=UTC)
    assert stored is not None
    assert stored.tzinfo is UTC


def test_utc_datetime_compares_as_instants(migrated: Engine) -> None:
    # 10:30 BST is 09:30 UTC: earlier than 09:45 UTC, even though 10:30 > 09:45 on the clock.
    sessions = make_sessions(migrated)
    with sessions() as session:
        session.add(
            MailboxState(name="inbox", last_success_at=datetime(2026, 7, 1, 10, 30, tzinfo=LONDON))
        )
        session.commit()
    cutoff = datetime(2026, 7, 1, 9, 45, tzinfo=UTC)
    with sessions() as session:
        before = session.scalars(
            select(MailboxState.name).where(MailboxState.last_success_at < cutoff)
        ).all()
    assert before == ["inbox"]


def test_utc_datetime_rejects_naive(migrated: Engine) -> None:
    sessions = make_sessions(migrated)
    with sessions() as session:
        session.add(MailboxState(name="inbox", last_success_at=datetime(2026, 7, 1, 9, 0)))
        with pytest.raises(StatementError, match="naive datetime"):
            session.commit()
    with sessions() as session:
        assert session.scalar(select(MailboxState.name)) is None


def _message(sha: str, message_id: str) -> StoredMessage:
    return StoredMessage(
        sha256=sha,
        message_id=message_id,
        size=21,
        received_at=datetime(2026, 12, 23, 9, 0, tzinfo=UTC),
        fetched_at=datetime(2026, 12, 23, 9, 5, tzinfo=UTC),
    )


def test_identical_message_is_stored_once(migrated: Engine) -> None:
    sessions = make_sessions(migrated)
    with sessions() as session:
        session.add(_message("a" * 64, "m1@example.org"))
        session.commit()
    with sessions() as session:
        session.add(_message("a" * 64, "m1@example.org"))
        with pytest.raises(IntegrityError):
            session.commit()
    with sessions() as session:
        # A different message with the same Message-ID is kept: it may be a forgery to triage.
        session.add(_message("b" * 64, "m1@example.org"))
        session.commit()
        rows = session.execute(select(StoredMessage.sha256, StoredMessage.received_at)).all()
    assert sorted(rows) == [
        ("a" * 64, datetime(2026, 12, 23, 9, 0, tzinfo=UTC)),
        ("b" * 64, datetime(2026, 12, 23, 9, 0, tzinfo=UTC)),
    ]


def _statements(engine: Engine) -> list[str]:
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: seen.append(str(a[2])))
    return seen


RAW = b"Subject: hi\r\n\r\nbody\r\n"


def _keep(session: Session, sha: str, message_id: str, raw: bytes = RAW) -> None:
    row = _message(sha, message_id)
    row.size = len(raw)
    session.add(row)
    session.flush()
    write_raw(session, row.id, raw)


def test_a_message_s_bytes_are_read_and_written_only_where_needed(migrated: Engine) -> None:
    """Listing messages and updating their status never reads or rewrites the raw bytes
    (SQLite rewrites a whole row on every UPDATE): they are read when asked for, exactly."""
    sessions = make_sessions(migrated)
    with sessions() as session:
        _keep(session, "a" * 64, "m1@example.org")
        session.commit()
    seen = _statements(migrated)
    with sessions() as session:
        [row] = session.scalars(select(StoredMessage)).all()
        row.status, row.processed_at = "processed", datetime(2026, 12, 23, 9, 6, tzinfo=UTC)
        session.commit()
        assert seen and not [s for s in seen if "message_raw" in s]
        assert row.raw == RAW
    assert len([s for s in seen if "message_raw" in s]) == 1


def test_large_bytes_are_kept_exactly_and_a_missing_one_is_an_error(migrated: Engine) -> None:
    # 9 MB, every byte value, odd length: past BLOB_IO_FROM, so through SQLite's blob I/O, and
    # on PostgreSQL through COPY and read back in three pieces, the last a short one.
    big = bytes(range(256)) * 35_000 + b"\r\n.\r\n"
    sessions = make_sessions(migrated)
    with sessions() as session:
        _keep(session, "a" * 64, "m1@example.org", big)
        _keep(session, "b" * 64, "m2@example.org", b"")
        session.commit()
    with sessions() as session:
        rows = session.scalars(select(StoredMessage).order_by(StoredMessage.id)).all()
        assert [r.raw for r in rows] == [big, b""]
        for size in (0, len(big)):
            with pytest.raises(MissingRaw):
                read_raw(session, rows[-1].id + 1, size)


def test_large_bytes_that_cannot_be_kept_undo_only_their_own_savepoint(migrated: Engine) -> None:
    # Large bytes go through SQLite's blob I/O or PostgreSQL's COPY, beside SQLAlchemy: a
    # failure there must still undo that message's savepoint alone, as store_raw relies on.
    big = bytes(range(256)) * 4_000
    sessions = make_sessions(migrated)
    with sessions() as session:
        _keep(session, "a" * 64, "m1@example.org", big)
        refused = pytest.raises((IntegrityError, psycopg.errors.IntegrityError))
        with refused, session.begin_nested():
            write_raw(session, 999_999, big)  # no such message: the foreign key refuses it
        _keep(session, "b" * 64, "m2@example.org", big[::-1])
        session.commit()
    with sessions() as session:
        rows = session.scalars(select(StoredMessage).order_by(StoredMessage.id)).all()
        assert [r.raw for r in rows] == [big, big[::-1]]
        assert session.scalar(select(func.count()).select_from(MessageRaw)) == 2


def test_deleting_a_message_deletes_its_bytes(migrated: Engine) -> None:
    sessions = make_sessions(migrated)
    with sessions() as session:
        _keep(session, "a" * 64, "m1@example.org")
        _keep(session, "b" * 64, "m2@x")
        session.commit()
        session.execute(delete(StoredMessage).where(StoredMessage.sha256 == "a" * 64))
        session.commit()
        assert session.scalar(select(func.count()).select_from(MessageRaw)) == 1
        assert session.scalars(select(StoredMessage)).one().raw.startswith(b"Subject: hi")


def test_upgrade_from_first_release_keeps_cases_and_outbox(engine: Engine) -> None:
    """A council running 0001 with live cases upgrades without losing or breaking a row."""
    from alembic import command

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0001")
    now = datetime(2026, 12, 23, 9, tzinfo=UTC)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO cases (ref, year, number, status, opened_at, sin_received_on, initials,"
            " referrer_email) VALUES ('TSCP-2026-0001', 2026, 1, 'open',"
            " '2026-12-23 09:00:00+00:00', '2026-12-23', '', '')"
        )
    migrate(engine)
    with make_sessions(engine)() as session:
        from bot.adapters.db.models import Case

        case = session.scalars(select(Case)).one()
        assert (case.ref, case.kind, case.stage) == ("TSCP-2026-0001", "review", "screening")
        assert case.opened_at == now


def test_upgrade_marks_messages_stored_before_arrival_times_as_read_times(engine: Engine) -> None:
    """Rows from before 0004 hold the time the bot read them; the upgrade says exactly that."""
    from alembic import command

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0003")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO messages (sha256, message_id, raw, size, received_at, source_key,"
            " status, attempts, duplicate_deliveries, classification, flags, subject, from_addr,"
            " needs_triage) VALUES ('" + "c" * 64 + "', 'm@x', '', 0,"
            " '2026-11-30 09:00:00+00:00', '', 'processed', 1, 0, '{}', '[]', '', '', false)"
        )
    migrate(engine)
    with make_sessions(engine)() as session:
        row = session.scalars(select(StoredMessage)).one()
        read = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
        assert (row.received_at, row.fetched_at, row.received_source) == (
            read,
            read,
            "fetch_time",
        )


def test_upgrade_to_0021_keeps_the_graph_event_ids_already_booked(engine: Engine) -> None:
    """0021 renames meetings.graph_event_id to calendar_event_id (EWS item ids live there too):
    a panel already on a Graph calendar stays linked to its event."""
    from alembic import command

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0019")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO cases (ref, year, number, status, opened_at, sin_received_on, initials,"
            " referrer_email) VALUES ('TSCP-2026-0001', 2026, 1, 'open',"
            " '2026-12-23 09:00:00+00:00', '2026-12-23', '', '')"
        )
        connection.exec_driver_sql(
            'INSERT INTO meetings (case_id, purpose, uid, sequence, start, "end", location,'
            " within_deadline, graph_event_id) SELECT id, 'screening',"
            " 'screening-TSCP-2026-0001@tscp-bot', 0, '2026-12-23 14:00:00+00:00',"
            " '2026-12-23 15:00:00+00:00', 'Tameside One', true, 'AAMkAGraphEvent=' FROM cases"
        )
    migrate(engine)
    with make_sessions(engine)() as session:
        from bot.adapters.db.models import Meeting

        meeting = session.scalars(select(Meeting)).one()
        assert meeting.calendar_event_id == "AAMkAGraphEvent="
        assert meeting.start == datetime(2026, 12, 23, 14, tzinfo=UTC)
