"""Every command that uses the records refuses a database at an older schema, or with none, in
one line naming `tscp-bot init` (exit 2, nothing touched), as `run` always did: on an older
schema `cases` and `triage list` answered as if all were well while reading tables a later
migration changed, and `outbox list` showed the database's own "no such column" error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.adapters.db.engine import head_revision, make_engine, migrate
from tests.fixtures.mail import drop_into_maildir, sin
from tests.test_cli import CORPUS, NOW, Run, cli, inbox, one_line_error, write_config

__all__ = ["cli"]  # the fixture this module borrows

OLDER = "0020"
COMMANDS = [
    ("cases",),
    ("case", "TSCP-2026-0001"),
    ("triage", "list"),
    ("triage", "done", "1"),
    ("outbox", "list"),
    ("outbox", "retry", "1"),
    ("report", "--from", "01/04/2026", "--to", "31/03/2027"),
    ("purge", "--dry-run"),
    ("chronology", "TSCP-2026-0001"),
    ("command", "TSCP-2026-0001", "Notified: 24/12/2026"),
    ("run", "--once"),
    ("run",),  # the daemon: refused before it starts (see _no_daemon)
]


@pytest.fixture(autouse=True)
def _no_daemon(monkeypatch: pytest.MonkeyPatch) -> None:
    """A daemon let start would run until killed: failing the test is enough."""
    import bot.scheduler

    def started(*_: object) -> None:
        raise AssertionError("the daemon started")

    monkeypatch.setattr(bot.scheduler, "run_daemon", started)


def _config_at(tmp_path: Path, database_url: str, revision: str | None) -> str:
    engine = make_engine(database_url)  # a SQLite file, empty until migrated
    try:
        if revision is not None:
            migrate(engine, revision)
    finally:
        engine.dispose()
    config = write_config(tmp_path, database_url)
    drop_into_maildir(inbox(config), sin())
    return str(config)


def _refused(cli: Run, config: str, args: tuple[str, ...], line: str) -> None:
    code, out, err = cli("--config", config, "--now", NOW, *args)
    assert (code, out, one_line_error(err)) == (2, "", f"tscp-bot: {line}\n"), args


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_command_on_an_older_schema_says_to_run_init(
    cli: Run, tmp_path: Path, database_url: str, args: tuple[str, ...]
) -> None:
    config = _config_at(tmp_path, database_url, OLDER)
    older = f"database schema {OLDER} is older than {head_revision()}: run `tscp-bot init`"
    _refused(cli, config, args, older)
    assert len(list((inbox(Path(config)) / "new").iterdir())) == 1, "the SIN waits in the inbox"


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_command_on_a_database_with_no_schema_says_to_run_init(
    cli: Run, tmp_path: Path, database_url: str, args: tuple[str, ...]
) -> None:
    config = _config_at(tmp_path, database_url, None)
    no_tables = "database: not set up yet (it has no tables): run `tscp-bot init` first"
    _refused(cli, config, args, no_tables)


def test_after_init_the_same_commands_answer(cli: Run, tmp_path: Path, database_url: str) -> None:
    config = _config_at(tmp_path, database_url, OLDER)
    assert cli("--config", config, "init")[0] == 0
    assert cli("--config", config, "--now", NOW, "run", "--once")[0] == 0
    code, out, _ = cli("--config", config, "cases", "--json")
    assert code == 0 and len(json.loads(out)) == 1


def test_classify_on_an_older_schema_is_refused_too(
    cli: Run, tmp_path: Path, database_url: str
) -> None:
    """classify reads the cases a message may belong to, so an older schema is refused as by
    other commands; with no schema at all it answers from the message alone (test_cli)."""
    eml = str(CORPUS / "sin-doc1-please-see-attached.eml")
    older = _config_at(tmp_path, database_url, OLDER)
    _refused(
        cli,
        older,
        ("classify", eml),
        f"database schema {OLDER} is older than {head_revision()}: run `tscp-bot init`",
    )


def test_status_names_the_older_schema_as_its_problem(
    cli: Run, tmp_path: Path, database_url: str
) -> None:
    """status is what monitoring calls: an older schema needs attention (exit 1), which exit 2
    ("no database") would misreport; its problem line says what to run."""
    config = _config_at(tmp_path, database_url, OLDER)
    code, out, err = cli("--config", config, "status")
    assert (code, err) == (1, "")
    assert (
        f"PROBLEM: database schema {OLDER} is older than {head_revision()}: run `tscp-bot init`"
        in out.splitlines()
    )
    code, out, _ = cli("--config", config, "status", "--json")
    assert json.loads(out)["problems"] == [
        f"database schema {OLDER} is older than {head_revision()}: run `tscp-bot init`"
    ]


def test_status_on_a_database_with_no_schema_says_to_run_init(
    cli: Run, tmp_path: Path, database_url: str
) -> None:
    config = _config_at(tmp_path, database_url, None)
    code, out, err = cli("--config", config, "status")
    assert (code, err) == (1, "")
    assert "PROBLEM: the database is not set up yet: run `tscp-bot init`" in out.splitlines()


def _two_revisions(database_url: str) -> None:
    """alembic_version holding two revisions, as no tscp-bot writes it (a hand edit, a branch
    of migrations from elsewhere): Alembic itself refuses such a database."""
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(f"INSERT INTO alembic_version VALUES ('{OLDER}')")
    finally:
        engine.dispose()


def test_status_with_two_schema_revisions_says_so_in_one_line(
    cli: Run, tmp_path: Path, database_url: str
) -> None:
    config = _config_at(tmp_path, database_url, "head")
    _two_revisions(database_url)
    several = (
        f"the database holds more than one schema revision ({OLDER}, {head_revision()}), "
        "which tscp-bot never writes: restore a backup, or leave in alembic_version only "
        "the revision its tables are at"
    )
    code, out, err = cli("--config", config, "status")
    assert (code, err) == (1, "")
    assert f"PROBLEM: {several}" in out.splitlines()
    code, out, _ = cli("--config", config, "status", "--json")
    assert code == 1 and json.loads(out)["problems"] == [several]
    # Every other command that reads the records refuses it the same way, before reading;
    # init too (Alembic would fail on it in its own words), and doctor fails it.
    _refused(cli, config, ("cases",), f"database: {several}")
    _refused(cli, config, ("init",), f"database: {several}")
    code, out, _ = cli("--config", config, "doctor")
    assert code == 1 and f"{several}" in out and "unexpected" not in out
    assert "warn deadlines: skipped: the database is at no one schema" in out.splitlines()
