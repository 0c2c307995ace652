"""Running the daemon in-process against the real test servers, with small intervals."""

from __future__ import annotations

import threading
import time
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import tomli_w

from bot.adapters.db.engine import make_engine, make_sessions, migrate
from bot.app import App
from bot.bootstrap import build_app
from bot.clock import OffsetClock
from bot.config import load_config
from bot.scheduler import run_daemon
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.real_servers import write_config
from tests.fixtures.smtp import SmtpTestServer

LONDON = ZoneInfo("Europe/London")
IT = "it.desk@example.org"
FAST = {
    "it_contact": IT,
    "lease_seconds": 3,
    "outbox_every_seconds": 1,
    "jobs_every_seconds": 1,
    "stall_factor": 10,
}


def daemon_config(
    tmp_path: Path,
    database_url: str,
    dovecot: DovecotServer,
    smtp: SmtpTestServer,
    poll_seconds: int = 1,
    **daemon: Any,
) -> Path:
    path = write_config(tmp_path, database_url, dovecot, smtp, poll_seconds=poll_seconds)
    data = tomllib.loads(path.read_text())
    data["daemon"] = {**FAST, **daemon}
    path.write_bytes(tomli_w.dumps(data).encode())
    return path


def daemon_app(
    config: Path, password: str, *, busy_seconds: int = 30, password_env: str = "TEST_IMAP_PASSWORD"
) -> App:
    env = {password_env: password}
    engine = make_engine(load_config(config, env).database_url)
    migrate(engine)
    engine.dispose()
    start = datetime(2026, 12, 23, 7, 0, tzinfo=LONDON)
    app = build_app(load_config(config, env), OffsetClock(start))
    app.engine.dispose()
    engine = make_engine(app.config.database_url, busy_seconds=busy_seconds)
    return replace(app, engine=engine, sessions=make_sessions(engine))


@contextmanager
def running(app: App) -> Iterator[threading.Event]:
    stop = threading.Event()
    thread = threading.Thread(target=run_daemon, args=(app, stop), daemon=True)
    thread.start()
    try:
        yield stop
    finally:
        stop.set()
        thread.join(timeout=20)
        app.close()
        assert not thread.is_alive(), "the daemon did not stop"


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout}s: {what}")
        time.sleep(0.2)


def acknowledged(smtp: SmtpTestServer, ref: str) -> int:
    subject = f"[{ref}] Serious incident notification received".encode()
    return sum(subject in m.raw for m in smtp.messages)
