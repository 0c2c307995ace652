"""Telling a broken reading process apart from a hostile email (bot.adapters.reader_process).

A child that dies on an email's parse has that email set aside. But when the reading process
cannot work at all (it cannot be started, or every child dies before answering: a broken
install, a module that will not import, a sandbox that forbids the forkserver), every email
would be set aside one after another, each reported as its own fault, and no SIN would open
its case. So each new child first parses a tiny known email (the canary): if it cannot be
started, or does not answer the canary, the reading process is broken (ReaderBroken), not the
email, and FallbackReader parses and reads in the bot's own process instead, as with
`[ingest] read_in_child = false`. Not for good: a fork can fail once and then work (memory or
processes short for a moment), and an install can be mended. So the reading process is tried
again at a mail pass's start (try_again), RETRY_FIRST after the fall back, then each wait
doubled up to RETRY_MOST: not with every email, which would cost each one a failed start.
bot.services.reading records the state for `status` and the digest.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from bot.core.doctext import DocumentText
from bot.core.error_words import describe
from bot.core.message import MailMessage

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

    from bot.adapters.reader_launch import ReadSettings
    from bot.adapters.reader_process import ReaderProcess
    from bot.core.forms import Extraction
    from bot.core.vocabulary import Vocabulary

log = logging.getLogger(__name__)

# Seconds from a fall back to the first try again, and the longest wait between tries.
RETRY_FIRST, RETRY_MOST = 300, 3600
CANARY_KEY = 0  # the jobs' own keys start at 1
CANARY = (
    b"From: Reader Check <check@example.invalid>\r\nTo: bot@example.invalid\r\n"
    b"Subject: reading process check\r\nMessage-ID: <canary@example.invalid>\r\n\r\n"
    b"A known email, parsed first by each new reading process.\r\n"
)


class ReaderBroken(Exception):
    """The reading process cannot be started, or does not answer a known email."""


def started(process: BaseProcess) -> None:
    """process.start(), its failure a ReaderBroken."""
    try:
        process.start()
    except Exception as exc:
        raise ReaderBroken(f"it cannot be started ({describe(exc)})") from exc


def check_answers(conn: Connection, process: BaseProcess, seconds: float) -> None:
    """Send the canary and wait for its answer: any answer, for a parser that answers works."""
    try:
        conn.send((CANARY_KEY, CANARY, None, False))
        if not conn.poll(seconds):
            raise ReaderBroken(f"it did not answer a known email within {seconds:g} seconds")
        key, _stage, _ok, _value = conn.recv()
    except (EOFError, OSError) as exc:
        process.join(5)
        raise ReaderBroken(
            f"it stopped before answering a known email (exit code {process.exitcode})"
        ) from exc
    if key != CANARY_KEY:
        raise ReaderBroken("it answered a known email with another's answer")


class FallbackReader:
    """ReaderProcess's `ahead`, `parse`, `read`, `settle` and `close`, done in this process
    while the reading process is found broken, and tried again later (`try_again`)."""

    def __init__(
        self,
        reader: ReaderProcess,
        parse_here: Callable[[bytes], MailMessage],
        read_here: Callable[[MailMessage], list[DocumentText]],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.reader = reader
        self.broken: str | None = None  # why the reading process is not used
        self._parse_here, self._read_here = parse_here, read_here
        self._clock = clock
        self._wait = RETRY_FIRST
        self._retry_at = 0.0

    @property
    def known(self) -> bool:
        """Whether this process knows if the reading process works: it fell back, or a child
        answered the known email (none starts until the first email is parsed)."""
        return self.broken is not None or self.reader.answered

    def try_again(self, *, untried_too: bool = False) -> None:
        """Start the reading process again if it is broken and its wait is over, and go back
        to it if it answers the known email. `untried_too`: also start one now if this process
        has not yet (another instance, or an earlier run, was found with it broken), so that
        a mended install is known at once, not at the first email."""
        if self.broken is None and (self.reader.answered or not untried_too):
            return
        if self.broken is not None and self._clock() < self._retry_at:
            return
        try:
            self.reader.start_checked()
        except ReaderBroken as exc:
            if self.broken is None:
                self._fall_back(exc)
            else:
                self._still_broken(exc)
            return
        if self.broken is not None:
            log.warning(
                "the reading process works again: emails are parsed and read in it again, "
                "with its time and memory limits (it did not work: %s)",
                self.broken,
            )
        self.broken, self._wait = None, RETRY_FIRST

    def ahead(self, raw: bytes) -> None:
        if self.broken is None:
            try:
                self.reader.ahead(raw)
            except ReaderBroken as exc:
                self._fall_back(exc)

    def parse(self, raw: bytes) -> MailMessage:
        if self.broken is None:
            try:
                return self.reader.parse(raw)
            except ReaderBroken as exc:
                self._fall_back(exc)
        return self._parse_here(raw)

    def read(self, msg: MailMessage) -> list[DocumentText]:
        if self.broken is None:
            try:
                return self.reader.read(msg)
            except ReaderBroken as exc:
                self._fall_back(exc)
        return self._read_here(msg)

    def extracted(
        self, documents: Sequence[DocumentText], vocabulary: Vocabulary, expected: str | None
    ) -> Extraction | None:
        return None if self.broken else self.reader.extracted(documents, vocabulary, expected)

    def settle(self) -> None:
        if self.broken is None:
            self.reader.settle()

    def close(self) -> None:
        self.reader.close()

    def _fall_back(self, exc: ReaderBroken) -> None:
        self.broken = str(exc)
        self.reader.close()
        self._retry_at = self._clock() + self._wait
        log.error(
            "the reading process does not work: %s; emails are parsed and read in the bot's "
            "own process, without its time and memory limits, until it works again: it is "
            "tried again in %d minutes, then less and less often, up to once an hour",
            self.broken,
            self._wait // 60,
        )

    def _still_broken(self, exc: ReaderBroken) -> None:
        self.broken = str(exc)
        self.reader.close()
        self._wait = min(self._wait * 2, RETRY_MOST)
        self._retry_at = self._clock() + self._wait
        log.warning(
            "the reading process still does not work: %s; tried again in %d minutes",
            self.broken,
            self._wait // 60,
        )


def reader_works(settings: ReadSettings) -> str | None:
    """None when a reading process starts and answers a known email; else why not (doctor)."""
    from bot.adapters.reader_process import ReaderProcess

    reader = ReaderProcess(settings)
    try:
        reader.start_checked()
    except ReaderBroken as exc:
        return str(exc)
    finally:
        reader.close()
    return None
