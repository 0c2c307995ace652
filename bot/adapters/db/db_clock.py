"""The database server's clock: the one clock every bot instance sharing the database reads.

A claim on an outbox row is a time until which one instance may send it. Measured by each
instance's own clock, two machines whose clocks differ by more than the claim (or a command
run with `--now` in the future) would both think they hold it; measured by the database's
clock, they agree.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, func, select
from sqlalchemy.orm import Session

# Now on PostgreSQL's clock, as a value a statement reads where it needs it (each reading is
# the time it is read, not the transaction's start).
SERVER_NOW = func.clock_timestamp(type_=DateTime(timezone=True))
_CLOCK_TIMESTAMP = select(SERVER_NOW)


def server_clock(session: Session) -> bool:
    """Whether the database's clock is its server's (PostgreSQL), which a statement can read
    itself (SERVER_NOW) instead of a statement of its own; else it is this process's (SQLite)."""
    return session.get_bind().dialect.name != "sqlite"


def database_now(session: Session) -> datetime:
    """Now by the database's clock, aware UTC (PostgreSQL's clock_timestamp, not the
    transaction's start; SQLite's is this machine's, the only one that can open its file)."""
    if not server_clock(session):
        return process_now()
    value = session.scalar(_CLOCK_TIMESTAMP)
    if not isinstance(value, datetime):
        raise TypeError(f"the database's clock gave {value!r}")
    return value.astimezone(UTC)


def process_now() -> datetime:
    """SQLite's clock: the one its "now" reads is this process's own, so it is read here, not
    asked for (two statements an email sent), to the millisecond as SQLite tells it."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)
