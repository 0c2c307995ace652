"""The daemon as an administrator runs it: a real process, IMAP IDLE, SMTP, and SIGTERM."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
import tomli_w

from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.mail import sin
from tests.fixtures.real_servers import write_config
from tests.fixtures.smtp import SmtpTestServer

BIN = Path(sys.executable).parent / "tscp-bot"


@pytest.fixture
def daemon_config(
    tmp_path: Path, migrated_database_url: str, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> Path:
    config = write_config(tmp_path, migrated_database_url, dovecot, smtp_server, poll_seconds=60)
    env = {"TEST_IMAP_PASSWORD": dovecot.password, "PATH": "/usr/bin:/bin"}
    subprocess.run([BIN, "--config", config, "init"], check=True, env=env, capture_output=True)
    return config


def test_daemon_picks_up_mail_by_idle_and_stops_on_sigterm(
    daemon_config: Path, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> None:
    env = {"TEST_IMAP_PASSWORD": dovecot.password, "PATH": "/usr/bin:/bin"}
    proc = subprocess.Popen(
        [BIN, "--config", daemon_config, "--now", "2026-12-23T07:00", "-v", "run"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(2)  # let it connect and enter IDLE on the empty inbox
        dovecot.append(sin())
        # poll_seconds is 60: arriving well inside that proves IDLE woke the watcher.
        _wait_for_two_emails(smtp_server)
    finally:
        err = _stopped(proc)
    assert any(b"[TSCP-2026-0001]" in r.raw for r in smtp_server.messages), err
    assert proc.returncode == 0, err
    assert "stopped" in err
    assert "Traceback" not in err
    assert dovecot.list_uids("INBOX") == []


def _wait_for_two_emails(smtp_server: SmtpTestServer) -> None:
    deadline = time.monotonic() + 20
    while len(smtp_server.messages) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)


def _stopped(proc: subprocess.Popen[str]) -> str:
    """SIGTERM, and what the daemon wrote to stderr by the time it stopped."""
    proc.send_signal(signal.SIGTERM)
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    return err


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(n) for n in (task / "children").read_text().split()]
    return found


def test_a_daemon_told_to_read_in_its_own_process_starts_no_other(
    daemon_config: Path, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> None:
    """`[ingest] read_in_child = false` (a sandbox that allows no child process): the reading
    process's forkserver, which `run` otherwise starts at once, is never started, and a SIN
    is still read and acknowledged."""
    data = tomllib.loads(daemon_config.read_text())
    data.setdefault("ingest", {})["read_in_child"] = False
    daemon_config.write_text(tomli_w.dumps(data))
    env = {"TEST_IMAP_PASSWORD": dovecot.password, "PATH": "/usr/bin:/bin"}
    proc = subprocess.Popen(
        [BIN, "--config", daemon_config, "--now", "2026-12-23T07:00", "run"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(2)  # started, connected and idle on the empty inbox
        started = _children(proc.pid)
        dovecot.append(sin())
        _wait_for_two_emails(smtp_server)  # the acknowledgement and the invitation
        after_a_sin = _children(proc.pid)
    finally:
        err = _stopped(proc)
    assert any(b"[TSCP-2026-0001]" in r.raw for r in smtp_server.messages), err
    assert (started, after_a_sin) == ([], [])
