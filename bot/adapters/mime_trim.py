"""Leave out of a message, before it is parsed, the base64 parts too large to be read.

mail-parser (and the email package under it) holds a message several times over while it
parses: as text, as each part's encoded payload, as the decoded bytes. For a 25 MB attachment
that is hundreds of megabytes, only for the bot to find the attachment is over its limit and
drop it. Here the MIME structure is walked on the bytes themselves (header blocks and boundary
lines, nothing decoded), and each base64 part whose decoded size is over the limit has its
body replaced by a one-line placeholder naming its size; the parser then sees a small message
and the reader reports the part as too large, as it always did. A message with no such part is
returned as it is, the same object.
"""

from __future__ import annotations

import re
from email.parser import BytesHeaderParser
from email.policy import compat32
from itertools import pairwise

_HEADER_END = re.compile(rb"\r?\n\r?\n")
_PLACEHOLDER = "tscp-bot left out this part: {size} bytes, over the limit"
_FOUND = re.compile(r"^tscp-bot left out this part: ([0-9]+) bytes, over the limit$")
_MAX_DEPTH = 20  # nested multiparts followed; deeper ones are left as they are


def omitted_size(payload: bytes | str) -> int | None:
    """The decoded size of a part left out here, from its placeholder; None for any other."""
    if len(payload) > 100:
        return None
    text = payload.decode("ascii", "replace") if isinstance(payload, bytes) else payload
    found = _FOUND.match(text.strip())
    return int(found.group(1)) if found else None


def trim_large_parts(raw: bytes, limit: int) -> bytes:
    """raw with each base64 part over `limit` decoded bytes replaced by a placeholder.

    Works on offsets into raw: nothing is sliced but header blocks and what is kept, so a large
    message is never copied whole while it is looked through.
    """
    if len(raw) <= limit:
        return raw  # nothing in it can decode to more than it holds
    try:
        pieces = _trim(raw, 0, len(raw), limit, 0)
    except Exception:  # hostile structure: the parser sees it whole, as it always did
        return raw
    return raw if pieces is None else b"".join(pieces)


_Pieces = list[bytes | memoryview]


def _trim(raw: bytes, start: int, end: int, limit: int, depth: int) -> _Pieces | None:
    """The entity raw[start:end] with its large parts left out, as pieces to join; None when
    nothing was left out."""
    header_end = _HEADER_END.search(raw, start, end)
    if header_end is None or depth > _MAX_DEPTH:
        return None
    block = raw[start : header_end.end()]
    headers = BytesHeaderParser(policy=compat32).parsebytes(block)
    body = header_end.end()
    if headers.get_content_maintype() == "multipart":
        boundary = headers.get_boundary()
        if not boundary:
            return None
        inner = _trim_multipart(raw, body, end, boundary, limit, depth)
        return None if inner is None else [block, *inner]
    encoding = str(headers.get("Content-Transfer-Encoding") or "").strip().lower()
    if encoding != "base64" or end - body <= limit:
        return None
    size = _base64_size(raw, body, end)
    if size <= limit:
        return None
    return [_replace_body(block, _PLACEHOLDER.format(size=size).encode("ascii"))]


def _trim_multipart(
    raw: bytes, start: int, end: int, boundary: str, limit: int, depth: int
) -> _Pieces | None:
    """The body raw[start:end] of a multipart with its large parts left out."""
    delimiter = b"--" + boundary.encode("ascii", "replace")
    marks = _delimiters(raw, start, end, delimiter)
    if len(marks) < 2:
        return None  # no parts, or no closing delimiter: leave it to the parser
    view = memoryview(raw)
    pieces: _Pieces = []
    kept, changed = start, False
    for (_, opened), (closing, _) in pairwise(marks):
        # A part runs from the line after its delimiter to the line break before the next.
        line_end = raw.find(b"\n", opened, closing)
        if line_end < 0:
            continue
        part_start, part_end = line_end + 1, closing
        smaller = _trim(raw, part_start, part_end, limit, depth + 1)
        if smaller is None:
            continue
        pieces += [view[kept:part_start], *smaller]
        kept, changed = part_end, True
    if not changed:
        return None
    return [*pieces, view[kept:end]]


def _delimiters(raw: bytes, start: int, end: int, delimiter: bytes) -> list[tuple[int, int]]:
    """(where the line break before it starts, where the delimiter ends) for each delimiter
    line in raw[start:end]; the first may open the body with no line break before it."""
    found: list[tuple[int, int]] = []
    at = start
    while True:
        at = raw.find(delimiter, at, end)
        if at < 0:
            return found
        line_start = at == start or raw[at - 1 : at] == b"\n"
        if line_start:
            before = at - 1 if at > start else at
            if before > start and raw[before - 1 : before] == b"\r":
                before -= 1
            found.append((before, at + len(delimiter)))
        at += len(delimiter)


def _base64_size(raw: bytes, start: int, end: int) -> int:
    """Decoded size of the base64 text raw[start:end], counted without decoding or copying."""
    spaces = sum(raw.count(c, start, end) for c in (b"\r", b"\n", b" ", b"\t"))
    padding = raw[max(start, end - 8) : end].count(b"=")
    return max(0, (end - start - spaces) * 3 // 4 - padding)


def _replace_body(headers: bytes, body: bytes) -> bytes:
    """The part with its new body; the placeholder is plain 7-bit text, so its transfer
    encoding is said to be 7bit, every other header (name, type) kept as it was."""
    eol = b"\r\n" if headers.endswith(b"\r\n") else b"\n"
    lines = re.sub(
        rb"(?im)^content-transfer-encoding:[^\r\n]*(\r?\n[ \t][^\r\n]*)*",
        b"Content-Transfer-Encoding: 7bit",
        headers,
    )
    return lines + body + eol
