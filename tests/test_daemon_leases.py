"""Two real `tscp-bot run` processes on one database: each job runs on exactly one of them, and
when that one is killed the other takes its jobs over within lease_seconds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.engine import Engine

from bot.adapters.db.models import JobLease
from bot.cli import main
from bot.config import load_config
from tests.daemon_helpers import acknowledged, daemon_config, wait_until
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.mail import sin
from tests.fixtures.smtp import SmtpTestServer

BIN = Path(sys.executable).parent / "tscp-bot"
JOBS = {"mailbox", "outbox", "deadline-tick", "reminders", "digest"}
LEASE_SECONDS = 2


@pytest.fixture
def config(
    tmp_path: Path,
    migrated_database_url: str,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    monkeypatch.setenv("TEST_IMAP_PASSWORD", dovecot.password)
    path = daemon_config(
        tmp_path, migrated_database_url, dovecot, smtp_server, lease_seconds=LEASE_SECONDS
    )
    assert main(["--config", str(path), "init"]) == 0
    return path


def holders(engine: Engine) -> dict[str, int]:
    """Job -> pid of the instance holding its lease now."""
    with engine.connect() as conn:
        rows = conn.execute(select(JobLease.name, JobLease.holder, JobLease.expires_at)).all()
    now = time.time()
    return {n: int(h.split(":")[1]) for n, h, until in rows if until.timestamp() > now}


@pytest.fixture
def daemons(config: Path, dovecot: DovecotServer) -> Iterator[list[subprocess.Popen[str]]]:
    env = {**os.environ, "TEST_IMAP_PASSWORD": dovecot.password}
    procs: list[subprocess.Popen[str]] = []
    for _ in range(2):
        procs.append(
            subprocess.Popen(
                [BIN, "--config", config, "--now", "2026-12-23T07:00", "run"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    yield procs
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()


def test_one_instance_holds_each_job_and_the_other_takes_over_when_it_is_killed(
    config: Path,
    daemons: list[subprocess.Popen[str]],
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
) -> None:
    engine = create_engine(load_config(config, {"TEST_IMAP_PASSWORD": "x"}).database_url)
    pids = {p.pid for p in daemons}
    # Generous: two daemons starting at once on a loaded 2-core machine take a while to import.
    wait_until(lambda: set(holders(engine)) == JOBS, 45, "every job held")
    time.sleep(LEASE_SECONDS * 2)  # both instances renewing and trying for a while
    held = holders(engine)
    assert set(held) == JOBS and set(held.values()) <= pids
    dovecot.append(sin("<sin-1@gmp.police.uk>"))
    wait_until(lambda: acknowledged(smtp_server, "TSCP-2026-0001") >= 1, 30, "the SIN read")

    victim = next(p for p in daemons if p.pid == held["mailbox"])
    survivor = next(p for p in daemons if p is not victim)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    killed = time.monotonic()
    wait_until(
        lambda: set(holders(engine).items()) == {(job, survivor.pid) for job in JOBS},
        LEASE_SECONDS + 3,
        "the survivor holding every job",
    )
    assert time.monotonic() - killed <= LEASE_SECONDS + 3
    dovecot.append(sin("<sin-2@gmp.police.uk>"))
    wait_until(lambda: acknowledged(smtp_server, "TSCP-2026-0002") == 1, 30, "mail read after")
    assert acknowledged(smtp_server, "TSCP-2026-0001") == 1  # one case, one acknowledgement
    assert survivor.poll() is None
    engine.dispose()
