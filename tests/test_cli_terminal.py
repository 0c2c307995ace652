"""What people type at the terminal: `-v` wherever it goes, dates written as in email."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from tests.fixtures.mail import drop_into_maildir, sin
from tests.test_cli import NOW, write_config

MAIN = "import sys; from bot.cli import main; sys.exit(main(sys.argv[1:]))"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def config(tmp_path: Path, migrated_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An initialised config on a database from the migrated template (as tests/test_cli.py's):
    `init` finds its schema current."""
    monkeypatch.delenv("TSCP_BOT_CONFIG", raising=False)
    path = write_config(tmp_path, migrated_database_url)
    assert main(["--config", str(path), "init"]) == 0
    return path


def one_line(err: str) -> str:
    assert err.startswith("tscp-bot: ") and err.count("\n") == 1 and "Traceback" not in err
    return err


# --- -v after the command ---------------------------------------------------------------------


def _stderr_of_a_pass(config: Path, *args: str) -> str:
    # A fresh interpreter: in-process, pytest's own log handler makes logging setup a no-op.
    done = subprocess.run(
        [sys.executable, "-c", MAIN, "--config", str(config), "--now", NOW, *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stderr


def test_verbose_after_the_command_logs_progress_as_before_it(config: Path) -> None:
    (config.parent / "mail").mkdir(exist_ok=True)
    inbox = config.parent / "mail" / "inbox"
    # Each pass opens a new case, so each has mail to send and progress to log.
    drop_into_maildir(inbox, sin("<one@gmp.police.uk>"))
    after = _stderr_of_a_pass(config, "run", "--once", "-v")
    assert " INFO " in after  # the acknowledgement stored in the outbox Maildir, at least
    drop_into_maildir(inbox, sin("<two@gmp.police.uk>"))
    assert " INFO " not in _stderr_of_a_pass(config, "run", "--once")
    drop_into_maildir(inbox, sin("<three@gmp.police.uk>"))
    assert " INFO " in _stderr_of_a_pass(config, "-v", "run", "--once")


def test_verbose_after_a_listing_and_a_calendar_action_is_accepted(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "--config", str(config), "cases", "-v") == (0, "(none)\n", "")
    code, out, _ = run(capsys, "--config", str(config), "calendar", "add", "-v", "23/12/2026", "2")
    assert code == 0 and out.startswith("Tue 29 Dec 2026")


# --- dates as in email ------------------------------------------------------------------------


def test_calendar_reads_day_first_dates_and_iso_alike(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ("--config", str(config), "calendar")
    code, out, _ = run(capsys, *base, "add", "23/12/2026", "2", "--json")
    assert code == 0 and json.loads(out)["date"] == "2026-12-29"
    assert run(capsys, *base, "between", "23/12/2026", "2026-12-29")[:2] == (0, "2\n")
    assert run(capsys, *base, "between", "23 December 2026", "04/01/2027")[:2] == (0, "5\n")


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("calendar", "add", "31/02/2027", "1"), "31/02/2027 is not a real date"),
        (("calendar", "between", "23/12/2026", "12/25/2026"), "read day first"),
        (("calendar", "add", "2026-13-01", "1"), "2026-13-01 is not a real date"),
        (("run", "--once", "--since", "30/02/2026"), "--since: 30/02/2026 is not a real date"),
    ],
)
def test_an_impossible_date_is_one_clear_line_and_exit_2(
    config: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], named: str
) -> None:
    code, out, err = run(capsys, "--config", str(config), "--now", NOW, *args)
    assert (code, out) == (2, "")
    assert named in one_line(err)


def test_run_since_reads_a_day_first_date(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (config.parent / "mail").mkdir(exist_ok=True)
    inbox = config.parent / "mail" / "inbox"
    drop_into_maildir(inbox, sin("<old@gmp.police.uk>"), arrived=datetime(2026, 11, 30, tzinfo=UTC))
    code, out, err = run(
        capsys, "--config", str(config), "--now", NOW, "run", "--once", "--since", "01/12/2026"
    )
    assert (code, err) == (0, "")
    assert "Left 1 message that arrived before Tue 1 Dec 2026 in the inbox" in out
