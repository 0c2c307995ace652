"""What the running daemon writes to its log: a wrong mailbox password once, clearly (while
`status` keeps saying so), and its jobs by their names."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, cast

import pytest

from bot.cli import main
from tests.daemon_helpers import daemon_app, daemon_config, running, wait_until
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.smtp import SmtpTestServer
from tests.test_cli import write_config


def test_a_wrong_mailbox_password_is_logged_once_and_stays_in_status(
    tmp_path: Path,
    migrated_database_url: str,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.INFO)
    config = daemon_config(tmp_path, migrated_database_url, dovecot, smtp_server)
    app = daemon_app(config, "not the password")
    monkeypatch.setenv("TEST_IMAP_PASSWORD", "not the password")

    def refused() -> list[logging.LogRecord]:
        return [r for r in caplog.records if "login refused" in r.getMessage()]

    with running(app):
        # Retries after 2, 4, 8 s: three refused logins within the wait.
        wait_until(
            lambda: sum("mailbox check failed" in r.getMessage() for r in refused()) >= 3,
            30,
            "three refused logins",
        )

        def status() -> dict[str, Any]:
            capsys.readouterr()
            main(["--config", str(config), "status", "--json"])
            return cast(dict[str, Any], json.loads(capsys.readouterr().out))

        # The third failure is logged before its job-health row is saved: wait for the row.
        wait_until(lambda: _mailbox(status())["failures"] >= 3, 30, "three failures saved")
        report = status()

    loud = [r for r in refused() if r.levelno >= logging.WARNING]
    assert len(loud) == 1, [r.getMessage() for r in loud]
    assert loud[0].getMessage().startswith("mailbox check failed: IMAP login refused for ")
    assert "not the password" not in caplog.text
    mailbox = _mailbox(report)
    assert mailbox["state"] == "failing" and mailbox["failures"] >= 3
    assert "IMAP login refused" in mailbox["last_error"]
    assert "IMAP login refused" in report["mailbox"]["last_error"]
    assert "_guarded" not in caplog.text and "<locals>" not in caplog.text


def _mailbox(report: dict[str, Any]) -> dict[str, Any]:
    return cast(dict[str, Any], next(j for j in report["jobs"] if j["name"] == "mailbox"))


def test_under_systemd_lines_carry_their_priority_and_no_timestamp() -> None:
    from bot.logs import JournalFormatter

    def line(level: int, text: str) -> str:
        record = logging.LogRecord("bot.scheduler", level, __file__, 1, text, None, None)
        return JournalFormatter().format(record)

    assert line(logging.ERROR, "mailbox check failed") == "<3>bot.scheduler: mailbox check failed"
    assert line(logging.WARNING, "w").startswith("<4>") and line(logging.INFO, "i")[:3] == "<6>"
    assert line(logging.DEBUG, "d").startswith("<7>")
    # A traceback is several journal entries: each keeps the record's priority.
    assert all(x.startswith("<3>") for x in line(logging.ERROR, "one\ntwo").splitlines())


@pytest.mark.parametrize("journal", [True, False])
def test_the_command_line_logs_for_the_journal_only_when_stderr_is_it(
    tmp_path: Path, journal: bool
) -> None:
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    stderr = tmp_path / "stderr"
    with stderr.open("w") as sink:
        st = os.fstat(sink.fileno())
        # systemd.exec(5): JOURNAL_STREAM is the device:inode of the stream it connected.
        named = f"{st.st_dev}:{st.st_ino}" if journal else f"{st.st_dev}:{st.st_ino + 1}"
        env = {**os.environ, "JOURNAL_STREAM": named}
        subprocess.run(
            [sys.executable, "-m", "bot.cli", "-v", "--config", str(config), "init"],
            stderr=sink,
            stdout=subprocess.DEVNULL,
            env=env,
            check=True,
        )
    lines = stderr.read_text().splitlines()
    assert lines, "init -v logs the migrations at INFO"
    if journal:
        # Every line, the second line of a message too, carries its record's priority.
        assert all(re.match(r"<[2-7]>", line) for line in lines), lines
        assert re.match(r"<6>[\w.]+: ", lines[0]), lines[0]
    else:
        assert all(re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ [A-Z]+ ", ln) for ln in lines[:1])
