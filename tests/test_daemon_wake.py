"""The daemon answers at once: a SIN picked up by IMAP IDLE is acknowledged without waiting for
the outbox's interval, which here is an hour, so only the wake can have sent it."""

from __future__ import annotations

import logging
import time
import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select

from bot.adapters.db.models import JobHealth, OutboxMessage
from tests.daemon_helpers import acknowledged, daemon_app, daemon_config, running, wait_until
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.mail import sin
from tests.fixtures.smtp import SmtpTestServer

AN_HOUR = 3600


@pytest.fixture
def config(
    tmp_path: Path, migrated_database_url: str, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> Path:
    path = daemon_config(
        tmp_path, migrated_database_url, dovecot, smtp_server, outbox_every_seconds=AN_HOUR
    )
    data = tomllib.loads(path.read_text())
    # Only IDLE tells the watcher that mail came: its own poll is an hour away too.
    data["mailbox"]["poll_seconds"] = AN_HOUR
    path.write_bytes(tomli_w.dumps(data).encode())
    return path


def test_acknowledgement_goes_out_as_soon_as_it_is_queued(
    config: Path,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The daemon's own account shows with a failure. The outbox's first run once failed to
    # show within 30 s in CI: its saved health had been overwritten by an older save
    # (tests/services/test_jobs.py).
    caplog.set_level(logging.DEBUG, logger="bot")
    app = daemon_app(config, dovecot.password)

    def outbox_ran() -> bool:
        with app.sessions() as s:
            return (
                s.scalar(select(JobHealth.last_ok_at).where(JobHealth.name == "outbox")) is not None
            )

    def sent() -> list[str]:
        with app.sessions() as s:
            return list(s.scalars(select(OutboxMessage.status)))

    with running(app):
        # The outbox's first run (at start, on an empty outbox) is over; the next is an hour away.
        wait_until(outbox_ran, 30, "the outbox's first run")
        dovecot.append(sin())
        wait_until(lambda: acknowledged(smtp_server, "TSCP-2026-0001") == 1, 30, "the ack")
        wait_until(lambda: "pending" not in sent(), 30, "every queued email sent")
        assert set(sent()) == {"sent"}
    assert acknowledged(smtp_server, "TSCP-2026-0001") == 1
    assert dovecot.list_uids("INBOX") == []


def test_a_start_slowed_by_a_busy_machine_still_starts_the_outbox_and_the_watcher(
    config: Path, dovecot: DovecotServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sender and the mailbox watcher are loops the scheduler starts once. APScheduler
    skips a run that begins more than a second late ("misfired"): on a loaded machine the
    loops then never started, and the acknowledgement waited for the daemon's restart."""
    start = BackgroundScheduler.start

    def slow_start(scheduler: BackgroundScheduler, *args: Any, **kwargs: Any) -> None:
        time.sleep(2.5)  # the jobs were added; their first run is now late
        start(scheduler, *args, **kwargs)

    monkeypatch.setattr(BackgroundScheduler, "start", slow_start)
    app = daemon_app(config, dovecot.password)

    def ran(job: str) -> bool:
        with app.sessions() as s:
            return s.scalar(select(JobHealth.last_ok_at).where(JobHealth.name == job)) is not None

    with running(app):
        # Both loops run hourly here: a skipped start would show as no run for an hour. A
        # minute allows for the whole suite loading the machine (20 s once fell short in CI).
        wait_until(lambda: ran("outbox"), 60, "the outbox's first run")
        wait_until(lambda: ran("mailbox"), 60, "the mailbox's first pass")
