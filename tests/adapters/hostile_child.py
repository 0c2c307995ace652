"""A reading child with the test's own fault, named as the child's entry point in place of
bot.adapters.reader_child.serve: it dies on the spot (os._exit, as a crash in C code would)
while parsing an email that carries MARKER, reading a PDF that does (hostile_pdf), or reading
an email's own text that does, and parses and reads everything else as the bot does.

An email that carries STOP_TAKING instead makes it stop taking jobs off the pipe as it takes
that one (as when its job-taking thread cannot get Python's lock) and die the number of
seconds after the marker later, so that whatever the parent sends after it waits in the pipe.
"""

from __future__ import annotations

import os
import re
import time
from typing import Any

MARKER = b"X-Test: STOP-THE-READER"
STOP_TAKING = b"X-Test: TAKE-NO-MORE-AND-DIE-IN"
DIED = 9


def hostile_pdf() -> bytes:
    """A PDF by its first bytes whose reading kills this child."""
    return b"%PDF-1.4\n%" + MARKER + b"\n%%EOF\n"


def serve(*args: Any) -> None:
    import bot.adapters.parsing as parsing
    from bot.adapters import reader_child
    from bot.adapters.documents import reading, text
    from bot.adapters.documents.detect import Kind

    parse = parsing.parse_message
    read_pdf = reading._READERS[Kind.PDF]
    lines = text.text_lines

    def parse_message(raw: bytes, **kw: Any) -> Any:
        if MARKER in raw:
            os._exit(DIED)
        return parse(raw, **kw)

    def pdf(data: bytes, limits: Any) -> Any:
        if MARKER in data:
            os._exit(DIED)
        return read_pdf(data, limits)

    def text_lines(body: str, found: Any) -> None:
        if MARKER.decode() in body:
            os._exit(DIED)
        lines(body, found)

    parsing.parse_message = parse_message
    reading._READERS[Kind.PDF] = pdf
    vars(reading)["text_lines"] = text_lines  # as the name reading.py calls it by
    reader_child._take_jobs = _take_jobs
    reader_child.serve(*args)


def _take_jobs(conn: Any, jobs: Any) -> None:
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            job = None
        raw = job[1] if job is not None else None
        if isinstance(raw, bytes) and (found := re.search(STOP_TAKING + rb" ([0-9.]+)", raw)):
            time.sleep(float(found.group(1)))
            os._exit(DIED)
        jobs.put(job)
        if job is None:
            return
