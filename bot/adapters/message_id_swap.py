"""An email already built, given another Message-ID (a copy sent to some of its recipients)."""

from __future__ import annotations

import re

# The header's line and any folded lines after it, within the header block.
_MESSAGE_ID = re.compile(rb"(?im)^Message-ID:[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*")
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")


def with_message_id(raw: bytes, message_id: str) -> bytes:
    """`raw` with its Message-ID header replaced by `message_id` (with its <>); the body and
    every other header byte for byte as they were. A copy must not share the first email's
    Message-ID: a mail client or server that saw the first would drop the copy as a repeat,
    and a reply to either must name which one it answers."""
    end = _BLANK_LINE.search(raw)
    split = end.start() if end else len(raw)
    head, rest = raw[:split], raw[split:]
    line = b"Message-ID: " + message_id.encode("ascii")
    head, found = _MESSAGE_ID.subn(lambda _: line, head, count=1)
    if not found:
        newline = b"\r\n" if b"\r\n" in head else b"\n"
        head = line + newline + head
    return head + rest
