"""A reading child with the test's own fault, named as the child's entry point in place of
bot.adapters.reader_child.serve: it dies on the spot (os._exit, as a crash in C code would)
while parsing an email that carries MARKER, reading a PDF that does (hostile_pdf), or reading
an email's own text that does, and parses and reads everything else as the bot does."""

from __future__ import annotations

import os
from typing import Any

MARKER = b"X-Test: STOP-THE-READER"
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
    reader_child.serve(*args)
