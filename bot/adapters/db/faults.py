"""Which database errors are the database's own passing trouble: the drivers' codes mapped to
bot.core.database_trouble.DatabaseFault, so the rest of the bot never reads a SQLSTATE."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

from bot.core.database_trouble import OUTAGE, DatabaseFault, marked
from bot.core.health import describe

# PostgreSQL's SQLSTATEs (Appendix A of its manual).
_POSTGRES = {
    "55P03": DatabaseFault.LOCKED,  # lock_not_available: lock_timeout, NOWAIT
    "40P01": DatabaseFault.DEADLOCK,
    "40001": DatabaseFault.SERIALIZATION,
    "57P01": DatabaseFault.CONNECTION,  # admin_shutdown: pg_terminate_backend, a fast stop
    "57P02": DatabaseFault.CONNECTION,  # crash_shutdown
    "57P03": DatabaseFault.CONNECTION,  # cannot_connect_now: starting up, in recovery
    "53100": DatabaseFault.FULL,  # disk_full
}
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_FULL = 5, 6, 13


def database_fault(exc: BaseException) -> DatabaseFault | None:
    """The passing trouble `exc` is, or None when it may be the message's own fault.

    SQLAlchemy raises its own errors on a session whose connection just died (a rollback it
    could not do); the driver's error they followed is then the one that says why. So does a
    rollback to a savepoint SQLite had already undone itself, as it does on a full disk."""
    seen: BaseException | None = exc
    for _ in range(5):
        if isinstance(seen, DBAPIError):
            fault = _driver_fault(seen)
            if fault is not None or not _rollback(seen):
                return fault
            # The driver's error is the rollback's; the one it was handling is the cause.
            seen = seen.orig.__context__ if seen.orig is not None else None
            continue
        if not isinstance(seen, SQLAlchemyError):
            return None
        seen = seen.__cause__ or seen.__context__
    return None


def _rollback(exc: DBAPIError) -> bool:
    """A failed ROLLBACK: it says nothing of why; the error before it does."""
    return str(exc.statement or "").lstrip().upper().startswith("ROLLBACK")


def _driver_fault(exc: DBAPIError) -> DatabaseFault | None:
    if exc.connection_invalidated:
        return DatabaseFault.CONNECTION
    orig = exc.orig
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int):
        # The extended codes (SQLITE_BUSY_SNAPSHOT, ...) keep the primary one in the low byte.
        if code & 0xFF == _SQLITE_FULL:
            return DatabaseFault.FULL  # a message stored later is processed once room is made
        return DatabaseFault.LOCKED if code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED) else None
    state = getattr(orig, "sqlstate", None)
    if not isinstance(state, str):
        # psycopg gives no SQLSTATE when the server never answered: unreachable, or gone.
        psycopg = type(orig).__module__.startswith("psycopg")
        return DatabaseFault.CONNECTION if psycopg and isinstance(exc, OperationalError) else None
    # Class 08: the connection failed, was refused or dropped.
    return DatabaseFault.CONNECTION if state.startswith("08") else _POSTGRES.get(state)


def job_error(exc: BaseException) -> str:
    """A failed job's error as recorded (bot.core.health.describe), marked as the database's
    when the database was away or refusing, so one outage is told as one trouble, not one per
    job it stopped."""
    said = describe(exc)
    fault = database_fault(exc)
    return marked(fault, said) if fault is not None and fault in OUTAGE else said
