"""The watchdog and `tscp-bot status`: a hung job is reported; the exit code says healthy (0),
needs attention (1) or no database (2), in one line without a traceback."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
import tomli_w

from bot.adapters.db.engine import head_revision
from bot.cli import main
from tests.daemon_helpers import daemon_app, daemon_config, running, wait_until
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.mail import sin
from tests.fixtures.smtp import SmtpTestServer


class SilentServer:
    """Accepts connections and never says a word: a mail server that has hung."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self) -> None:
        # shutdown wakes the thread blocked in accept(); close alone would leave it listening.
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        # A connection accepted just before the shutdown is appended after it: wait for the
        # thread, or that one (the watchdog's alert, say) would hang until its send timed out.
        self.thread.join(timeout=5)
        for conn in list(self.accepted):
            conn.close()


@pytest.fixture
def silent() -> Iterator[SilentServer]:
    server = SilentServer()
    yield server
    server.close()


def _status(config: Path, *extra: str) -> int:
    return main(["--config", str(config), "status", *extra])


def test_a_hung_job_is_reported_stalled_in_status(
    tmp_path: Path,
    migrated_database_url: str,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
    silent: SilentServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = daemon_config(tmp_path, migrated_database_url, dovecot, smtp_server, stall_factor=2)
    data = tomllib.loads(config.read_text())
    data["outgoing"]["smtp"]["port"] = silent.port
    config.write_bytes(tomli_w.dumps(data).encode())
    monkeypatch.setenv("TEST_IMAP_PASSWORD", dovecot.password)
    app = daemon_app(config, dovecot.password)
    with running(app):
        dovecot.append(sin())
        wait_until(lambda: len(silent.accepted) >= 1, 15, "the outbox connecting")
        capsys.readouterr()

        seen: dict[str, object] = {}

        def reported() -> bool:
            # The send hangs as soon as the SIN's acknowledgement is queued, while the
            # mailbox pass that queued it may still be finishing, and the next pass may start
            # at any time: judge one status report in which the mailbox is between passes.
            seen["code"] = _status(config)
            seen["out"] = out = capsys.readouterr().out
            return "outbox         stalled" in out and "mailbox        ok" in out

        wait_until(reported, 10, "status reporting the hung outbox")
        code, out = seen["code"], str(seen["out"])
        silent.close()  # the hung send fails at once, so the daemon can stop
    assert code == 1
    assert "outbox         stalled" in out
    assert "PROBLEM: the outbox job has not finished" in out
    assert "mailbox        ok" in out


def test_status_on_a_fresh_database_says_no_bot_was_ever_started(
    bot: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Straight after `init`, before the service is started: the schema is current, but no
    bot reads the mailbox, which a monitor must hear (it said healthy)."""
    code = _status(tmp_path / "config.toml")
    out = capsys.readouterr().out
    assert code == 1, out
    head = head_revision()
    assert f"schema {head}, newest {head}" in out
    assert "PROBLEM: no bot instance has ever been heard from (last heard from: never)" in out
    assert "status: NEEDS ATTENTION" in out


def test_a_bot_run_by_run_once_alone_is_not_called_never_started(
    bot: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`run --once` from cron beats no heart; its jobs' health says it ran, and whether it
    still does (a job not run for too long is stalled)."""
    config = tmp_path / "config.toml"
    assert main(["--config", str(config), "run", "--once"]) == 0
    capsys.readouterr()
    _status(config)
    out = capsys.readouterr().out
    assert "ever been heard from" not in out, out


def test_status_says_in_one_line_when_the_database_cannot_be_reached(
    tmp_path: Path,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TEST_IMAP_PASSWORD", dovecot.password)
    folder = tmp_path / "not-a-database"
    folder.mkdir()
    for url in (f"sqlite:///{folder}", "postgresql+psycopg://nobody@127.0.0.1:1/none"):
        config = daemon_config(tmp_path, url, dovecot, smtp_server)
        assert _status(config) == 2
        err = capsys.readouterr().err
        assert err.startswith("tscp-bot: database unreachable: ") and err.count("\n") == 1
        assert "Traceback" not in err


def test_status_says_when_the_next_digest_is_due(
    bot: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before the digest goes on Christmas Eve: that morning; once queued: Tue 29 Dec, after
    Christmas Day and the Boxing Day substitute (Mon 28 Dec)."""
    config = str(tmp_path / "config.toml")
    main(["--config", config, "--now", "2026-12-24T07:00", "status", "--json"])
    assert json.loads(capsys.readouterr().out)["next_digest"].startswith("2026-12-24T08:00")
    assert main(["--config", config, "--now", "2026-12-24T09:00", "run", "--once"]) == 0
    capsys.readouterr()
    main(["--config", config, "--now", "2026-12-24T09:30", "status"])
    assert "next digest: Tue 29 Dec 2026 08:00" in capsys.readouterr().out
