"""Pickup-to-acknowledgement latency: `tscp-bot run` (the daemon, IMAP IDLE) in a subprocess,
SINs APPENDed one at a time, and the moment each acknowledgement reaches aiosmtpd."""

from __future__ import annotations

import email
import math
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from imapclient import IMAPClient

from bench import harness
from bench.harness import Bot, Servers
from tests.fixtures.mail import sin

POLL_SECONDS = 60  # IDLE wakes the bot; polling is only the fallback


class Arrivals:
    """When aiosmtpd accepted the first message answering each Message-ID (In-Reply-To)."""

    def __init__(self) -> None:
        self._seen: dict[str, float] = {}
        self._changed = threading.Condition()

    def accept(self, raw: bytes) -> None:
        at = time.monotonic()
        answered = str(email.message_from_bytes(raw).get("In-Reply-To", "")).strip()
        with self._changed:
            self._seen.setdefault(answered, at)
            self._changed.notify_all()

    def wait(self, message_id: str, timeout: float) -> float | None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while message_id not in self._seen:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._changed.wait(left)
            return self._seen[message_id]


@dataclass
class LatencyResult:
    seconds: list[float] = field(default_factory=list)
    missing: int = 0
    note: str = ""

    def percentile(self, share: float) -> float | None:
        """Nearest-rank percentile (no interpolation: with few samples, a real sample)."""
        if not self.seconds:
            return None
        ordered = sorted(self.seconds)
        return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _stop(proc: subprocess.Popen[bytes]) -> str:
    proc.send_signal(signal.SIGTERM)
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
    return err.decode(errors="replace")[-300:]


def _send_and_time(client: IMAPClient, arrivals: Arrivals, index: int, timeout: float) -> float | None:
    message_id = f"<bench-idle-{index}@gmp.police.uk>"
    client.append("INBOX", sin(message_id))
    appended = time.monotonic()
    acknowledged = arrivals.wait(message_id, timeout)
    return None if acknowledged is None else acknowledged - appended


def latency(
    srv: Servers,
    count: int,
    gap: float,
    timeout: float,
    say: Callable[[str], None],
) -> LatencyResult:
    arrivals, result = Arrivals(), LatencyResult()
    srv.smtp.on_accept = arrivals.accept
    harness.fill_inbox(srv.dovecot, ())
    dovecot = srv.dovecot
    with harness.fresh_database(srv.work, None) as url:
        bot = Bot(srv, url, poll_seconds=POLL_SECONDS)
        bot.init()
        proc = bot.daemon()
        try:
            with IMAPClient(dovecot.host, port=dovecot.port, ssl=False, timeout=30) as client:
                client.login(dovecot.user, dovecot.password)
                say("latency: warm-up SIN (start-up and first outbox run not counted)")
                if _send_and_time(client, arrivals, -1, 90) is None:
                    result.note = "no acknowledgement for the warm-up SIN within 90 s"
                    return result
                for index in range(count):
                    time.sleep(gap)
                    took = _send_and_time(client, arrivals, index, timeout)
                    say(f"latency: SIN {index + 1}/{count}: {_show(took)}")
                    if took is None:
                        result.missing += 1
                    else:
                        result.seconds.append(took)
        finally:
            srv.smtp.on_accept = None
            tail = _stop(proc)
            if proc.returncode not in (0, -signal.SIGTERM):
                result.note = f"daemon exited {proc.returncode}: {tail}"
    return result


def _show(seconds: float | None) -> str:
    return "no acknowledgement" if seconds is None else f"{seconds:.2f} s"

