"""`export` and `restore`: the whole record (every table, every raw email, the schema version)
to one archive and back, on SQLite or PostgreSQL either way round.

Restore goes only into an empty database: it creates the schema of the archive, inserts every
row in one transaction, then upgrades to the newest schema as `init` would. An archive from a
schema this bot does not know (a newer bot) is refused before anything is written.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table

from bot.adapters.db.engine import current_revision, known_revision, migrate
from bot.adapters.db.rows import (
    begin_snapshot,
    data_tables,
    insert_rows,
    read_rows,
    reset_sequences,
    row_counts,
    schema_revision,
)
from bot.adapters.record_archive import (
    FORMAT,
    FORMAT_VERSION,
    ArchiveReader,
    ArchiveWriter,
    creating,
    reading,
)

_SPOOL = 8 << 20  # a table's JSON lines stay in memory up to this size, then go to a temp file


class BackupRefused(Exception):
    """Export or restore cannot go ahead (no schema to export; a target database that is not
    empty; an archive from a newer schema); nothing was written."""


@dataclass(frozen=True)
class RecordSummary:
    schema: str
    rows: dict[str, int]  # by table
    raw_messages: int

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def export_record(engine: Engine, path: Path, now: datetime) -> RecordSummary:
    if current_revision(engine) is None:
        raise BackupRefused("the database has no schema yet; there is nothing to export")
    with creating(path, now.timestamp()) as writer:
        summary = _write_tables(engine, writer)
        writer.finish(
            {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "schema": summary.schema,
                "created_at": now.isoformat(),
                "rows": summary.rows,
                "raw_messages": summary.raw_messages,
            }
        )
    return summary


def _write_tables(engine: Engine, writer: ArchiveWriter) -> RecordSummary:
    rows: dict[str, int] = {}
    blobs = 0
    with engine.connect() as conn:
        begin_snapshot(conn)
        schema = str(schema_revision(conn))
        for table in data_tables(conn):
            with tempfile.SpooledTemporaryFile(max_size=_SPOOL) as spool:
                count = 0
                for row in read_rows(conn, table, writer.add):
                    spool.write(json.dumps(row, ensure_ascii=False).encode() + b"\n")
                    count += 1
                rows[table.name] = count
                writer.add_stream(f"tables/{table.name}.jsonl", spool, spool.tell())
        blobs = len([n for n in writer.sums if n.startswith("raw/")])
        conn.rollback()
    return RecordSummary(schema, rows, blobs)


def restore_record(engine: Engine, path: Path) -> RecordSummary:
    with reading(path) as reader:
        schema = str(reader.manifest["schema"])
        _check_target(engine, schema)
        migrate(engine, schema)
        rows = _insert_all(engine, reader)
        migrate(engine)
        return RecordSummary(schema, rows, int(reader.manifest.get("raw_messages", 0)))


def _check_target(engine: Engine, schema: str) -> None:
    if not known_revision(schema):
        raise BackupRefused(
            f"the archive is from a newer schema ({schema}) than this tscp-bot knows; "
            "restore it with that version of tscp-bot or newer"
        )
    with engine.connect() as conn:
        tables = data_tables(conn)
        full = {name: n for name, n in row_counts(conn, tables).items() if n}
    if full:
        name, n = next(iter(full.items()))
        raise BackupRefused(
            f"the database is not empty ({name} has {n} row{'' if n == 1 else 's'}); restore "
            "only into a new, empty database"
        )
    have = current_revision(engine)
    if have is not None and have != schema:
        raise BackupRefused(
            f"the database already has schema {have} and the archive {schema}; restore into "
            "a new database without running init first"
        )


def _insert_all(engine: Engine, reader: ArchiveReader) -> dict[str, int]:
    rows: dict[str, int] = {}
    with engine.begin() as conn:
        tables = data_tables(conn)
        expected: dict[str, Any] = reader.manifest.get("rows", {})
        missing = set(expected) - {t.name for t in tables}
        if missing:
            raise BackupRefused(f"the archive has tables the schema lacks: {sorted(missing)}")
        for table in tables:
            if table.name in expected:
                rows[table.name] = _insert_table(conn, table, reader)
        reset_sequences(conn, tables)
    return rows


def _insert_table(conn: Connection, table: Table, reader: ArchiveReader) -> int:
    lines = reader.read(f"tables/{table.name}.jsonl").splitlines()
    return insert_rows(conn, table, (json.loads(line) for line in lines), reader.read)
