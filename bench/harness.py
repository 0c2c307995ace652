"""What every measure of bench/compare.py stands on: the real servers (started by the test
fixtures' own classes), generated mailboxes, a fresh database per run, and `tscp-bot` run as a
subprocess whose wall time and peak RSS are recorded."""

from __future__ import annotations

import compileall
import contextlib
import json
import os
import pwd
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from tests.fixtures.database import _fresh_postgres
from tests.fixtures.documents import simple_docx, text_pdf
from tests.fixtures.dovecot import MAIL_USER, DovecotServer, dovecot_available
from tests.fixtures.forms_docx import SIN_CHILD, sin_docx
from tests.fixtures.mail import drop_into_maildir, email, sin
from tests.fixtures.real_servers import write_config
from tests.fixtures.smtp import SmtpTestServer

ROOT = Path(__file__).resolve().parents[1]
# The bot's clock in every run, as in the end-to-end tests: the SIN forms' dates make sense then.
NOW = "2026-12-23T09:05"
PASSWORD_ENV = "TEST_IMAP_PASSWORD"


def compile_bytecode() -> bool:
    """Compile the bot's modules, as installing its wheel does (pip compiles what it installs);
    False if any could not be. An editable checkout run with PYTHONDONTWRITEBYTECODE set (this
    machine's sessions, and the image) would otherwise compile every module it imports again at
    each start, which no installed bot does: `status` paid about 20 ms for it, `run --once`
    more."""
    return bool(compileall.compile_dir(ROOT / "bot", quiet=1))


def bot_command() -> list[str]:
    """The installed console script beside this interpreter, as an administrator runs it."""
    script = Path(sys.executable).parent / "tscp-bot"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]


# --- servers --------------------------------------------------------------------------------


@dataclass
class Servers:
    dovecot: DovecotServer
    smtp: SmtpTestServer
    work: Path  # a temporary folder for configs and SQLite files


@contextlib.contextmanager
def servers(on_accept: Callable[[bytes], None] | None = None) -> Iterator[Servers]:
    reason = dovecot_available()
    if reason:
        raise SystemExit(f"bench: cannot start Dovecot: {reason}")
    dovecot = DovecotServer()
    smtp = SmtpTestServer(on_accept=on_accept)
    with tempfile.TemporaryDirectory(prefix="tscp-bench-") as work:
        try:
            dovecot.start()
            smtp.start()
            yield Servers(dovecot, smtp, Path(work))
        finally:
            smtp.stop()
            dovecot.cleanup()


# --- mailboxes ------------------------------------------------------------------------------


def _attachment(i: int) -> tuple[str, bytes]:
    if i % 20 == 1:
        return ("minutes.docx", simple_docx(*(f"Item {n}: noted." for n in range(40))))
    return ("notes.pdf", text_pdf([f"Line {n} of the meeting notes" for n in range(30)]))


def sin_with_form(i: int) -> bytes:
    # A different invented child per SIN, so each is a case of its own, not a repeat.
    letters = "ABCDEFGHJKLMNPRSTVWY"
    first, middle, last = (letters[(i // 20**k) % 20] for k in range(3))
    name = f"{first}ara {middle}ee {last}ane"  # invented; 8,000 different initials
    # Born on a day of its own too: children with one date of birth and one incident date are
    # taken for the same notification sent twice, and every SIN after the first went to the
    # triage list instead of opening a case as a backlog's SINs do.
    born = (date(2008, 1, 1) + timedelta(days=i % 5000)).strftime("%d/%m/%Y")
    own = {"Name": name, "Date of birth": born}
    child = tuple((label, own.get(label, value)) for label, value in SIN_CHILD)
    # And a referrer of its own: one address is acknowledged a few times a day at most.
    return sin(
        f"<bench-sin-{i}@gmp.police.uk>",
        sender=f"referrer.{i}@gmp.police.uk",
        attachment=("SIN form.docx", sin_docx(child=child)),
    )


def backlog(count: int, sin_share: float = 0.0) -> list[bytes]:
    """`count` messages, 10% with an attachment, and sin_share of them SINs with a form."""
    # Spread evenly: message i is a SIN when the running share crosses a whole number there.
    sins = {i for i in range(count) if int((i + 1) * sin_share) > int(i * sin_share)}
    messages = []
    for i in range(count):
        if i in sins:
            messages.append(sin_with_form(i))
            continue
        messages.append(
            email(
                f"Note {i}",
                f"Hello, a note about item {i}.\n",
                message_id=f"<bench-{i}@gmp.police.uk>",
                attachment=_attachment(i) if i % 10 == 1 else None,
            )
        )
    return messages


def big_attachment(megabytes: int) -> list[bytes]:
    blob = os.urandom(megabytes * 1024 * 1024)
    return [
        email(
            "Large file",
            "See attached.\n",
            message_id="<bench-big@gmp.police.uk>",
            attachment=("recording.bin", blob),
        )
    ]


def fill_inbox(dovecot: DovecotServer, messages: Sequence[bytes]) -> None:
    """A fresh account whose INBOX holds `messages`, written into its Maildir as an MTA
    delivers (IMAP APPEND of thousands of messages would take longer than the measures)."""
    dovecot.new_user()
    home = dovecot.root / "home" / dovecot.user
    home.mkdir()
    drop_into_maildir(home / "Maildir", *messages)
    owner = pwd.getpwnam(MAIL_USER)
    for folder, dirs, files in os.walk(home):
        for name in [folder, *(os.path.join(folder, n) for n in dirs + files)]:
            os.chown(name, owner.pw_uid, owner.pw_gid)


# --- databases and the bot ------------------------------------------------------------------


@contextlib.contextmanager
def fresh_database(work: Path, pg_server: str | None) -> Iterator[str]:
    """A new, empty database: an SQLite file in `work`, or one on the PostgreSQL server."""
    if pg_server is None:
        folder = Path(tempfile.mkdtemp(dir=work))
        yield f"sqlite:///{folder / 'bot.sqlite3'}"
        return
    with contextlib.contextmanager(_fresh_postgres)(pg_server) as url:
        yield url


@dataclass(frozen=True)
class Finished:
    code: int
    seconds: float
    max_rss_mb: float
    stdout: str
    stderr: str
    # User + system CPU of the process: what it would take on an idle core, so far less
    # disturbed than wall time by other work on a busy machine (waits for I/O not included).
    cpu_seconds: float = 0.0

    def json(self) -> dict[str, object]:
        try:
            value = json.loads(self.stdout)
        except json.JSONDecodeError:
            return {}
        return value if isinstance(value, dict) else {}


# Linux carries a process's peak RSS across fork and exec: a command forked straight from this
# runner (which holds whole backlogs and every message aiosmtpd received) would report the
# runner's size as its own. So a small launcher, itself started afresh, forks the command and
# reports exactly that grandchild's wall time and rusage.
#
# The bot parses and reads mail in a child process (bot.adapters.reader_process, forked from a
# forkserver), which the command's own rusage does not cover. So the launcher is the tree's
# subreaper (every descendant left behind is reaped by it, its CPU counted in RUSAGE_CHILDREN),
# and it sums the PSS of the whole tree (/proc/PID/smaps_rollup: shared pages divided among
# the processes sharing them, so a page is counted once) every 50 ms. The peak reported is the
# larger of the command's own peak RSS and that summed PSS: for one process alone its RSS, as
# before; with a reading process, the tree's.
LAUNCHER = """\
import ctypes, os, resource, sys, time
from pathlib import Path
report, command = sys.argv[1], sys.argv[2:]
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
def tree(pid):
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except OSError:
            pass
    return found
def pss_kb(pid):
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execvp(command[0], command)
peak = 0
while True:
    done, status, usage = os.wait4(pid, os.WNOHANG)
    if done:
        break
    peak = max(peak, sum(pss_kb(p) for p in tree(pid)))
    time.sleep(0.05)
seconds = time.perf_counter() - started
while True:  # the command's descendants, left to this subreaper
    try:
        os.wait()
    except ChildProcessError:
        break
every = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(report, "w") as f:
    f.write(f"{seconds} {max(usage.ru_maxrss, peak)} {every.ru_utime + every.ru_stime}")
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_measured(args: Sequence[str], env: dict[str, str] | None = None) -> Finished:
    """Run a command; its wall time, peak memory (its RSS, or its process tree's summed PSS
    when larger) and CPU seconds, its descendants' included (see LAUNCHER)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        with tempfile.NamedTemporaryFile("r", suffix=".rusage") as report:
            launcher = [sys.executable, "-c", LAUNCHER, report.name, *args]
            code = subprocess.run(launcher, stdout=out, stderr=err, env=env).returncode
            seconds, max_rss_kb, cpu = (float(v) for v in report.read().split())
        out.seek(0)
        err.seek(0)
        return Finished(
            code,
            seconds,
            max_rss_kb / 1024,  # Linux reports kilobytes
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace"),
            cpu,
        )


class Bot:
    """`tscp-bot` on one configuration: the Dovecot account in use now, aiosmtpd, one DB."""

    def __init__(self, srv: Servers, database_url: str, poll_seconds: int = 1) -> None:
        folder = Path(tempfile.mkdtemp(dir=srv.work))
        self.config = write_config(folder, database_url, srv.dovecot, srv.smtp, poll_seconds)
        self.env = {**os.environ, PASSWORD_ENV: srv.dovecot.password}

    def args(self, *command: str, now: str | None = NOW) -> list[str]:
        clock = ["--now", now] if now else []
        return [*bot_command(), "--config", str(self.config), *clock, *command]

    def run(self, *command: str) -> Finished:
        done = run_measured(self.args(*command), self.env)
        if done.code not in (0, 1):
            raise RuntimeError(f"tscp-bot {' '.join(command)} exited {done.code}: {done.stderr}")
        return done

    def init(self) -> None:
        done = self.run("init")
        if done.code != 0:
            raise RuntimeError(f"tscp-bot init failed: {done.stderr.strip()}")

    def daemon(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            self.args("run"), env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
