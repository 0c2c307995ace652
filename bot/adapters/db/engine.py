"""Engine, sessions and migrations: the only place that knows how to reach the database."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import OperationalError, ProgrammingError, SQLAlchemyError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

from bot.adapters.private_files import create_private_file, make_private_dir

MIGRATIONS = Path(__file__).resolve().parent.parent.parent / "migrations"


class NoDatabase(Exception):
    """The SQLite file the config names does not exist, and the command only uses a database."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"there is no database file at {path}: run `tscp-bot init` first, or check "
            "[database] url"
        )


def make_engine(url: str, *, busy_seconds: int = 30, create: bool = True) -> Engine:
    """`busy_seconds`: how long a SQLite write waits for another's lock before failing.
    `create`: a SQLite file that does not exist yet is made (for `init` and `restore`); without
    it, NoDatabase is raised, so a mistyped path never leaves an empty database behind.

    hide_parameters: a database error's text would otherwise carry the statement's values
    (a raw email, a child's name read from a form) into the log and onto the terminal."""
    if not create and (missing := missing_sqlite_file(url)) is not None:
        raise NoDatabase(missing)
    if url.startswith("sqlite"):
        _ensure_sqlite_folder(url)
        engine = create_engine(url, connect_args={"timeout": busy_seconds}, hide_parameters=True)
        event.listen(engine, "connect", partial(_sqlite_pragmas, busy_ms=busy_seconds * 1000))
        return _plain_savepoints(engine)
    return _plain_savepoints(create_engine(url, pool_pre_ping=True, hide_parameters=True))


def _plain_savepoints(engine: Engine) -> Engine:
    """Savepoints sent as the statements they are. SQLAlchemy compiles its savepoint clauses
    afresh every time (they are never cached), and a backlog takes a savepoint per message to
    store it and another to process it: compiling them was a tenth of the cost of plain mail.
    The names are SQLAlchemy's own ("sa_savepoint_7"), quoted as its compiler would."""
    dialect = engine.dialect
    quote = dialect.identifier_preparer.quote

    def savepoint(connection: Connection, name: str) -> None:
        connection.exec_driver_sql(f"SAVEPOINT {quote(name)}")

    def release(connection: Connection, name: str) -> None:
        connection.exec_driver_sql(f"RELEASE SAVEPOINT {quote(name)}")

    def rollback_to(connection: Connection, name: str) -> None:
        connection.exec_driver_sql(f"ROLLBACK TO SAVEPOINT {quote(name)}")

    dialect.do_savepoint = savepoint  # type: ignore[method-assign]
    dialect.do_release_savepoint = release  # type: ignore[method-assign]
    dialect.do_rollback_to_savepoint = rollback_to  # type: ignore[method-assign]
    return engine


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL; None for any other database or an in-memory one."""
    path = url.removeprefix("sqlite:///")
    if not path or path == url or path == ":memory:":
        return None
    return Path(path)


def missing_sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names, when it does not exist; None otherwise."""
    path = sqlite_file(url)
    return path if path is not None and not path.exists() else None


def _ensure_sqlite_folder(url: str) -> None:
    # The file holds raw emails about children: its folder 0700 and itself 0600 from the
    # start (SQLite would create it with the process's umask, often 0644).
    path = sqlite_file(url)
    if path is not None:
        make_private_dir(path.parent)
        create_private_file(path)


def _sqlite_pragmas(dbapi_connection: Any, _record: object, *, busy_ms: int) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the CLI read while the daemon writes; foreign keys are off by default in SQLite.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
    cursor.close()


class NewerSchema(Exception):
    """The database was upgraded by a newer tscp-bot than this one: exit 2, nothing touched."""


class SeveralRevisions(Exception):
    """alembic_version holds more than one revision: tscp-bot's migrations are one chain, so
    no tscp-bot wrote it, no command can tell which schema the tables are at, and Alembic
    itself refuses to upgrade it. Exit 2, nothing touched; `status` names it as its problem."""

    def __init__(self, revisions: list[str]) -> None:
        self.revisions = sorted(revisions)
        super().__init__(
            f"the database holds more than one schema revision ({', '.join(sorted(revisions))}), "
            "which tscp-bot never writes: restore a backup, or leave in alembic_version only "
            "the revision its tables are at"
        )


def migration_ids() -> set[str]:
    """The revisions this code has, from the migration files' names ("0025_purge_log.py"), so
    that every command can check the schema without loading Alembic (a test holds the names
    to Alembic's own list)."""
    return {p.name.partition("_")[0] for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py")}


def refuse_newer_schema(engine: Engine) -> None:
    """Raise NewerSchema when the database's revision is one this code does not have.

    An older bot must not write to a schema it does not know (a column it leaves out may be
    one the newer bot relies on), nor try to migrate it: there is no downgrade. A database with
    no schema yet passes, so that `init` can create it."""
    _refuse_unknown(_stored_revisions(engine) or [])


def _stored_revisions(engine: Engine) -> list[str] | None:
    """The revisions alembic_version holds ([] with no such table: not set up yet); None when
    the database cannot be reached, which the command's own use of it says, in its words."""
    try:
        connection = engine.connect()
    except SQLAlchemyError:
        return None
    with connection:
        try:
            found = connection.exec_driver_sql("SELECT version_num FROM alembic_version")
        except (OperationalError, ProgrammingError):
            return []
        return [str(v) for v in found.scalars()]


def _refuse_unknown(revisions: list[str]) -> None:
    unknown = sorted(set(revisions) - migration_ids())
    if unknown:
        newest = max(migration_ids())
        raise NewerSchema(
            f"the database was upgraded by a newer tscp-bot (schema {', '.join(unknown)}; this "
            f"one knows up to {newest}): install that version or newer"
        )


def _refuse_foreign(revisions: list[str]) -> None:
    """NewerSchema, or SeveralRevisions: a schema no tscp-bot of this one's line wrote."""
    _refuse_unknown(revisions)
    if len(revisions) > 1:
        raise SeveralRevisions(revisions)


class OlderSchema(Exception):
    """The database's schema is older than this code: `init` upgrades it; exit 2."""


class NoSchema(Exception):
    """The database has no schema yet: `init` creates it; exit 2."""

    def __init__(self) -> None:
        super().__init__("database: not set up yet (it has no tables): run `tscp-bot init` first")


def refuse_unusable_schema(engine: Engine, *, empty_ok: bool = False) -> None:
    """Raise NewerSchema, SeveralRevisions, OlderSchema or NoSchema unless the database is at
    this code's schema.

    Every command that reads or writes the records asks this first: on an older schema a
    listing quietly left out what a later migration added, or showed the database's own error
    ("no such column: outbox.stated"), where one line says what to do. One SELECT, without
    Alembic, as for the newer check. `empty_ok`: a command that works before `init` (`classify`,
    `extract`). A database that cannot be reached passes: the command's own use of it says so."""
    revisions = _stored_revisions(engine)
    if revisions is None:
        return
    _refuse_foreign(revisions)
    if not revisions:
        if not empty_ok:
            raise NoSchema()
        return
    newest = head_revision()
    if revisions[0] != newest:
        raise OlderSchema(
            f"database schema {revisions[0]} is older than {newest}: run `tscp-bot init`"
        )


def make_sessions(engine: Engine) -> sessionmaker[Session]:
    # The ORM is imported by what uses sessions: the list of cases reads with Core alone.
    from sqlalchemy.orm import sessionmaker

    return sessionmaker(engine, expire_on_commit=False)


def migrate(engine: Engine, revision: str = "head") -> None:
    """Create or upgrade the schema to `revision` (the newest by default); safe to run again."""
    # Alembic is imported by what migrates or reports the schema only, not by every command.
    from alembic import command
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    # Else Alembic fails on an unknown revision, or on several, in its own words.
    _refuse_foreign(_stored_revisions(engine) or [])
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _sqlite_foreign_keys(connection, on=False)
        try:
            with connection.begin():
                cfg.attributes["connection"] = connection
                command.upgrade(cfg, revision)
                if sqlite:
                    _refuse_broken_references(connection)
        finally:
            if sqlite:
                _sqlite_foreign_keys(connection, on=True)


def _sqlite_foreign_keys(connection: Connection, *, on: bool) -> None:
    # SQLite alters a table by copying it to a new one and dropping the old: with foreign keys
    # enforced, dropping `cases` fails once deadlines, messages or events refer to it, so a
    # database holding real cases could not be upgraded. SQLite's own advice is to switch the
    # checks off around the change (the pragma is ignored inside a transaction, hence here)
    # and to verify the references afterwards.
    connection.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    connection.commit()


def _refuse_broken_references(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        tables = sorted({str(row[0]) for row in broken})
        raise RuntimeError(f"the upgrade would leave rows referring to nothing in {tables}")


def current_revision(engine: Engine) -> str | None:
    """The database's schema revision; None when it has none yet (no alembic_version table,
    or an empty one); SeveralRevisions when it holds more than one. One SELECT, as Alembic
    itself reads it, without loading Alembic: that was a third of what `status` cost to
    start."""
    with engine.connect() as connection:  # unreachable: raised, for the caller to say so
        try:
            found = connection.exec_driver_sql("SELECT version_num FROM alembic_version")
        except (OperationalError, ProgrammingError):
            return None  # no alembic_version table: not set up yet
        versions = [str(v) for v in found.scalars()]
    if len(versions) > 1:
        raise SeveralRevisions(versions)
    return versions[0] if versions else None


def known_revision(revision: str) -> bool:
    """Whether this code has the migration `revision` (one it lacks is from a newer bot)."""
    return revision in migration_ids()


def head_revision() -> str | None:
    """The newest migration this code knows: the revisions are numbered in the order they
    apply, so the highest number is Alembic's head (a test holds it to Alembic's own)."""
    return max(migration_ids(), default=None)
