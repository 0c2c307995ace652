"""Mail queued by one instance wakes another instance's sender: a real `tscp-bot run` process,
whose outbox runs hourly, sends an email another instance commits within seconds, and only
because of the signal (PostgreSQL's NOTIFY, a bell file beside a SQLite database): one
committed without it waits for the hour. A draft approved at the terminal goes at once too."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.adapters.db.models import JobHealth, OutboxMessage
from bot.app import App
from bot.services.outbox_bell import OutboxBell
from tests.daemon_helpers import daemon_app, daemon_config, wait_until
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.outbox_rows import invented_alert
from tests.fixtures.smtp import SmtpTestServer

BIN = Path(sys.executable).parent / "tscp-bot"
AN_HOUR = 3600


@pytest.fixture
def config(
    tmp_path: Path, migrated_database_url: str, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> Path:
    return daemon_config(
        tmp_path, migrated_database_url, dovecot, smtp_server, outbox_every_seconds=AN_HOUR
    )


@pytest.fixture
def other(config: Path, dovecot: DovecotServer) -> Iterator[App]:
    """Another instance: its own process's sessions, as a running daemon's."""
    app = daemon_app(config, dovecot.password)
    yield app
    app.close()


@pytest.fixture
def sender(config: Path, dovecot: DovecotServer, other: App) -> Iterator[None]:
    """A real daemon whose outbox has run once (at start, empty) and next runs in an hour."""
    proc = subprocess.Popen(
        [BIN, "--config", config, "--now", "2026-12-23T07:00", "run"],
        env={"PATH": "/usr/bin:/bin", "TEST_IMAP_PASSWORD": dovecot.password},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until(lambda: _outbox_ran(other), 60, "the daemon's first outbox run")
        time.sleep(2)  # its listener has connected (it connects as the sender starts)
        yield
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()


def _outbox_ran(app: App) -> bool:
    with app.sessions() as s:
        return s.scalar(select(JobHealth.last_ok_at).where(JobHealth.name == "outbox")) is not None


def _queue(app: App, key: str, *, draft: bool = False) -> int:
    with app.sessions() as s:
        s.add(invented_alert(key, datetime.now(UTC), draft=draft))
        s.commit()
        found = s.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key))
        assert found is not None
        return found


def _arrived(smtp: SmtpTestServer, key: str) -> bool:
    return any(f"Subject: {key}".encode() in m.raw for m in smtp.messages)


def test_mail_another_instance_queues_is_sent_at_once(
    sender: None, other: App, smtp_server: SmtpTestServer
) -> None:
    # Committed without a bell (a command at the terminal): it waits for the hourly run.
    _queue(other, "wake-test-quiet")
    time.sleep(5)
    assert not _arrived(smtp_server, "wake-test-quiet")
    # Committed by an instance with its bell attached: the signal wakes the daemon's sender,
    # which sends everything due (the quiet one too).
    bell = OutboxBell()
    bell.attach(other.sessions)
    try:
        _queue(other, "wake-test-rung")
        wait_until(lambda: _arrived(smtp_server, "wake-test-rung"), 10, "the signal's wake")
    finally:
        bell.detach()
    assert _arrived(smtp_server, "wake-test-quiet")


def test_a_draft_approved_at_the_terminal_is_sent_at_once(
    sender: None, config: Path, other: App, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> None:
    draft = _queue(other, "wake-test-draft", draft=True)
    time.sleep(2)
    assert not _arrived(smtp_server, "wake-test-draft")  # a draft waits for its approval
    done = subprocess.run(
        [BIN, "--config", config, "--now", "2026-12-23T07:00", "outbox", "approve", str(draft)],
        env={"PATH": "/usr/bin:/bin", "TEST_IMAP_PASSWORD": dovecot.password},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("the running bot has been woken to send it")
    wait_until(lambda: _arrived(smtp_server, "wake-test-draft"), 10, "the approval's wake")
