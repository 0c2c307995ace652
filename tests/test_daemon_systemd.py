"""Under systemd (Type=notify, WatchdogSec=): the daemon says READY=1 once its loops run, pings
the watchdog while healthy, stops pinging when a job hangs (so systemd restarts it) and says
STOPPING=1 on the way out. systemd's side is a unix datagram socket, bound here as systemd
binds it (sd_notify(3)): abstract names start with '@'."""

from __future__ import annotations

import os
import secrets
import socket
import time
import tomllib
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import tomli_w

from bot.adapters.systemd_notify import Notifier
from tests.daemon_helpers import daemon_app, daemon_config, running, wait_until
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.mail import sin
from tests.fixtures.smtp import SmtpTestServer
from tests.test_daemon_watchdog import SilentServer


class NotifySocket:
    """What systemd listens on: every datagram the bot sends, as received."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind("\0" + name[1:] if name.startswith("@") else name)
        self.sock.settimeout(0.1)
        self.received: list[tuple[float, str]] = []

    def drain(self) -> list[str]:
        while True:
            try:
                data = self.sock.recv(4096)
            except TimeoutError:
                return [m for _, m in self.received]
            self.received.append((time.monotonic(), data.decode()))

    def said(self, line: str) -> bool:
        return any(line in m.splitlines() for m in self.drain())

    def pings_since(self, moment: float) -> int:
        self.drain()
        return sum(m == "WATCHDOG=1" for at, m in self.received if at >= moment)


@pytest.fixture
def systemd(monkeypatch: pytest.MonkeyPatch) -> Iterator[NotifySocket]:
    listener = NotifySocket(f"@tscp-bot-test-{secrets.token_hex(6)}")
    monkeypatch.setenv("NOTIFY_SOCKET", listener.name)
    monkeypatch.setenv("WATCHDOG_USEC", "1000000")  # a ping every half second
    monkeypatch.setenv("WATCHDOG_PID", str(os.getpid()))
    yield listener
    listener.sock.close()


def test_ready_then_watchdog_pings_then_stopping(
    tmp_path: Path,
    migrated_database_url: str,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
    systemd: NotifySocket,
) -> None:
    config = daemon_config(tmp_path, migrated_database_url, dovecot, smtp_server)
    app = daemon_app(config, dovecot.password)
    with running(app):
        wait_until(lambda: systemd.said("READY=1"), 15, "READY=1")
        ready = next(m for m in systemd.drain() if "READY=1" in m)
        assert "STATUS=watching " in ready
        started = time.monotonic()
        wait_until(lambda: systemd.pings_since(started) >= 3, 10, "three watchdog pings")
        assert not systemd.said("STOPPING=1")
    assert systemd.said("STOPPING=1")


def test_a_hung_job_stops_the_watchdog_pings(
    tmp_path: Path,
    migrated_database_url: str,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
    systemd: NotifySocket,
) -> None:
    silent = SilentServer()  # a mail server that accepts and never answers: the send hangs
    config = daemon_config(tmp_path, migrated_database_url, dovecot, smtp_server, stall_factor=2)
    data = tomllib.loads(config.read_text())
    data["outgoing"]["smtp"]["port"] = silent.port
    config.write_bytes(tomli_w.dumps(data).encode())
    app = daemon_app(config, dovecot.password)
    try:
        with running(app):
            wait_until(lambda: systemd.said("READY=1"), 15, "READY=1")
            dovecot.append(sin())  # its acknowledgement goes to the silent server
            wait_until(lambda: len(silent.accepted) >= 1, 15, "the outbox connecting")
            wait_until(
                lambda: any("STATUS=stalled: outbox" in m for m in systemd.drain()),
                15,
                "the status line naming the stalled job",
            )
            quiet_from = time.monotonic()
            time.sleep(2)  # four ping intervals
            pings = systemd.pings_since(quiet_from)
            silent.close()  # the hung send fails at once, so the daemon can stop
    finally:
        silent.close()
    assert pings == 0


def test_outside_systemd_nothing_is_sent_and_nothing_fails() -> None:
    notifier = Notifier.from_environ({})
    assert not notifier.enabled and notifier.watchdog_interval is None
    notifier.ready("watching")  # no socket named: a no-op, not an error


def test_a_path_socket_and_a_watchdog_meant_for_another_process(tmp_path: Path) -> None:
    listener = NotifySocket(str(tmp_path / "notify"))
    env = {"NOTIFY_SOCKET": listener.name, "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"}
    notifier = Notifier.from_environ(env, pid=4242)
    assert notifier.watchdog_interval is None  # the watchdog is systemd's for pid 1, not ours
    notifier.ready("watching tscp@example.org")
    assert listener.drain() == ["READY=1\nSTATUS=watching tscp@example.org"]
    env["WATCHDOG_PID"] = "4242"
    assert Notifier.from_environ(env, pid=4242).watchdog_interval == timedelta(seconds=15)
    listener.sock.close()
    os.unlink(listener.name)
    notifier.stopping()  # systemd gone: logged once, never raised
