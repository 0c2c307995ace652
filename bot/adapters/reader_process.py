"""Parse emails and read their documents in a child process, within a time and memory limit.

A hostile or broken attachment can make a reader loop for ever, take all memory, or crash in
C code (lxml); in the bot's own process that stops every message, and after a restart the same
message stops it again. In a child, it stops the child: the child is replaced, and the message
is kept going without what could not be read (`read`), or set aside (`parse`). The child runs
the same pure functions as in-process (bot.adapters.reader_child), so the results are the same.

The child is forked from a forkserver, not from the bot: the daemon has threads (APScheduler,
SQLAlchemy's pool, the outbox's listener), and a plain fork copies locks another thread may
hold, which can deadlock the child; "spawn" would import the readers again for every new
child. The forkserver is a fresh single-threaded interpreter that imports the readers once
(reader_child.PRELOAD), and forks each child from that. Nothing starts until the first email
is parsed: commands that read no mail never start it.

The child also reads ahead (`ahead`): the next messages of a batch are sent (by a thread,
reader_writer) before they are needed, so it parses and reads them on the second core while
this process classifies and writes the one before. Answers come back in the order the jobs
were sent, each message's parse first and its documents after, so when the child stops the
parent knows which stage of which message stopped it. A message's attachments share one
`seconds` (bot.core.partly_read), and the child says as it begins and ends each one, so a
stop keeps what was read before it and names the attachment it stopped on; after a crash or
the memory limit, those not begun are read by the fresh child, once (bot.core.read_again).
Each new child first answers a known email (bot.adapters.reader_fallback): one that cannot, or
cannot start, raises ReaderBroken, for the bot to read in its own process rather than set
every email aside.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from bot.adapters.reader_job import Job
from bot.adapters.reader_launch import ReadSettings
from bot.core.doctext import DocumentText
from bot.core.message import MailMessage
from bot.core.partly_read import BODY_PIECE, stopped_in_time
from bot.core.read_again import Stop, documents, read_again

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

    from bot.adapters.reader_writer import JobWriter
    from bot.core.forms import Extraction
    from bot.core.vocabulary import Vocabulary

# An email this large is parsed here, not in the child: sent across, its bytes would be held
# twice more at once (the pipe's copy, the child's), taking a 25 MB email past the memory
# target; its parse is mostly base64 decoded in C. Its documents are still read in the child.
PARSED_HERE_FROM = 4_000_000


class ReaderProcess:
    """`parse` and `read` as in-process, done by a child process (started on first use)."""

    def __init__(self, settings: ReadSettings) -> None:
        self.settings = settings
        self.pid: int | None = None  # the current child's, for a test to find it
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None  # its answers: jobs go by `_writer`
        self._writer: JobWriter | None = None
        self._next = 0
        self._waiting: dict[int, Job] = {}  # sent, not fully answered, in the child's order
        self._kept: dict[int, Job] = {}  # read ahead: the jobs not yet let go of
        self._by_raw: dict[int, Job] = {}  # id(raw) of a job read ahead
        self._by_msg: dict[int, Job] = {}  # id(message) parsed ahead
        self._last_answer = 0.0  # when the last answer came (monotonic)
        self._broken: Exception | None = None  # a ReaderBroken met while replacing a child
        self.answered = False  # a child answered the known email (reader_fallback)
        # The bot's own vocabulary (bootstrap sets this): each child is given it, to match the
        # forms of what it reads; `_given` is the one given, asked for at the first start.
        self.vocabulary: Callable[[], Vocabulary | None] = lambda: None
        self._given: Vocabulary | None = None
        self._asked = False
        self._matched: tuple[list[DocumentText], dict[str | None, Extraction]] | None = None
        # The daemon's jobs run in threads of their own, and more than one may parse at once:
        # one conversation with the child at a time, or answers go to the wrong asker.
        self._lock = threading.RLock()

    def ahead(self, raw: bytes) -> None:
        """Start parsing and reading `raw`, for a `parse(raw)` to come with this same object."""
        with self._lock:
            if id(raw) not in self._by_raw and len(raw) < PARSED_HERE_FROM:
                job = self._send(raw, None, ahead=True)
                self._kept[job.key] = job
                self._by_raw[id(raw)] = job

    def parse(self, raw: bytes) -> MailMessage:
        """What parse_message returns (or raises); ParseError when the parse was stopped."""
        if len(raw) >= PARSED_HERE_FROM:
            return self._parse_here(raw)
        with self._lock:
            job = self._by_raw.get(id(raw))
            if job is None or job.raw is not raw:
                job = self._send(raw, None, ahead=False)
            else:
                self._let_go_before(job.key)
            ok, value = self._answer(job, "parse")
            if not ok:
                raise value
            if job.ahead:
                self._by_msg[id(value)] = job
                job.msg = value
            return value  # type: ignore[no-any-return]

    def read(self, msg: MailMessage) -> list[DocumentText]:
        """What read_message returns; a document whose reading was stopped, unread."""
        with self._lock:
            job = self._by_msg.get(id(msg))
            if job is None or job.msg is not msg:  # not parsed ahead
                job = self._send(None, msg, ahead=False)
            ok, value = self._answer(job, "read")
            if ok:
                docs = job.documents()
                if value[1] is not None:
                    self._matched = (docs, value[1])
                return docs
            if isinstance(value, Exception):
                raise value
            return self._partly_read(msg, job)

    def extracted(
        self, documents: Sequence[DocumentText], vocabulary: Vocabulary, expected: str | None
    ) -> Extraction | None:
        """What `extract(documents, vocabulary, expected)` returns, when the child already
        matched it: these very documents, the last it read, with this very vocabulary. None
        otherwise, for the bot to match them itself."""
        with self._lock:
            matched = self._matched
            if matched is None or matched[0] is not documents or vocabulary is not self._given:
                return None
            return matched[1].get(expected)

    def settle(self) -> None:
        """Let go of everything read ahead (a batch is over): the child finishes it unasked."""
        with self._lock:
            self._let_go_before(self._next + 1)
            self._matched = None

    def start_checked(self) -> None:
        """Start the child now and check that it answers (ReaderBroken if not): for doctor,
        and to try again once it was found broken (whatever was sent before is forgotten)."""
        with self._lock:
            if self._conn is None:
                self._broken = None
                for jobs in (self._waiting, self._kept, self._by_raw, self._by_msg):
                    jobs.clear()
                self._start()

    def close(self) -> None:
        """Stop the child: it finishes its current job first, or is killed after a second."""
        with self._lock:
            self.settle()
            if self._writer is not None:
                self._writer.send(None)
            self._kill(wait=1.0)

    def _parse_here(self, raw: bytes) -> MailMessage:
        from bot.adapters.parsing import parse_message

        return parse_message(raw, max_attachment_bytes=self.settings.max_attachment_bytes)

    def _kill(self, wait: float = 0.0) -> None:
        process, conn, writer = self._process, self._conn, self._writer
        self._process = self._conn = self._writer = self.pid = None
        if process is not None:
            process.join(wait)
            if process.is_alive():
                process.kill()
                process.join()
        if writer is not None:  # after the child: a write waiting on it has failed
            writer.stop()
        if conn is not None:
            conn.close()

    def _partly_read(self, msg: MailMessage, job: Job) -> list[DocumentText]:
        """What was read before the child stopped, and what a fresh child read of the rest
        (bot.core.read_again); the attachment it stopped on unread for why it stopped."""
        first, seconds = job.stop(), self.settings.seconds
        names = [att.filename or "unnamed attachment" for att in msg.attachments]
        readings = []
        for again in read_again(first, len(msg.attachments), seconds, job.spent):
            rest = tuple(msg.attachments[n] for n in again.attachments)
            text, html = (msg.text, msg.html) if again.body else ("", "")
            part = dataclasses.replace(msg, attachments=rest, text=text, html=html)
            readings.append((again, self._read_again(part, again.seconds)))
            if readings[-1][1].reason:  # the fresh child stopped too: no third for this email
                break
        return documents(names, seconds, first, readings)

    def _read_again(self, msg: MailMessage, seconds: float) -> Stop:
        """`msg` read by a fresh child within `seconds`, as far as it got; its forms not
        kept, being those of part of the email. A fresh child that cannot start or answer
        leaves it unread here, for the next email to find the reading process broken: read
        in this process, the attachment that stopped the child could stop the bot."""
        from bot.adapters.reader_fallback import ReaderBroken

        try:
            job = self._send(None, msg, ahead=False, seconds=seconds)
            self._answer(job, "read")
        except ReaderBroken as exc:
            self._broken = exc
            on = None if msg.attachments else BODY_PIECE
            return Stop({}, on, "a fresh reader could not be started for it", False)
        return job.stop()

    def _send(
        self, raw: bytes | None, msg: MailMessage | None, *, ahead: bool, seconds: float = 0
    ) -> Job:
        self._next += 1
        stage = "parse" if raw is not None else "read"
        job = Job(self._next, raw, msg, ahead, seconds or self.settings.seconds, stage)
        self._waiting[job.key] = job
        self._start_job(job)
        return job

    def _start_job(self, job: Job) -> None:
        if self._broken is not None:
            raise self._broken
        writer = self._writer or self._start()
        job.sent_at = time.monotonic()
        writer.send((job.key, job.raw, None if job.raw is not None else job.msg, job.ahead))

    def _answer(self, job: Job, stage: str) -> tuple[bool, Any]:
        """The job's answer for `stage`, waiting for it; a stopped child is replaced, and its
        job answered (False, the reason as a string, or the ParseError of a stopped parse)."""
        while stage not in job.answers:
            # The child took the oldest job unanswered when it was sent, or when the answer
            # before it came, whichever was later: counted from then, never from earlier.
            head = next(iter(self._waiting.values()))
            deadline = max(head.sent_at, self._last_answer) + head.seconds
            conn = self._conn
            if conn is None and self._broken is not None:
                raise self._broken
            assert conn is not None  # a job is waiting
            try:
                if not conn.poll(max(deadline - time.monotonic(), 0.0)):
                    if time.monotonic() >= deadline:
                        head.timed_out = True
                        self._stopped(
                            head, f"reading it took longer than {self.settings.seconds} seconds"
                        )
                    continue
                key, answered, ok, value = conn.recv()
            except (EOFError, OSError):
                self._stopped(head, self._why_it_stopped())
                continue
            if answered == "piece":  # not an answer: the child is still on the same job
                self._waiting[key].piece(*value)
                continue
            self._last_answer = time.monotonic()
            self._take(self._waiting[key], answered, ok, value)
        return job.answers[stage]

    def _take(self, job: Job, stage: str, ok: bool, value: Any) -> None:
        job.answers[stage] = (ok, value)
        job.stage = "read"
        if stage == "read" or not ok or not job.ahead:
            del self._waiting[job.key]

    def _stopped(self, job: Job, reason: str) -> None:
        """The child stopped on `job` (or was stopped): replace it, answer the job, and send
        the jobs after it again to the new child."""
        self._kill()
        job.spent = time.monotonic() - max(job.sent_at, self._last_answer)
        self._last_answer = 0.0
        if job.stage == "parse":
            from bot.adapters.parsing import ParseError

            failure: Any = ParseError(f"the email could not be parsed: {reason}; open it by hand")
            self._take(job, "parse", False, failure)
        else:
            self._take(
                job,
                "read",
                False,
                stopped_in_time(self.settings.seconds) if job.timed_out else reason,
            )
        self._waiting.pop(job.key, None)
        from bot.adapters.reader_fallback import ReaderBroken

        try:
            for later in self._waiting.values():
                later.stage = "read" if later.raw is None else "parse"
                later.answers.clear()
                later.pieces.clear()
                later.reading = None
                self._start_job(later)
        except ReaderBroken as exc:
            # Raised at the next job's wait or send, so that `job`, which stopped the child,
            # is still answered as stopped: set aside, not read again in this process.
            self._kill()
            self._broken = exc

    def _why_it_stopped(self) -> str:
        process = self._process
        if process is not None:
            process.join(5)
            from bot.adapters.reader_child import OUT_OF_MEMORY

            if process.exitcode == OUT_OF_MEMORY:
                return f"its reader ran out of memory (over {self.settings.memory_mb} MB)"
        return "its reader stopped"

    def _let_go_before(self, key: int) -> None:
        """Forget what was read ahead for messages before `key`: a batch takes its messages in
        the order they were sent ahead, so nothing will ask for them again."""
        for old in [k for k in self._kept if k < key]:
            job = self._kept.pop(old)
            self._by_raw.pop(id(job.raw), None)
            if job.msg is not None:
                self._by_msg.pop(id(job.msg), None)

    def _vocabulary(self) -> Vocabulary | None:
        """The vocabulary each child is given, the same for every child: the bot's own, asked
        for once. None, if it cannot be loaded: the bot meets that error where it reads forms."""
        if not self._asked:
            self._asked = True
            try:
                self._given = self.vocabulary()
            except Exception:
                self._given = None
        return self._given

    def _start(self) -> JobWriter:
        from bot.adapters.reader_fallback import check_answers
        from bot.adapters.reader_launch import launch
        from bot.adapters.reader_writer import JobWriter

        process, mine = launch(self.settings, self._vocabulary())
        self._process, self._conn, self.pid = process, mine, process.pid
        try:
            check_answers(mine, process, self.settings.seconds)
        except Exception:
            self._kill()
            raise
        self.answered, self._writer = True, JobWriter(mine)
        return self._writer
