"""Every table's rows as plain JSON values and back, for export and restore.

The tables are read from the database itself (reflected), not from the models, so an archive
made at an older schema restores through that schema's own columns before being upgraded. Values
are written by what the column is, which is the same on SQLite and PostgreSQL: times as ISO 8601
in UTC, dates as ISO dates, JSON as JSON, binary (the raw emails) as a separate file whose name
the row holds. So an archive from SQLite restores into PostgreSQL and back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, MetaData, Table, func, select, text
from sqlalchemy.types import JSON, Date, DateTime, LargeBinary

VERSION_TABLE = "alembic_version"
BLOB = "$file"  # {"$file": "raw/messages/12.raw.eml"}: the value is that archive member
_BATCH = 200


def data_tables(conn: Connection) -> list[Table]:
    """Every table but Alembic's own, parents before the tables that refer to them."""
    meta = MetaData()
    meta.reflect(conn)
    return [t for t in meta.sorted_tables if t.name != VERSION_TABLE]


def schema_revision(conn: Connection) -> str | None:
    """The Alembic revision, read in the caller's transaction (the export's snapshot)."""
    value = conn.scalar(text(f"SELECT version_num FROM {VERSION_TABLE}"))
    return None if value is None else str(value)


def row_counts(conn: Connection, tables: list[Table]) -> dict[str, int]:
    return {t.name: conn.scalar(select(func.count()).select_from(t)) or 0 for t in tables}


def begin_snapshot(conn: Connection) -> None:
    """One consistent view of every table while the daemon may be writing. PostgreSQL: a
    repeatable-read transaction. SQLite's driver only opens a transaction before a write, so it
    is opened by hand; with WAL the daemon can still write meanwhile."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN")
    else:
        conn.execution_options(isolation_level="REPEATABLE READ")
        conn.execute(text("SELECT 1"))


def read_rows(
    conn: Connection, table: Table, save_blob: Callable[[str, bytes], None]
) -> Iterator[dict[str, object]]:
    """The rows in primary-key order, binary values handed to `save_blob(name, bytes)`."""
    key = list(table.primary_key.columns) or list(table.columns)
    for row in conn.execute(select(table).order_by(*key)):
        values = row._mapping
        ident = "-".join(str(values[c.name]) for c in key)
        out: dict[str, object] = {}
        for column in table.columns:
            value = values[column.name]
            if isinstance(column.type, LargeBinary) and value is not None:
                name = f"raw/{table.name}/{ident}.{column.name}.eml"
                save_blob(name, bytes(value))
                out[column.name] = {BLOB: name}
            else:
                out[column.name] = _encode(value)
        yield out


def _encode(value: object) -> object:
    if isinstance(value, datetime):
        # SQLite hands back the stored UTC time without its zone.
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def insert_rows(
    conn: Connection,
    table: Table,
    rows: Iterator[dict[str, Any]],
    read_blob: Callable[[str], bytes],
) -> int:
    """Insert `rows` (as read_rows wrote them); columns the table lacks are an error."""
    count, batch = 0, []
    for row in rows:
        unknown = set(row) - set(table.columns.keys())
        if unknown:
            raise ValueError(f"{table.name}: the archive has columns the table lacks: {unknown}")
        batch.append({k: _decode(table, k, v, read_blob) for k, v in row.items()})
        if len(batch) == _BATCH:
            conn.execute(table.insert(), batch)
            count, batch = count + len(batch), []
    if batch:
        conn.execute(table.insert(), batch)
    return count + len(batch)


def _decode(table: Table, name: str, value: Any, read_blob: Callable[[str], bytes]) -> object:
    kind = table.columns[name].type
    if value is None or isinstance(kind, JSON):
        return value
    if isinstance(kind, LargeBinary):
        return read_blob(value[BLOB])
    if isinstance(kind, DateTime):
        return datetime.fromisoformat(value).astimezone(UTC)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    return value


def reset_sequences(conn: Connection, tables: list[Table]) -> None:
    """PostgreSQL numbers new rows from a sequence that the restored ids did not advance."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        if "id" not in table.columns or list(table.primary_key.columns.keys()) != ["id"]:
            continue
        seq = conn.scalar(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name})
        top = conn.scalar(select(func.max(table.c.id)))
        if seq is not None and top is not None:
            conn.execute(text("SELECT setval(:seq, :top)"), {"seq": seq, "top": top})
