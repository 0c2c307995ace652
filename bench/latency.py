"""Pickup-to-acknowledgement latency: `tscp-bot run` (the daemon, IMAP IDLE) in a subprocess,
SINs APPENDed one at a time, and the moment each acknowledgement reaches aiosmtpd. Then, with
the same daemon, drafts approved at the terminal (`tscp-bot outbox approve`, another process)
and the moment each reaches aiosmtpd: the signal between instances, not the outbox's tick."""

from __future__ import annotations

import email
import math
import random
import re
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from imapclient import IMAPClient

from bench import harness
from bench.harness import Bot, Servers
from tests.fixtures.mail import sin

POLL_SECONDS = 60  # IDLE wakes the bot; polling is only the fallback
# Each SIN waits a random 0..GAP_MAX seconds after the last acknowledgement, so arrivals fall at
# random phases of any periodic job (the outbox runs every 15 s today): a fixed gap would
# measure one phase only. Seeded, so two runs space their SINs alike.
GAP_SEED = 11


_REF = re.compile(r"\[(TSCP-\d{4}-\d{4})\]")


class Arrivals:
    """When aiosmtpd accepted the first message answering each Message-ID (In-Reply-To: the
    acknowledgement), and the first Screening Panel invitation of each case, which answers
    nothing: it is found by the case reference the acknowledgement gave."""

    def __init__(self) -> None:
        self._seen: dict[str, float] = {}
        self._ref_of: dict[str, str] = {}  # answered Message-ID -> case reference
        self._invited: dict[str, float] = {}  # case reference -> invitation accepted
        self._changed = threading.Condition()

    def accept(self, raw: bytes) -> None:
        at = time.monotonic()
        msg = email.message_from_bytes(raw)
        answered = str(msg.get("In-Reply-To", "")).strip()
        subject = str(msg.get("Subject", ""))
        found = _REF.search(subject)
        with self._changed:
            self._seen.setdefault(answered, at)
            if found and answered:
                self._ref_of.setdefault(answered, found.group(1))
            if found and "Screening Panel" in subject:
                self._invited.setdefault(found.group(1), at)
            self._changed.notify_all()

    def wait(self, message_id: str, timeout: float) -> float | None:
        return self._until(lambda: self._seen.get(message_id), timeout)

    def invited(self, message_id: str, timeout: float) -> float | None:
        """When the invitation for the case opened by `message_id` was accepted."""
        return self._until(lambda: self._invited.get(self._ref_of.get(message_id, "")), timeout)

    def _until(self, when: Callable[[], float | None], timeout: float) -> float | None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while (at := when()) is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._changed.wait(left)
            return at


class IdleWatcher(threading.Thread):
    """The reference: a bare imapclient connection in IDLE on the same INBOX, noting when the
    server tells it a message exists (Dovecot holds IDLE notifications about 0.5 s)."""

    def __init__(self, srv: Servers) -> None:
        super().__init__(daemon=True)
        self.srv, self.stopping = srv, threading.Event()
        self.seen: list[float] = []
        self._changed = threading.Condition()
        self.ready = threading.Event()

    def run(self) -> None:
        d = self.srv.dovecot
        with IMAPClient(d.host, port=d.port, ssl=False, timeout=30) as client:
            client.login(d.user, d.password)
            client.select_folder("INBOX", readonly=True)
            client.idle()
            self.ready.set()
            while not self.stopping.is_set():
                responses = client.idle_check(timeout=0.5)
                if any(len(r) > 1 and r[1] == b"EXISTS" for r in responses):
                    with self._changed:
                        self.seen.append(time.monotonic())
                        self._changed.notify_all()
            client.idle_done()

    def after(self, count: int, timeout: float) -> float | None:
        """When the server reported message number count + 1 since watching began."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.seen) <= count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._changed.wait(left)
            return self.seen[count]


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (no interpolation: with few samples, a real sample)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class LatencyResult:
    seconds: list[float] = field(default_factory=list)
    reference: list[float] = field(default_factory=list)  # the bare IDLE client's pickup
    missing: int = 0
    invitations: list[float] = field(default_factory=list)  # SIN appended -> its invitation
    invitations_missing: int = 0
    note: str = ""
    # `outbox approve` started -> the approved draft at SMTP (the command's own start included)
    approvals: list[float] = field(default_factory=list)
    approvals_missing: int = 0

    def percentile(self, share: float) -> float | None:
        return percentile(self.seconds, share)


def _stop(proc: subprocess.Popen[bytes]) -> str:
    proc.send_signal(signal.SIGTERM)
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
    return err.decode(errors="replace")[-300:]


@dataclass(frozen=True)
class _Timed:
    """Seconds from a SIN's APPEND to each event, None when it did not happen."""

    acknowledged: float | None
    invited: float | None
    noticed: float | None  # by a bare IDLE client


def _send_and_time(
    client: IMAPClient, arrivals: Arrivals, watcher: IdleWatcher, index: int, timeout: float
) -> _Timed:
    message_id = f"<bench-idle-{index}@gmp.police.uk>"
    before = len(watcher.seen)
    # A referrer of its own each: one address is acknowledged a few times a day at most
    # (bot.core.loop_guard).
    client.append("INBOX", sin(message_id, sender=f"referrer.{index}@gmp.police.uk"))
    appended = time.monotonic()
    acknowledged = arrivals.wait(message_id, timeout)
    # Queued with the acknowledgement, in the same transaction: no longer wait than for it.
    invited = arrivals.invited(message_id, 5.0 if acknowledged else 0.0)
    noticed = watcher.after(before, 5.0)
    return _Timed(
        *(None if at is None else at - appended for at in (acknowledged, invited, noticed))
    )


def latency(
    srv: Servers,
    count: int,
    gap_max: float,
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
        watcher = IdleWatcher(srv)
        watcher.start()
        watcher.ready.wait(10)
        try:
            with IMAPClient(dovecot.host, port=dovecot.port, ssl=False, timeout=30) as client:
                client.login(dovecot.user, dovecot.password)
                say("latency: warm-up SIN (start-up and first outbox run not counted)")
                if _send_and_time(client, arrivals, watcher, -1, 90).acknowledged is None:
                    result.note = "no acknowledgement for the warm-up SIN within 90 s"
                    return result
                gaps = random.Random(GAP_SEED)
                for index in range(count):
                    time.sleep(gaps.uniform(0, gap_max))
                    timed = _send_and_time(client, arrivals, watcher, index, timeout)
                    say(
                        f"latency: SIN {index + 1}/{count}: {_show(timed.acknowledged)},"
                        f" invitation {_show(timed.invited, 'none')},"
                        f" bare IDLE {_show(timed.noticed, 'not told')}"
                    )
                    _record(result, timed)
            for index in range(count):
                took = _approve_and_time(bot, url, arrivals, index, timeout)
                say(f"latency: approval {index + 1}/{count}: {_show(took, 'not sent')}")
                if took is None:
                    result.approvals_missing += 1
                else:
                    result.approvals.append(took)
        finally:
            watcher.stopping.set()
            watcher.join(5)
            srv.smtp.on_accept = None
            tail = _stop(proc)
            if proc.returncode not in (0, -signal.SIGTERM):
                result.note = f"daemon exited {proc.returncode}: {tail}"
    return result


def _record(result: LatencyResult, timed: _Timed) -> None:
    if timed.noticed is not None:
        result.reference.append(timed.noticed)
    if timed.acknowledged is None:
        result.missing += 1
    else:
        result.seconds.append(timed.acknowledged)
    if timed.invited is None:
        result.invitations_missing += 1
    else:
        result.invitations.append(timed.invited)


def _approve_and_time(
    bot: Bot, url: str, arrivals: Arrivals, index: int, timeout: float
) -> float | None:
    """A draft waiting for approval, approved by `tscp-bot outbox approve` in its own process:
    seconds from that command's start to the email at SMTP."""
    answers = f"<bench-approval-{index}@tameside.gov.uk>"
    draft = _draft(url, f"bench-approval-{index}", answers)
    started = time.monotonic()
    done = subprocess.run(bot.args("outbox", "approve", str(draft)), env=bot.env, check=False)
    if done.returncode != 0:
        return None
    sent = arrivals.wait(answers, timeout)
    return None if sent is None else sent - started


def _draft(url: str, key: str, answers: str) -> int:
    from bot.adapters.db.engine import make_engine, make_sessions
    from tests.fixtures.outbox_rows import invented_alert

    now = datetime.fromisoformat(harness.NOW).replace(tzinfo=ZoneInfo("Europe/London"))
    engine = make_engine(url)
    try:
        with make_sessions(engine)() as session:
            # answers: the In-Reply-To by which Arrivals tells which email it is
            row = invented_alert(key, now, draft=True, in_reply_to=answers)
            session.add(row)
            session.commit()
            return row.id
    finally:
        engine.dispose()


def _show(seconds: float | None, missing: str = "no acknowledgement") -> str:
    return missing if seconds is None else f"{seconds:.2f} s"
