"""Export and restore of the whole record: a real scenario built on SQLite, exported, restored
into a fresh SQLite database and a fresh PostgreSQL one, and every table compared row by row."""

from __future__ import annotations

import os
import stat
import tarfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, Table, insert, select

from bot.adapters.db.engine import current_revision, head_revision, make_engine, migrate
from bot.adapters.db.models import Base, Case, MailboxState
from bot.adapters.record_archive import ArchiveError
from bot.services.backup import BackupRefused, export_record, restore_record
from bot.services.passes import run_once
from tests.fixtures.app import AppFactory
from tests.fixtures.mail import drop_into_maildir
from tests.fixtures.mail import email as make_email
from tests.services.test_lifecycle import BM, HEALTH, POLICE, Bot, reply

NOW = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


@pytest.fixture
def source(tmp_path: Path) -> Iterator[str]:
    """A SQLite database of its own, whatever database the test restores into."""
    yield f"sqlite:///{tmp_path / 'source' / 'bot.sqlite3'}"


@pytest.fixture
def scenario(tmp_path: Path, source: str) -> Bot:
    """Two cases (one closed), votes, a decision, stray mail on the triage list, the outbox
    with sent and pending emails, deadlines and events, all built through the real ingest."""
    from tests.fixtures import app as fixture

    def on_source(now: str = "2026-12-16T09:00", **sections: Any) -> Any:
        clock = fixture.Clock(datetime.fromisoformat(now).replace(tzinfo=fixture.LONDON))
        config = fixture.make_config(tmp_path, source, **sections)
        from bot.bootstrap import build_app
        from bot.clock import FixedClock

        app = build_app(config, FixedClock(clock.now()))
        app.clock = clock
        return app, clock

    engine = make_engine(source)
    migrate(engine)
    engine.dispose()
    b = Bot(on_source, tmp_path, "2026-12-16T09:00")
    b.mail(POLICE, "Serious Incident Notification - GM SIN form", "Please find the GM SIN form.")
    b.mail(POLICE, "Serious Incident Notification - GM SIN form", "A second incident: SIN form.")
    b.run()
    b.at("2026-12-16T11:00").mail(POLICE, reply("TSCP-2026-0001"), "Vote: rapid review")
    b.mail(HEALTH, reply("TSCP-2026-0001"), "Vote: rapid review")
    b.mail(BM, reply("TSCP-2026-0002"), "Close: sent to us in error")
    drop_into_maildir(tmp_path / "inbox", make_email("Lunch order", "Not about any case."))
    b.run()
    return b


def all_rows(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows through the models' own types (aware UTC times, bytes, JSON)."""
    with engine.connect() as conn:
        return {
            t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
            for t in Base.metadata.sorted_tables
        }


def test_round_trip_keeps_every_row_of_every_table(
    scenario: Bot, source: str, database_url: str, tmp_path: Path
) -> None:
    archive = tmp_path / "record.tar.gz"
    src = make_engine(source)
    summary = export_record(src, archive, NOW)
    before = all_rows(src)
    assert len(before["cases"]) == 2 and len(before["votes"]) == 2
    assert summary.raw_messages == len(before["message_raw"]) + len(before["outbox"])
    assert len(before["message_raw"]) == len(before["messages"])  # every message's bytes
    target = make_engine(database_url)
    assert current_revision(target) is None  # a new database: restore makes the schema
    restored = restore_record(target, archive)
    assert restored.rows == {name: len(rows) for name, rows in before.items()}
    assert all_rows(target) == before
    assert current_revision(target) == head_revision()
    # ... and back again from there (PostgreSQL to SQLite on the PostgreSQL run).
    again = tmp_path / "again.tar.gz"
    export_record(target, again, NOW)
    back = make_engine(f"sqlite:///{tmp_path / 'back' / 'bot.sqlite3'}")
    restore_record(back, again)
    assert all_rows(back) == before
    for engine in (src, target, back):
        engine.dispose()


def test_the_restored_record_carries_on_where_it_stopped(
    scenario: Bot, source: str, database_url: str, tmp_path: Path, make_app: AppFactory
) -> None:
    archive = tmp_path / "record.tar.gz"
    export_record(make_engine(source), archive, NOW)
    fresh = make_engine(database_url)
    # make_app has already migrated database_url: an empty database at the same schema.
    restore_record(fresh, archive)
    fresh.dispose()
    app, _ = make_app(now="2026-12-17T09:00")
    drop_into_maildir(
        tmp_path / "inbox",
        make_email("Serious Incident Notification - GM SIN form", "A third SIN form.",
                   sender=POLICE, message_id="<third@test>"),
    )  # fmt: skip
    run_once(app)  # new rows after the restored ones: PostgreSQL's sequences were moved on
    with app.sessions() as s:
        refs = list(s.scalars(select(Case.ref).order_by(Case.id)))
    assert refs == ["TSCP-2026-0001", "TSCP-2026-0002", "TSCP-2026-0003"]


def test_the_archive_is_private_and_never_overwrites(
    scenario: Bot, source: str, tmp_path: Path
) -> None:
    archive = tmp_path / "record.tar.gz"
    old = os.umask(0o022)  # as a careless shell would have it
    try:
        export_record(make_engine(source), archive, NOW)
    finally:
        os.umask(old)
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names and "tables/cases.jsonl" in names
    assert any(n.startswith("raw/message_raw/") and n.endswith(".eml") for n in names)
    with pytest.raises(ArchiveError, match="already exists"):
        export_record(make_engine(source), archive, NOW)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".record")] == []


def test_restore_refuses_a_database_with_data_in_it(
    scenario: Bot, source: str, tmp_path: Path
) -> None:
    archive = tmp_path / "record.tar.gz"
    export_record(make_engine(source), archive, NOW)
    with pytest.raises(BackupRefused, match=r"not empty \(\w+ has \d+ rows?\)"):
        restore_record(make_engine(source), archive)


def test_restore_refuses_an_archive_from_a_newer_schema(tmp_path: Path, database_url: str) -> None:
    archive = _archive_at(tmp_path, "0019")
    _rewrite_schema(archive, "9999")
    target = make_engine(database_url)
    with pytest.raises(BackupRefused, match="newer schema"):
        restore_record(target, archive)
    target.dispose()


def test_an_archive_from_an_older_schema_is_restored_and_upgraded(
    tmp_path: Path, database_url: str
) -> None:
    archive = _archive_at(tmp_path, "0019")
    target = make_engine(database_url)
    summary = restore_record(target, archive)
    assert summary.schema == "0019" and current_revision(target) == head_revision()
    with target.connect() as conn:
        assert conn.scalar(select(MailboxState.last_uid)) == 42
    target.dispose()


def _archive_at(tmp_path: Path, revision: str) -> Path:
    engine = make_engine(f"sqlite:///{tmp_path / 'old' / 'bot.sqlite3'}")
    migrate(engine, revision)
    table = MailboxState.__table__
    assert isinstance(table, Table)
    with engine.begin() as conn:
        conn.execute(insert(table).values(name="inbox", last_uid=42))
    archive = tmp_path / f"at-{revision}.tar.gz"
    export_record(engine, archive, NOW)
    engine.dispose()
    return archive


def _rewrite_schema(archive: Path, schema: str) -> None:
    """The same archive, its manifest saying it was made at `schema`."""
    import io
    import json

    with tarfile.open(archive) as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]  # type: ignore[union-attr]
    archive.unlink()
    with tarfile.open(archive, "w:gz") as tar:
        for member, data in members:
            if member.name == "manifest.json":
                data = json.dumps({**json.loads(data), "schema": schema}).encode()
                member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
