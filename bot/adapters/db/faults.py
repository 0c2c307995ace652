"""Which database errors are the database's own passing trouble: the drivers' codes mapped to
bot.core.database_trouble.DatabaseFault, so the rest of the bot never reads a SQLSTATE."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

from bot.core.database_trouble import OUTAGE, DatabaseFault, marked, unknown_marked
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
    "53200": DatabaseFault.RESOURCES,  # out_of_memory
    "53300": DatabaseFault.RESOURCES,  # too_many_connections
    "53400": DatabaseFault.RESOURCES,  # configuration_limit_exceeded
    "25006": DatabaseFault.READ_ONLY,  # read_only_sql_transaction: a standby after a failover
    "58030": DatabaseFault.STORAGE,  # io_error
}
# SQLite's primary result codes (https://sqlite.org/rescode.html); the extended codes
# (SQLITE_BUSY_SNAPSHOT, SQLITE_IOERR_WRITE, ...) keep the primary one in the low byte.
_SQLITE = {
    5: DatabaseFault.LOCKED,  # SQLITE_BUSY
    6: DatabaseFault.LOCKED,  # SQLITE_LOCKED
    7: DatabaseFault.RESOURCES,  # SQLITE_NOMEM
    8: DatabaseFault.READ_ONLY,  # SQLITE_READONLY: the file or its disk made read-only
    10: DatabaseFault.STORAGE,  # SQLITE_IOERR
    13: DatabaseFault.FULL,  # SQLITE_FULL: processed once room is made
    14: DatabaseFault.STORAGE,  # SQLITE_CANTOPEN: the file or its folder gone or locked away
}


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
        return _SQLITE.get(code & 0xFF)
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
    if fault is not None:
        return marked(fault, said) if fault in OUTAGE else said
    code = unknown_code(exc)
    return unknown_marked(code, said) if code is not None else said


def unknown_code(exc: BaseException) -> str | None:
    """The driver's name for a database error of no known fault (its class and SQLSTATE, or
    SQLite's result code), so every job meeting the same one is one trouble; None when `exc`
    did not come from the database."""
    seen: BaseException | None = exc
    for _ in range(5):
        if isinstance(seen, DBAPIError) and seen.orig is not None:
            orig = seen.orig
            code = getattr(orig, "sqlstate", None) or getattr(orig, "sqlite_errorname", None)
            return f"{type(orig).__name__} {code}" if code else type(orig).__name__
        if not isinstance(seen, SQLAlchemyError):
            return None
        seen = seen.__cause__ or seen.__context__
    return None
