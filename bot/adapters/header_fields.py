"""A message's header fields, listed once and each decoded at most once.

Several readings want the same fields: every header by name (its first instance), every
Authentication-Results (each relay adds one), and the trace, Received and
Authentication-Results in the order they stand. Listing the fields asks the parser to fetch
each one again, and decoding RFC 2047 words is the costly part, so each field is decoded the
first time one of them asks and handed to the others as it was. A field's decoding records
its problems in the message's defects when it is first decoded, as it did when each reading
decoded it again (the defects are kept once each, in the order first found).
"""

from __future__ import annotations

from collections.abc import Callable
from email.errors import HeaderParseError
from email.header import Header, decode_header
from typing import Any


def _decode_chunk(chunk: bytes | str, charset: str | None, defects: list[str]) -> str:
    if isinstance(chunk, str):
        return chunk
    if charset in (None, "unknown-8bit"):
        # Raw 8-bit header bytes: UTF-8 if they are valid, else the Windows code page
        # Outlook in UK offices most often sends.
        try:
            return chunk.decode("utf-8")
        except UnicodeDecodeError:
            defects.append("undeclared 8-bit header (read as windows-1252)")
            return chunk.decode("windows-1252", "replace")
    try:
        return chunk.decode(charset)
    except (LookupError, UnicodeError):
        defects.append(f"undecodable charset in header: {charset}")
        return chunk.decode("utf-8", "replace")


def decode_header_value(value: object, defects: list[str]) -> str:
    """Decode RFC 2047 encoded words, falling back to replacement characters, never raising."""
    source = value if isinstance(value, Header) else str(value)
    try:
        chunks = decode_header(source)
    except (HeaderParseError, ValueError, LookupError, UnicodeError):
        defects.append("malformed encoded-word in header")
        return str(value)
    return "".join(_decode_chunk(c, cs, defects) for c, cs in chunks)


class HeaderFields:
    """The header fields of one parsed message, in the order they stand."""

    def __init__(self, message: Any, defects: list[str]) -> None:
        self._fields = [(str(name).lower(), value) for name, value in message.items()]
        self._decoded: dict[int, str] = {}
        self._defects = defects

    def _text(self, i: int) -> str:
        if i not in self._decoded:
            self._decoded[i] = decode_header_value(self._fields[i][1], self._defects)
        return self._decoded[i]

    def first_of_each(self) -> dict[str, str]:
        """Every header by its lower-case name, its first instance, decoded and stripped."""
        headers: dict[str, str] = {}
        for i, (key, _) in enumerate(self._fields):
            if key not in headers:
                headers[key] = self._text(i).strip()
        return headers

    def every(self, wanted: Callable[[str], bool]) -> tuple[tuple[str, str], ...]:
        """Each field whose lower-case name is `wanted`, in order, as one line of text."""
        return tuple(
            (key, " ".join(self._text(i).split()))
            for i, (key, _) in enumerate(self._fields)
            if wanted(key)
        )
