"""Telling a broken reading process apart from a hostile email (bot.adapters.reader_process).

A child that dies on an email's parse has that email set aside. But when the reading process
cannot work at all (it cannot be started, or every child dies before answering: a broken
install, a module that will not import, a sandbox that forbids the forkserver), every email
would be set aside one after another, each reported as its own fault, and no SIN would open
its case. So each new child first parses a tiny known email (the canary): if it cannot be
started, or does not answer the canary, the reading process is broken (ReaderBroken), not the
email, and FallbackReader parses and reads in the bot's own process instead, as with
`[ingest] read_in_child = false`, until the bot is restarted: a fault in the install does not
mend itself, and trying again with every email would cost each one a failed start.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.core.doctext import DocumentText
from bot.core.error_words import describe
from bot.core.message import MailMessage

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

    from bot.adapters.reader_process import ReaderProcess, ReadSettings

log = logging.getLogger(__name__)

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
    once the reading process is found broken."""

    def __init__(
        self,
        reader: ReaderProcess,
        parse_here: Callable[[bytes], MailMessage],
        read_here: Callable[[MailMessage], list[DocumentText]],
    ) -> None:
        self.reader = reader
        self.broken: str | None = None  # why the reading process is not used
        self._parse_here, self._read_here = parse_here, read_here

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

    def settle(self) -> None:
        if self.broken is None:
            self.reader.settle()

    def close(self) -> None:
        self.reader.close()

    def _fall_back(self, exc: ReaderBroken) -> None:
        self.broken = str(exc)
        self.reader.close()
        log.error(
            "the reading process does not work: %s; emails are parsed and read in the bot's "
            "own process, without its time and memory limits, until the bot is restarted",
            self.broken,
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
