"""The reliability harnesses, shared by the short seeded tests and `scripts/soak`.

Each harness drives the real bot (daemon subprocesses or real passes) against real servers
and returns `Findings`: the figures (kills survived, messages checked, duplicates found ...)
and a list of `problems`, each naming the guarantee it breaks. Tests assert on the problems
of one guarantee at a time, so a guarantee that is known to fail today can be xfail'd alone.

Extension point for fault injection (e.g. a TCP black-hole proxy): every harness takes the
`Servers` it talks to; put the proxy's host/port into `Servers.imap_host/imap_port` or
`smtp_host/smtp_port` and the daemons' config points at it, while the harness itself keeps
inspecting the real servers directly.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import random
import re
import signal
import subprocess
import sys
import time
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.parser import BytesHeaderParser, BytesParser
from email.policy import compat32, default
from pathlib import Path
from typing import Any

import tomli_w
from sqlalchemy import create_engine, text

from bot.core.unconfirmed_send import SENT_FILED_WITHIN
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.real_servers import write_config
from tests.fixtures.smtp import SmtpTestServer
from tests.reliability.mailgen import Generated, MailGenerator

ROOT = Path(__file__).resolve().parents[2]
ATTENTION = "Needs attention"
PROCESSED = "Processed"
TOKEN = re.compile(rb"Reference for the test harness: ([A-Za-z0-9_-]+)")
SENT_FOLDER = "Sent Items"
# Past the retry waits of emails a kill cut short, and past the time the bot looks for one cut
# short before the server took it (so not in Sent) before putting it to a person.
SETTLE_AHEAD = SENT_FILED_WITHIN + timedelta(minutes=10)
STARTED = "tscp-bot started"  # the daemon's log line once its jobs are scheduled
# bot.scheduler._guarded, the last net: an error no job caught. "job X failed (...); trying
# again" is a job recovering by itself, which is allowed.
JOB_FAILED = re.compile(r"job (\S+) failed$", re.MULTILINE)
MAX_ATTEMPTS = 3  # [ingest] max_attempts default: a failing message is quarantined after these


def tokens_in(raw: bytes) -> list[str]:
    return [m.decode() for m in TOKEN.findall(raw)]


# --- the servers and the bot's command line -------------------------------------------------


@dataclass
class Servers:
    """What the bot under test talks to. imap_*/smtp_* may name a fault-injecting proxy."""

    dovecot: DovecotServer
    smtp: SmtpTestServer
    database_url: str
    workdir: Path
    imap_host: str | None = None
    imap_port: int | None = None
    smtp_host: str | None = None
    smtp_port: int | None = None

    def env(self) -> dict[str, str]:
        return {
            "TEST_IMAP_PASSWORD": self.dovecot.password,
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(ROOT),
        }


def bot_command() -> list[str]:
    script = Path(sys.executable).parent / "tscp-bot"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]


def write_harness_config(servers: Servers, poll_seconds: int = 1) -> Path:
    """The real-servers test config, with a needs-attention folder so the inbox ends empty."""
    servers.workdir.mkdir(parents=True, exist_ok=True)
    path = write_config(
        servers.workdir, servers.database_url, servers.dovecot, servers.smtp, poll_seconds
    )
    data: dict[str, Any] = tomllib.loads(path.read_text())
    data["mailbox"]["needs_attention_folder"] = ATTENTION
    imap, smtp = data["mailbox"]["imap"], data["outgoing"]["smtp"]
    imap["host"] = servers.imap_host or imap["host"]
    imap["port"] = servers.imap_port or imap["port"]
    smtp["host"] = servers.smtp_host or smtp["host"]
    smtp["port"] = servers.smtp_port or smtp["port"]
    path.write_bytes(tomli_w.dumps(data).encode())
    return path


def run_cli(
    servers: Servers, config: Path, *args: str, now: datetime | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    clock = ["--now", now.isoformat()] if now else []
    return subprocess.run(
        [*bot_command(), "--config", str(config), *clock, *args],
        env=servers.env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def init_database(servers: Servers, config: Path) -> None:
    done = run_cli(servers, config, "init")
    if done.returncode != 0:
        raise RuntimeError(f"tscp-bot init failed: {done.stderr[-2000:]}")


class Daemon:
    """One `tscp-bot run` process; its stderr goes to a log file kept for the report."""

    def __init__(self, servers: Servers, config: Path, name: str) -> None:
        self.servers, self.config, self.name = servers, config, name
        self.log_path = servers.workdir / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._starts_logged = 0

    def start(self) -> None:
        self._starts_logged = self.log_text().count(STARTED)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [*bot_command(), "--config", str(self.config), "-v", "run"],
                env=self.servers.env(),
                stdout=subprocess.DEVNULL,
                stderr=log,
                start_new_session=True,
            )

    def has_started(self) -> bool:
        """Its jobs are scheduled (the log line since the last start)."""
        return self.log_text().count(STARTED) > self._starts_logged

    def kill(self) -> bool:
        """SIGKILL: no chance to finish anything, as in a power cut. True when the daemon
        had got as far as starting its jobs (a kill before that only tests start-up)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self._reap()
        return self.has_started()

    def stop(self, timeout: float = 30) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self._reap()

    def _reap(self) -> None:
        if self.process is not None:
            self.process.wait()
            self.process = None

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def deliver(servers: Servers, raw: bytes) -> None:
    """IMAP APPEND with the arrival time given: without one the fixture touches the new file
    afterwards, which races with a daemon that has already moved it."""
    servers.dovecot.append(raw, arrived=datetime.now(UTC))


# --- what the bot ended with ------------------------------------------------------------


@dataclass
class StoredRow:
    id: int
    sha256: str
    status: str
    needs_triage: bool
    case_id: int | None
    released: bool
    tokens: list[str]


@dataclass
class World:
    """Everything the invariants look at, read from the database, IMAP and SMTP."""

    rows: list[StoredRow]
    cases: int
    outbox_keys: Counter[str]
    outbox_due: int  # pending, sendable, not waiting for approval
    outbox_rows: int
    folders: dict[str, Counter[str]]  # folder -> token -> copies
    smtp_ids: Counter[str]  # Message-ID -> copies received
    # The decoded text of each email received that did not go to the Business Manager.
    smtp_outside_texts: list[str] = field(default_factory=list)
    # Why each pending sendable email waits ("#7 sin_acknowledgement, 1 attempt: ..."), for a
    # failure's message.
    outbox_waiting: list[str] = field(default_factory=list)


def read_world(servers: Servers) -> World:
    engine = create_engine(servers.database_url)
    try:
        with engine.connect() as conn:
            rows = [
                StoredRow(r.id, r.sha256, r.status, bool(r.needs_triage), r.case_id,
                          r.released_at is not None, tokens_in(bytes(r.data or b"")))
                for r in conn.execute(text(
                    "SELECT id, sha256, status, needs_triage, case_id, released_at, data "
                    "FROM messages LEFT JOIN message_raw ON message_raw.message_id = messages.id "
                    "ORDER BY id"))
            ]  # fmt: skip
            cases = conn.execute(text("SELECT count(*) FROM cases")).scalar_one()
            keys = Counter(r[0] for r in conn.execute(text("SELECT idempotency_key FROM outbox")))
            waiting = [
                f"#{r.id} {r.event}, {r.attempts} attempt(s): {(r.last_error or '')[:160]}"
                for r in conn.execute(text(
                    "SELECT id, event, attempts, last_error FROM outbox WHERE status = 'pending' "
                    "AND (requires_approval = :f OR approved_at IS NOT NULL) ORDER BY id"),
                    {"f": False})
            ]  # fmt: skip
    finally:
        engine.dispose()
    folders = {f: _folder_tokens(servers.dovecot, f) for f in ("INBOX", PROCESSED, ATTENTION)}
    smtp_ids = Counter(_message_id(r.raw) for r in list(servers.smtp.messages))
    outside = [
        _text_of(r.raw)
        for r in list(servers.smtp.messages)
        if BUSINESS_MANAGER not in (a.lower() for a in r.rcpt_tos)
    ]
    return World(
        rows, cases, keys, len(waiting), sum(keys.values()), folders, smtp_ids, outside, waiting
    )


def _text_of(raw: bytes) -> str:
    """Headers and every text part, decoded: what a recipient could read."""
    message = BytesParser(policy=default).parsebytes(raw)
    parts = [str(v) for _, v in message.items()]
    for part in message.walk():
        if part.get_content_maintype() == "text":
            with contextlib.suppress(LookupError, ValueError):
                parts.append(str(part.get_content()))
    return "\n".join(parts)


def _folder_tokens(dovecot: DovecotServer, folder: str) -> Counter[str]:
    with dovecot.client() as client:
        if not client.folder_exists(folder):
            return Counter()
        client.select_folder(folder, readonly=True)
        uids = client.search("ALL")
        data = client.fetch(uids, ["BODY.PEEK[]"]) if uids else {}
    found: Counter[str] = Counter()
    for item in data.values():
        raw = item.get(b"BODY[]")
        if raw is None:  # expunged between SEARCH and FETCH by a daemon still at work
            continue
        found.update(tokens_in(raw)[:1] or ["(no token)"])
    return found


def _message_id(raw: bytes) -> str:
    return str(BytesHeaderParser(policy=compat32).parsebytes(raw).get("Message-ID", "")).strip()


# --- findings ------------------------------------------------------------------------------


@dataclass
class Findings:
    """Figures for the report, and problems by guarantee (empty lists when it held)."""

    figures: dict[str, int] = field(default_factory=dict)
    problems: dict[str, list[str]] = field(default_factory=dict)

    def problem(self, guarantee: str, what: str) -> None:
        self.problems.setdefault(guarantee, []).append(what)

    def add(self, **counts: int) -> None:
        for k, v in counts.items():
            self.figures[k] = self.figures.get(k, 0) + v

    def held(self, guarantee: str) -> bool:
        return not self.problems.get(guarantee)

    def about(self, guarantee: str) -> str:
        found = self.problems.get(guarantee, [])
        return f"{guarantee}: {len(found)} problem(s): {found[:10]}; figures {self.figures}"

    def merge(self, other: Findings) -> None:
        for k, v in other.figures.items():
            self.figures[k] = self.figures.get(k, 0) + v
        for k, problems in other.problems.items():
            self.problems.setdefault(k, []).extend(problems)


# Guarantee names, used as keys of Findings.problems and in RELIABILITY.md.
STORED_ONCE = "every appended message stored exactly once"
ALL_DONE = "nothing left unprocessed"
ONE_CASE = "each SIN opened exactly one case"
MOVED_ONCE = "each message in Processed/needs-attention exactly once, inbox empty"
OUTBOX_KEYS = "no duplicate outbox idempotency keys"
SENT_ONCE = "each outbox email received by SMTP at most once"
OUTBOX_DRAINED = "every sendable outbox email sent"
PASS_COMPLETES = "every pass completes all its steps"
GOOD_PROCESSED = "every good neighbour processed"
HOSTILE_HANDLED = "every hostile message stored and processed or triaged"
OWN_HEADERS = "our own header handling never quarantines a message"
JOBS_ALIVE = "no scheduled job dies while the daemon runs"
NO_PERSONAL_DATA = "no child's name or date of birth in the logs or in mail to agencies"
# The child in the SIN form the generator attaches (tests/fixtures/forms_docx.py).
CHILD_DETAILS = ("Quinn Zed Invented", "03/04/2020")
# The same child's details as the bot might write them in an email.
CHILD_DETAILS_IN_MAIL = (*CHILD_DETAILS, "Quinn", "2020-04-03", "3 April 2020", "3 Apr 2020")
BUSINESS_MANAGER = "tscp.business.manager@tameside.gov.uk"  # config.example.toml


def check(world: World, expected: list[Generated], findings: Findings) -> None:
    """The invariants every harness shares, for the messages it delivered."""
    by_token: dict[str, list[StoredRow]] = {}
    for row in world.rows:
        for token in set(row.tokens[:1]):
            by_token.setdefault(token, []).append(row)
    sins = 0
    case_ids: Counter[int] = Counter()
    for g in expected:
        rows = by_token.get(g.token, [])
        if len(rows) != 1:
            findings.problem(STORED_ONCE, f"{g.token} stored {len(rows)} times")
        for row in rows:
            if row.status not in ("processed", "quarantined"):
                findings.problem(ALL_DONE, f"{g.token} is {row.status}")
        if g.opens_case:
            sins += 1
            case_ids.update(r.case_id for r in rows if r.case_id is not None)
            if not any(r.case_id for r in rows):
                findings.problem(ONE_CASE, f"{g.token} opened no case")
    if world.cases != sins:
        findings.problem(ONE_CASE, f"{world.cases} cases for {sins} SINs")
    _check_folders(world, expected, findings)
    dup_keys = sum(n - 1 for n in world.outbox_keys.values())
    if dup_keys:
        findings.problem(OUTBOX_KEYS, f"{dup_keys} duplicate idempotency keys")
    smtp_dups = sum(n - 1 for n in world.smtp_ids.values())
    if smtp_dups:
        findings.problem(SENT_ONCE, f"{smtp_dups} extra copies at SMTP")
    for email_text in world.smtp_outside_texts:
        for detail in CHILD_DETAILS_IN_MAIL:
            if detail in email_text:
                findings.problem(NO_PERSONAL_DATA, f"{detail!r} in an email to an agency")
    if world.outbox_due:
        findings.problem(
            OUTBOX_DRAINED,
            f"{world.outbox_due} sendable emails still pending ({'; '.join(world.outbox_waiting)})",
        )
    findings.figures.update(
        messages_checked=len(expected),
        large_messages=sum(g.kind == "large_attachment" for g in expected),
        sins=sins,
        cases=world.cases,
        stored_rows=len(world.rows),
        in_processed=sum(world.folders[PROCESSED].values()),
        in_needs_attention=sum(world.folders[ATTENTION].values()),
        quarantined=sum(r.status == "quarantined" for r in world.rows),
        outbox_rows=world.outbox_rows,
        smtp_received=sum(world.smtp_ids.values()),
        smtp_duplicates=smtp_dups,
        emails_checked_for_personal_data=len(world.smtp_outside_texts),
    )


def _check_folders(world: World, expected: list[Generated], findings: Findings) -> None:
    inbox = sum(world.folders["INBOX"].values())
    if inbox:
        findings.problem(MOVED_ONCE, f"{inbox} messages left in the inbox")
    for g in expected:
        processed = world.folders[PROCESSED][g.token]
        both = processed + world.folders[ATTENTION][g.token]
        if processed > 1 or both != 1:
            findings.problem(
                MOVED_ONCE,
                f"{g.token}: {processed} in {PROCESSED}, {both - processed} in {ATTENTION}",
            )


# --- settling -------------------------------------------------------------------------------


def settle(
    servers: Servers, config: Path, findings: Findings, passes: int = MAX_ATTEMPTS + 2
) -> None:
    """Finish everything with plain `run --once` passes, as an operator would after a crash:
    with the killed daemons' claims run out and clocked past the retry waits and the time an
    email may take to show in Sent, so a send a kill cut short is looked up in Sent and marked
    sent if the server took it, and otherwise put to a person (bot.core.unconfirmed_send), as
    in service half an hour after the crash. The clock of the passes is the bot's only: the
    database's, which claims are read by, does not move (hence the claims run out by hand)."""
    _claims_run_out(servers)
    now = datetime.now(UTC) + SETTLE_AHEAD
    for _ in range(passes):
        done = run_cli(servers, config, "run", "--once", "--json", now=now)
        findings.figures["passes"] = findings.figures.get("passes", 0) + 1
        if done.returncode != 0:
            findings.problem(PASS_COMPLETES, f"run --once exited {done.returncode}: "
                             f"{_last_line(done.stderr)}")  # fmt: skip
        if done.returncode == 0 and '"fetched": 0' in done.stdout and '"sent": 0' in done.stdout:
            world = read_world(servers)
            if not any(r.status == "stored" for r in world.rows) and not world.outbox_due:
                return


def _last_line(text_: str) -> str:
    lines = [line for line in text_.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def wait_until(condition: Callable[[], bool], timeout: float, step: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


# --- the kill harness -----------------------------------------------------------------------


def kill_harness(
    servers: Servers, *, seed: int, kills: int, messages: int, daemons: int = 1
) -> Findings:
    """Deliver `messages` while SIGKILLing `daemons` daemon(s) `kills` times at seeded random
    moments (0.2-2.5 s after its jobs start), restarting after each kill; then settle and
    check every invariant."""
    rng = random.Random(seed)
    config = write_harness_config(servers)
    init_database(servers, config)
    generator = MailGenerator(seed)
    mail = generator.generate(messages - 1)
    # However small the run, one message is over a megabyte (see mailgen): delivered mid-run.
    mail.insert(len(mail) // 2, generator.one("large_attachment"))
    batches = _split(mail, kills + 1, rng)
    findings = Findings()
    running = [Daemon(servers, config, f"daemon{n}") for n in range(daemons)]
    for d in running:
        d.start()
    for batch in batches[:-1]:
        victim = rng.choice(running)
        # The kill lands on a daemon at work: its life is counted from the moment its jobs
        # are scheduled (start-up alone takes a second or more on a busy machine).
        wait_until(victim.has_started, timeout=30, step=0.05)
        life = rng.uniform(0.2, 2.5)
        started = time.monotonic()
        for g in batch:
            deliver(servers, g.raw)
            time.sleep(rng.uniform(0, life / (len(batch) + 1)))
        time.sleep(max(0.0, life - (time.monotonic() - started)))
        was_running = victim.kill()
        findings.figures["kills"] = findings.figures.get("kills", 0) + 1
        findings.figures["kills_while_running"] = (
            findings.figures.get("kills_while_running", 0) + was_running
        )
        victim.start()
    for g in batches[-1]:
        deliver(servers, g.raw)
    for d in running:
        d.stop()
    _note_tracebacks(running, findings)
    settle(servers, config, findings)
    check(read_world(servers), mail, findings)
    return findings


def _split(items: list[Generated], parts: int, rng: random.Random) -> list[list[Generated]]:
    cuts = sorted(rng.randrange(len(items) + 1) for _ in range(parts - 1))
    bounds = [0, *cuts, len(items)]
    return [items[a:b] for a, b in itertools.pairwise(bounds)]


def _note_tracebacks(daemons: Iterable[Daemon], findings: Findings) -> None:
    logs = [d.log_text() for d in daemons]
    died = [m.group(1) for log in logs for m in JOB_FAILED.finditer(log)]
    findings.add(
        daemon_tracebacks=sum(log.count("Traceback") for log in logs),
        log_bytes_checked=sum(len(log) for log in logs),
        jobs_died=len(died),
    )
    for job in died:
        findings.problem(JOBS_ALIVE, f"job {job} died in a daemon")
    for detail in CHILD_DETAILS:
        if any(detail in log for log in logs):
            findings.problem(NO_PERSONAL_DATA, f"{detail!r} in a daemon log")


# --- two daemons at once --------------------------------------------------------------------


def two_daemon_harness(servers: Servers, *, seed: int, messages: int, burst: int = 10) -> Findings:
    """Two daemons on one database and one mailbox, mail arriving in bursts while both wait
    in IDLE (both wake for each burst); they settle it between them (no `run --once` help),
    then the invariants. The second daemon starts once the first has made the mailbox's
    state row, so a race on a fresh database (`fresh_start_harness`) cannot hide this one."""
    rng = random.Random(seed)
    config = write_harness_config(servers)
    init_database(servers, config)
    mail = MailGenerator(seed, prefix="two").generate(messages)
    daemons = [Daemon(servers, config, f"twin{n}") for n in range(2)]
    findings = Findings()
    try:
        daemons[0].start()
        if not wait_until(lambda: _state_rows(servers) > 0, timeout=30, step=0.2):
            findings.problem(JOBS_ALIVE, "the first daemon never recorded the mailbox state")
        daemons[1].start()
        time.sleep(2)  # both connected and in IDLE
        for at in range(0, len(mail), burst):
            for g in mail[at : at + burst]:
                deliver(servers, g.raw)
            time.sleep(rng.uniform(0.5, 1.5))

        def finished() -> bool:
            world = read_world(servers)
            stored = {t for r in world.rows for t in r.tokens[:1]}
            return (
                not sum(world.folders["INBOX"].values())
                and all(g.token in stored for g in mail)
                and not any(r.status == "stored" for r in world.rows)
            )

        if not wait_until(finished, timeout=30 + messages / 2, step=1.0):
            findings.problem(ALL_DONE, "the two daemons did not finish within the time allowed")
    finally:
        for d in daemons:
            d.stop()
    _note_tracebacks(daemons, findings)
    world = read_world(servers)
    world.outbox_due = 0  # the outbox job runs every 15 s; sending is the kill harness's part
    check(world, mail, findings)
    findings.figures["daemons"] = 2
    return findings


def _state_rows(servers: Servers) -> int:
    engine = create_engine(servers.database_url)
    try:
        with engine.connect() as conn:
            count: int = conn.execute(text("SELECT count(*) FROM mailbox_state")).scalar_one()
            return count
    finally:
        engine.dispose()


def fresh_start_harness(servers: Servers, *, tries: int) -> Findings:
    """Two daemons started at the same moment on a database with no mailbox state yet (as on
    first installation), `tries` times: both mail jobs must survive the race to create it."""
    config = write_harness_config(servers)
    init_database(servers, config)
    findings = Findings()
    for n in range(tries):
        _clear_state(servers)
        _start_together([Daemon(servers, config, f"fresh{n}-{m}") for m in range(2)], findings)
        findings.add(fresh_starts=1)
    return findings


def _start_together(daemons: list[Daemon], findings: Findings) -> None:
    for d in daemons:
        d.start()
    wait_until(lambda: _all_started(daemons), timeout=30)
    time.sleep(1.5)  # the first pass of each, over the empty inbox
    for d in daemons:
        d.kill()
    _note_tracebacks(daemons, findings)


def _all_started(daemons: list[Daemon]) -> bool:
    return all(STARTED in d.log_text() for d in daemons)


def _clear_state(servers: Servers) -> None:
    engine = create_engine(servers.database_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM mailbox_state"))
    finally:
        engine.dispose()


# --- hostile mail -----------------------------------------------------------------------------

HOSTILE_KINDS = (
    "long_message_id", "nul_message_id", "nul_subject", "crlf_display_name",
    "folded_message_id", "broken_mime", "truncated_base64", "huge_header", "no_headers",
    "eight_bit_garbage",
)  # fmt: skip
_STD = (
    b"From: Robin Example <robin.example@gmp.police.uk>\r\nTo: TSCP@tameside.gov.uk\r\n"
    b"Date: Wed, 23 Dec 2026 08:12:00 +0000\r\n"
)
_SIN_SUBJECT = b"Subject: Serious Incident Notification - GM SIN form\r\n"
_CRLF_FROM = (
    b"From: =?utf-8?q?Robin_Example=0D=0ABcc:_victim@example.org?= "
    b"<robin.example@gmp.police.uk>\r\nTo: TSCP@tameside.gov.uk\r\n"
)
_BROKEN_MIME = (
    b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n\r\n--nowhere\r\n"
    b"Content-Type: text/plain\r\n\r\nno boundary declared, none closed\r\n"
)
_MULTIPART = b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\n'
_FORM = (
    b"--b1\r\nContent-Type: application/vnd.openxmlformats-officedocument"
    b'.wordprocessingml.document; name="GM SIN form.docx"\r\n'
    b"Content-Transfer-Encoding: base64\r\n"
    b'Content-Disposition: attachment; filename="GM SIN form.docx"\r\n\r\n'
    b"UEsDBBQABgAIAAAAIQ"  # cut off mid-stream, and no closing boundary
)


def _line(token: str) -> bytes:
    return b"\r\nReference for the test harness: " + token.encode() + b"\r\n"


def _mid(token: str, before: bytes = b"", after: bytes = b"", folded: bool = False) -> bytes:
    fold = b"\r\n " if folded else b" "
    return b"Message-ID:" + fold + b"<" + before + token.encode() + after + b"@gmp.police.uk>\r\n"


def _hostile(kind: str, token: str, rng: random.Random) -> bytes:
    """The raw bytes of one hostile kind; each but the garbage has a normal-looking text."""
    body = b"\r\nPlease see below.\r\n" + _line(token)
    text_part = b"--b1\r\nContent-Type: text/plain\r\n\r\nForm attached.\r\n" + _line(token)
    builders: dict[str, Callable[[], bytes]] = {
        "long_message_id": lambda: _STD + _SIN_SUBJECT + _mid(token, before=b"x" * 1200) + body,
        "nul_message_id": lambda: _STD + b"Subject: Hi\r\n" + _mid(token, after=b"\x00n") + body,
        "nul_subject": lambda: _STD + b"Subject: Hel\x00lo\r\n" + _mid(token) + body,
        "crlf_display_name": lambda: _CRLF_FROM + _SIN_SUBJECT + _mid(token) + body,
        "folded_message_id": lambda: _STD + _SIN_SUBJECT + _mid(token, folded=True) + body,
        "broken_mime": lambda: _STD + _mid(token) + _BROKEN_MIME + _line(token),
        "truncated_base64": lambda: (
            _STD + _SIN_SUBJECT + _mid(token) + _MULTIPART + text_part + _FORM
        ),
        "huge_header": lambda: (
            _STD
            + b"Subject: "
            + b"Long subject " * 20000
            + b"\r\nX-Padding: "
            + b"y" * 300_000
            + b"\r\n"
            + _mid(token)
            + body
        ),
        "no_headers": lambda: b"\r\nJust a body and nothing else.\r\n" + _line(token),
        "eight_bit_garbage": lambda: (
            bytes(rng.randrange(256) for _ in range(3000))
            + _line(token)
            + bytes(rng.randrange(256) for _ in range(500))
        ),
    }
    return builders[kind]()


def hostile_messages(rng: random.Random, prefix: str) -> dict[str, tuple[str, bytes]]:
    """Each kind of hostile message the issue names: kind -> (token, raw bytes)."""
    made = {}
    for kind in HOSTILE_KINDS:
        token = f"{prefix}-{kind}"
        made[kind] = (token, _hostile(kind, token, rng))
    return made


# Hostile kinds built from headers the bot itself writes back (From display name, Message-ID):
# those must end processed (acknowledged or triaged), never quarantined.
OWN_HEADER_KINDS = ("crlf_display_name", "folded_message_id")


def write_maildir_config(servers: Servers) -> tuple[Path, Path]:
    """A config reading a local Maildir (bytes exactly as delivered) and sending by SMTP."""
    config = write_harness_config(servers)
    data: dict[str, Any] = tomllib.loads(config.read_text())
    inbox = servers.workdir / "inbox"
    data["mailbox"] = {
        "backend": "maildir",
        "maildir_path": str(inbox),
        "poll_seconds": 1,
        "needs_attention_folder": ATTENTION,
    }
    config.write_bytes(tomli_w.dumps(data).encode())
    return config, inbox


def poison_harness(servers: Servers, *, seed: int, rounds: int = 1) -> Findings:
    """Hostile messages between good ones, through real `run --once` passes; every pass must
    exit 0 and finish its steps, good neighbours are processed, hostile ones stored and
    processed or triaged (visible in `triage list`)."""
    from tests.fixtures.mail import drop_into_maildir

    rng = random.Random(seed)
    config, inbox = write_maildir_config(servers)
    init_database(servers, config)
    generator = MailGenerator(seed, prefix="good")
    good: list[Generated] = []
    hostile: dict[str, str] = {}  # token -> kind
    for n in range(rounds):
        for kind, (token, raw) in hostile_messages(rng, f"bad{seed}r{n}").items():
            neighbour = generator.one(rng.choice(("sin", "plain")))
            drop_into_maildir(inbox, neighbour.raw, raw)
            good.append(neighbour)
            hostile[token] = kind
        last = generator.one("sin")
        drop_into_maildir(inbox, last.raw)
        good.append(last)
    findings = Findings()
    settle(servers, config, findings)
    world = read_world(servers)
    by_token: dict[str, list[StoredRow]] = {}
    for row in world.rows:
        for token in set(row.tokens[:1]):
            by_token.setdefault(token, []).append(row)
    for g in good:
        rows = by_token.get(g.token, [])
        if [r.status for r in rows] != ["processed"]:
            findings.problem(GOOD_PROCESSED, f"{g.token}: {[r.status for r in rows]}")
    listed = _triage_ids(servers, config)
    for token, kind in hostile.items():
        rows = by_token.get(token, [])
        if kind in OWN_HEADER_KINDS and [r.status for r in rows] != ["processed"]:
            findings.problem(OWN_HEADERS, f"{kind}: {[r.status for r in rows]}")
        if len(rows) != 1:
            findings.problem(HOSTILE_HANDLED, f"{kind}: stored {len(rows)} times")
            continue
        row = rows[0]
        if row.status not in ("processed", "quarantined"):
            findings.problem(HOSTILE_HANDLED, f"{kind}: left {row.status}")
        if row.status == "quarantined" and row.id not in listed:
            findings.problem(HOSTILE_HANDLED, f"{kind}: quarantined but not in triage list")
    if world.outbox_due:
        findings.problem(PASS_COMPLETES, f"{world.outbox_due} sendable emails never sent")
    findings.figures.update(
        hostile_messages=len(hostile),
        good_neighbours=len(good),
        faults_injected=len(hostile),
        quarantined=sum(r.status == "quarantined" for r in world.rows),
        messages_checked=len(hostile) + len(good),
    )
    return findings


def _triage_ids(servers: Servers, config: Path) -> set[int]:
    import json

    done = run_cli(servers, config, "triage", "list", "--json")
    if done.returncode != 0:
        return set()
    return {int(r["id"]) for r in json.loads(done.stdout)}


# --- fuzzing --------------------------------------------------------------------------------

CORPUS = sorted([*(ROOT / "tests" / "corpus").glob("*.eml"), *(ROOT / "samples").glob("*.eml")])
MUTATIONS = ("flip", "duplicate_header", "truncate", "boundary", "flip_header")


def mutate(raw: bytes, rng: random.Random) -> tuple[str, bytes]:
    """One seeded mutation of a corpus message: which, and the damaged bytes."""
    how = rng.choice(MUTATIONS)
    data = bytearray(raw)
    head_end = raw.find(b"\n\n") if b"\n\n" in raw else raw.find(b"\r\n\r\n")
    head_end = head_end if head_end > 0 else len(raw)
    if how in ("flip", "flip_header"):
        span = head_end if how == "flip_header" else len(data)
        for _ in range(rng.randint(1, 12)):
            if span:
                data[rng.randrange(span)] ^= 1 << rng.randrange(8)
    elif how == "duplicate_header":
        lines = raw[:head_end].split(b"\n")
        picked = rng.choice(lines)
        copies = rng.randint(1, 50)
        data = bytearray(raw[:head_end] + (b"\n" + picked) * copies + raw[head_end:])
    elif how == "truncate":
        data = data[: rng.randrange(len(data) + 1)]
    else:
        found = [m.start() for m in re.finditer(rb"\n--", raw)]
        if found:
            at = rng.choice(found) + 3
            junk = bytes(rng.randrange(33, 127) for _ in range(rng.randint(1, 8)))
            data = bytearray(raw[:at] + junk + raw[at + rng.randint(0, 20) :])
        else:
            data = data[: rng.randrange(len(data) + 1)]
    return how, bytes(data)


def fuzz_harness(servers: Servers, *, seed: int, cases: int, per_pass: int = 50) -> Findings:
    """Seeded mutations of the .eml corpus through real passes (Maildir, so the bytes reach
    the bot exactly as damaged): no pass breaks; every message stored once and ends processed
    or quarantined."""
    from tests.fixtures.mail import drop_into_maildir

    rng = random.Random(seed)
    config, inbox = write_maildir_config(servers)
    init_database(servers, config)
    corpus = [p.read_bytes() for p in CORPUS]
    findings = Findings()
    delivered: dict[str, str] = {}  # sha256 -> mutation
    for n in range(cases):
        how, raw = mutate(rng.choice(corpus), rng)
        raw = b"X-Fuzz-Case: %d\r\n" % n + raw  # distinct bytes: the store deduplicates by hash
        delivered[hashlib.sha256(raw).hexdigest()] = how
        findings.figures[f"mutation_{how}"] = findings.figures.get(f"mutation_{how}", 0) + 1
        drop_into_maildir(inbox, raw)
        if (n + 1) % per_pass == 0:
            _one_pass(servers, config, findings)
    settle(servers, config, findings)
    world = read_world(servers)
    rows = Counter(r.sha256 for r in world.rows)
    status = {r.sha256: r.status for r in world.rows}
    for digest, how in delivered.items():
        if rows[digest] != 1:
            findings.problem(STORED_ONCE, f"{how} case {digest[:12]} stored {rows[digest]} times")
        elif status[digest] not in ("processed", "quarantined"):
            findings.problem(ALL_DONE, f"{how} case {digest[:12]} left {status[digest]}")
    findings.figures.update(
        fuzz_cases=cases,
        messages_checked=cases,
        quarantined=sum(r.status == "quarantined" for r in world.rows),
    )
    return findings


def _claims_run_out(servers: Servers) -> None:
    """Every daemon has stopped: the claims the killed ones held end now, as they would a
    claim's length later by the database's clock (bot.services.outbox_claim), which `--now`
    does not move."""
    engine = create_engine(servers.database_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE outbox SET claimed_until = NULL"))
    finally:
        engine.dispose()


def _one_pass(servers: Servers, config: Path, findings: Findings) -> None:
    done = run_cli(servers, config, "run", "--once", "--json", now=datetime.now(UTC))
    findings.figures["passes"] = findings.figures.get("passes", 0) + 1
    if done.returncode != 0:
        findings.problem(PASS_COMPLETES, f"run --once exited {done.returncode}: "
                         f"{_last_line(done.stderr)}")  # fmt: skip


def exchange_like_smtp(dovecot: DovecotServer) -> SmtpTestServer:
    """An SMTP server that files each message it accepts in the mailbox's Sent Items, as
    Exchange Online does for mail sent with SMTP AUTH: what the bot looks in after a kill
    before sending again. An explicit arrival time keeps the fixture from touching the file."""
    return SmtpTestServer(
        on_accept=lambda raw: dovecot.append(raw, SENT_FOLDER, arrived=datetime.now(UTC))
    )
