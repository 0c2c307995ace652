"""Keeping the data safe, at the command line on real files: private modes for everything the bot
creates, a refusal to start on an exposed database or Maildir, purge, export and restore."""

from __future__ import annotations

import json
import mailbox
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.adapters.db.engine import make_engine
from bot.adapters.maildir_sender import MaildirSender
from tests.fixtures.mail import drop_into_maildir, email, sin
from tests.test_cli import Run, cli, inbox, one_line_error, outbox_folder, write_config

__all__ = ["cli"]  # the in-process command line fixture

NOW = "2026-12-23T09:00"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def careless_umask() -> Iterator[None]:
    """The umask most shells give (files 0644): the bot must not rely on a better one."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return write_config(tmp_path, "sqlite:///var/tscp-bot.sqlite3")


@pytest.fixture
def bot(cli: Run, config: Path, careless_umask: None) -> Run:
    def run(*args: str, now: str = NOW) -> tuple[int, str, str]:
        return cli("--config", str(config), "--now", now, *args)

    assert run("init")[0] == 0
    return run


def test_the_database_and_maildirs_are_created_private(bot: Run, config: Path) -> None:
    db = config.parent / "var" / "tscp-bot.sqlite3"
    assert (mode(db.parent), mode(db)) == (0o700, 0o600)
    drop_into_maildir(inbox(config), sin())
    code, _, err = bot("run", "--once")
    assert (code, err) == (0, "")
    for sqlite_file in db.parent.iterdir():  # the -wal and -shm files SQLite made beside it
        assert mode(sqlite_file) == 0o600, sqlite_file
    sent = outbox_folder(config)
    assert {mode(sent / sub) for sub in ("cur", "new", "tmp")} | {mode(sent)} == {0o700}
    files = list((sent / "new").iterdir())
    assert len(files) == 3 and {mode(f) for f in files} == {0o600}  # ack, invitation, digest


def test_adapters_make_private_files_even_when_called_without_the_cli(
    tmp_path: Path, careless_umask: None
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'state' / 'bot.sqlite3'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x)")
    engine.dispose()
    assert mode(tmp_path / "state") == 0o700
    assert {mode(p) for p in (tmp_path / "state").iterdir()} == {0o600}
    MaildirSender(tmp_path / "sent").send(email("Subject", "Body"), "a@b.example", ["c@d.example"])
    [stored] = (tmp_path / "sent" / "new").iterdir()
    assert (mode(tmp_path / "sent"), mode(stored)) == (0o700, 0o600)


@pytest.mark.parametrize(
    ("file_mode", "says"),
    [
        (0o644, "is readable by every user on this machine (mode 0644)"),
        (0o660, "can be changed by its group (mode 0660)"),
    ],
)
def test_run_refuses_an_exposed_database_naming_the_file_and_the_fix(
    bot: Run, config: Path, file_mode: int, says: str
) -> None:
    db = config.parent / "var" / "tscp-bot.sqlite3"
    db.chmod(file_mode)
    code, out, err = bot("run", "--once")
    assert (code, out) == (2, "")
    assert one_line_error(err) == (
        f"tscp-bot: refusing to start: {db} {says}; it holds raw emails about children: "
        f"chmod 600 {db}*\n"
    )
    db.chmod(0o640)  # a group that may read (a backup operator) is the council's choice
    assert bot("run", "--once")[0] == 0


def test_run_refuses_a_maildir_others_can_read(bot: Run, config: Path) -> None:
    drop_into_maildir(inbox(config), sin())
    (inbox(config) / "new").chmod(0o755)
    code, _, err = bot("run", "--once")
    assert code == 2
    assert f"{inbox(config) / 'new'} is readable by every user" in one_line_error(err)
    assert err.endswith(f"chmod -R go-rwx {inbox(config)}\n")
    assert len(list((inbox(config) / "new").iterdir())) == 1  # nothing was read or moved


def _closed_case_and_stray_mail(bot: Run, config: Path) -> None:
    drop_into_maildir(inbox(config), sin())
    assert bot("run", "--once")[0] == 0
    assert bot("command", "TSCP-2026-0001", "Notifiable: no", "Close: sent to us in error")[0] == 0
    box = inbox(config)
    drop_into_maildir(box, email("Lunch order", "Sandwiches?", sender="pat.invented@example.org"))
    assert bot("run", "--once")[0] == 0
    code, out, _ = bot("triage", "list", "--json")
    [waiting] = json.loads(out)
    assert code == 0
    assert bot("triage", "done", str(waiting["id"]))[0] == 0


def test_purge_dry_run_then_purge(bot: Run, config: Path) -> None:
    _closed_case_and_stray_mail(bot, config)
    later = "2065-01-05T09:00"  # 35 years after closing, and past every other period
    code, out, err = bot("purge", "--dry-run", now=later)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    # Dates as every other table writes them for people: a numeric one is misread by some.
    assert lines[0].startswith(
        "TSCP-2026-0001  closed_cases_years=35  since Wed 23 Dec 2026  rows: "
    )
    assert any(line.startswith("message #") for line in lines)
    assert lines[-1].startswith(f"would purge {len(lines) - 1} records (")
    for personal in ("Lunch", "pat.invented", "gmp.police.uk", "Sandwiches"):
        assert personal not in out
    assert bot("case", "TSCP-2026-0001")[0] == 0  # a dry run deletes nothing

    code, out, _ = bot("purge", "--json", now=later)
    purged = json.loads(out)["purged"]
    assert code == 0 and purged[0]["reference"] == "TSCP-2026-0001"
    assert purged[0]["rows"]["cases"] == 1 and purged[0]["rule"] == "closed_cases_years=35"
    code, _, err = bot("case", "TSCP-2026-0001")
    assert code == 3
    code, out, _ = bot("purge", now=later)
    assert out == "purged 0 records (0 rows)\n"
    code, out, _ = bot("purge", "--log")
    lines = out.splitlines()
    assert code == 0 and lines[-1] == f"{len(purged)} records purged in all"
    assert lines[0].startswith("Mon 5 Jan 2065 09:00  TSCP-2026-0001  closed_cases_years=35  ")
    code, out, _ = bot("purge", "--log", "--json")
    logged = json.loads(out)
    assert [r["reference"] for r in logged] == [p["reference"] for p in purged]
    assert logged[0]["purged_at"].startswith("2065-01-05T09:00")  # ISO for programs


def test_purge_keeps_an_open_case_however_old(bot: Run, config: Path) -> None:
    drop_into_maildir(inbox(config), sin())
    assert bot("run", "--once")[0] == 0
    code, out, _ = bot("purge", now="2099-01-05T09:00")
    assert code == 0 and "TSCP-2026-0001" not in out
    assert bot("case", "TSCP-2026-0001")[0] == 0


def test_export_then_restore_into_a_new_database(
    bot: Run, cli: Run, config: Path, tmp_path: Path
) -> None:
    _closed_case_and_stray_mail(bot, config)
    archive = tmp_path / "backup" / "record.tar.gz"
    archive.parent.mkdir()
    code, out, err = bot("export", str(archive))
    assert (code, err) == (0, "")
    assert out.startswith("exported ") and "raw emails (schema 0041)" in out
    assert mode(archive) == 0o600
    code, _, err = bot("export", str(archive))
    assert code == 2 and "already exists; export never overwrites" in one_line_error(err)

    code, _, err = bot("restore", str(archive))
    assert code == 2
    assert one_line_error(err).startswith("tscp-bot: restore: the database is not empty (")

    elsewhere = tmp_path / "restored"
    elsewhere.mkdir()
    other = write_config(elsewhere, "sqlite:///var/tscp-bot.sqlite3")
    code, out, err = cli("--config", str(other), "restore", str(archive))
    assert (code, err) == (0, "")
    assert out.startswith("restored ") and "now at the newest schema" in out
    code, out, _ = cli("--config", str(other), "--now", NOW, "case", "TSCP-2026-0001", "--json")
    assert code == 0 and json.loads(out)["status"] == "closed"


def test_export_to_no_folder_and_restore_of_a_cut_short_copy_say_what_to_do(
    bot: Run, cli: Run, config: Path, tmp_path: Path
) -> None:
    _closed_case_and_stray_mail(bot, config)
    code, _, err = bot("export", str(tmp_path / "no-such-folder" / "record.tar.gz"))
    assert (code, one_line_error(err)) == (
        2,
        f"tscp-bot: export: there is no folder {tmp_path / 'no-such-folder'}; create it first, "
        "or give another\n",
    )
    archive = tmp_path / "record.tar.gz"
    assert bot("export", str(archive))[0] == 0
    whole = archive.read_bytes()
    elsewhere = tmp_path / "restored"
    elsewhere.mkdir()
    other = write_config(elsewhere, "sqlite:///var/tscp-bot.sqlite3")
    for kept in (100, len(whole) // 2, len(whole) - 100):
        cut = tmp_path / f"cut-{kept}.tar.gz"
        cut.write_bytes(whole[:kept])
        code, _, err = cli("--config", str(other), "restore", str(cut))
        assert (code, one_line_error(err)) == (
            2,
            f"tscp-bot: restore: {cut} ends before the export does (a copy cut short, or a disk "
            "that filled); nothing was restored: copy the whole file again\n",
        ), kept
        assert not (elsewhere / "var" / "tscp-bot.sqlite3").exists()  # no empty file left
    code, _, _ = cli("--config", str(other), "restore", str(archive))
    assert code == 0  # the refused copies left nothing in the way of the whole one


def test_restore_of_something_else_is_one_line(bot: Run, tmp_path: Path) -> None:
    junk = tmp_path / "notes.tar.gz"
    junk.write_bytes(b"not an archive")
    code, _, err = bot("restore", str(junk))
    assert code == 2 and "is not a tscp-bot export" in one_line_error(err)


def test_restore_of_a_missing_file_says_there_is_no_such_file(bot: Run, tmp_path: Path) -> None:
    missing = tmp_path / "nonexistent.tar.gz"
    code, _, err = bot("restore", str(missing))
    assert (code, one_line_error(err)) == (2, f"tscp-bot: restore: no such file: {missing}\n")


def test_a_maildir_made_by_the_bot_passes_its_own_check(bot: Run, config: Path) -> None:
    # mailbox.Maildir makes 0700 folders; the bot's own outbox must not trip the check later.
    assert bot("run", "--once")[0] == 0
    mailbox.Maildir(outbox_folder(config), create=True).add(b"Subject: x\n\nbody\n")
    assert bot("run", "--once")[0] == 0


def test_files_the_command_line_writes_for_people_are_private(
    bot: Run, config: Path, tmp_path: Path
) -> None:
    drop_into_maildir(inbox(config), sin())
    assert bot("run", "--once")[0] == 0
    out = tmp_path / "chronology.csv"
    assert bot("chronology", "TSCP-2026-0001", "--csv", str(out))[0] == 0
    assert mode(out) == 0o600
    assert os.umask(0o022) == 0o022  # and the caller's umask is as it was before
