"""Parse a message with its large base64 parts' text handed over whole, not line by line.

The standard library's feedparser reads a body one line at a time: each line of a part's
base64 (some 650 for a SIN's Word form) goes through its line buffer, the check against every
enclosing boundary and the parser's generator, only to be joined again as the part's payload
(docs/performance.md). Here each such body is replaced, before parsing, by a one-line stand-in;
after parsing, the part holding the stand-in has its payload set to the text the feedparser
would have kept: the body's lines up to the line that ended the part, less the last line break
(which RFC 2046 gives to the delimiter, and the feedparser strips).

Why the tree is then the one the feedparser builds from the message itself. A body is only
replaced when it is a run of whole lines of base64 characters (no "-", so none of them can be a
boundary line: every delimiter starts with "--"), after a blank line and followed by a line
starting "--". The feedparser is a machine reading lines; up to the first stand-in it reads the
same lines in both. If, after parsing, each stand-in is the whole payload of a part that says it
is base64 (so the part has headers, and the blank line before the stand-in ended them), then
the stand-in was read as that part's first body line and the next line ended the part: so it
ended there as well reading the body's lines, none of which any boundary matches, and the
parser went on from the same state; body lines raise no defects. Anything else (a stand-in
missing, twice, or elsewhere in the tree) and the message is parsed again as it is.

A message that is itself one base64 body (an HTML body some mailers send so, with no
multipart) has a body that runs to the end of the message: there the stand-in is put back when
the message's whole payload is the stand-in's line, its line break included, and the message
says it is base64. Its headers then ended just before the stand-in, as in the message itself,
and a message that is not a multipart keeps every line after its headers, as they are: so the
body's text, its last line break kept.
"""

from __future__ import annotations

import email
import re
from email.message import Message

from bot.adapters import multipart_boundaries

# Bodies shorter than this are left to the feedparser: a few lines cost it little.
MIN_BODY = 2048

# Led by "\n", not "(?m)^": a search with a literal first character skips to it; "^" has the
# regex engine try every position of the message.
_BASE64_HEADER = re.compile(rb"(?i)\ncontent-transfer-encoding:[ \t]*base64[ \t]*(?=\r?\n)")
_BLANK_LINE = re.compile(rb"\n\r?\n")
_BASE64_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\r\n\t "
_STAND_IN = "tscp-bot base64 stand-in {}"
_STAND_IN_START = b"tscp-bot base64 stand-in"

_Span = tuple[int, int]


def message_from_bytes(raw: bytes, *, stand_ins: bool = True) -> Message:
    """`email.message_from_bytes(raw)`, the same tree, read faster (here and with its
    boundaries matched as bot.adapters.multipart_boundaries does); stand_ins=False is the
    standard library's own reading, line by line (the tests compare the two)."""
    if not stand_ins:
        return email.message_from_bytes(raw)
    bodies = _base64_bodies(raw)
    if not bodies:
        return multipart_boundaries.message_from_bytes(raw)
    message = multipart_boundaries.message_from_bytes(_with_stand_ins(raw, bodies))
    if _put_back(message, raw, bodies):
        return message
    return multipart_boundaries.message_from_bytes(raw)


def _base64_bodies(raw: bytes) -> list[_Span]:
    """Where each base64 body that could be handed over whole starts and ends in raw."""
    if len(raw) < MIN_BODY or (b"ase64" not in raw and b"ASE64" not in raw):
        return []
    if _STAND_IN_START in raw:  # a stand-in must be found only where it was put
        return []
    found: list[_Span] = []
    first_blank = _BLANK_LINE.search(raw)
    for header in _BASE64_HEADER.finditer(raw):
        blank = _BLANK_LINE.search(raw, header.end())
        if blank is None or first_blank is None:
            break
        start = blank.end()
        end = _body_end(raw, start, own=header.start() < first_blank.start())
        if end - start < MIN_BODY or (found and start < found[-1][1]):
            continue
        if not raw[start:end].translate(None, _BASE64_BYTES):  # nothing but base64 lines
            found.append((start, end))
    return found


def _body_end(raw: bytes, start: int, *, own: bool) -> int:
    """The message's own body runs to the end; a part's, to the first line starting "--"."""
    return len(raw) if own else raw.find(b"\n--", start) + 1


def _with_stand_ins(raw: bytes, bodies: list[_Span]) -> bytes:
    view = memoryview(raw)
    pieces: list[bytes | memoryview] = []
    kept = 0
    for index, (start, end) in enumerate(bodies):
        pieces += [view[kept:start], _STAND_IN.format(index).encode("ascii") + b"\n"]
        kept = end
    pieces.append(view[kept:])
    return b"".join(pieces)


def _put_back(message: Message, raw: bytes, bodies: list[_Span]) -> bool:
    """Give each stand-in's part its body's text; False, the tree untouched, unless every
    stand-in is the whole payload of exactly one base64 part."""
    if bodies[0][1] == len(raw):
        return _put_back_whole(message, raw, bodies)
    spans = {_STAND_IN.format(index): span for index, span in enumerate(bodies)}
    holders: dict[str, Message] = {}
    for part in message.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload()
        if not isinstance(payload, str) or not payload.startswith("tscp-bot base64 stand-in"):
            continue
        if payload not in spans or payload in holders or not _base64_leaf(part):
            return False
        holders[payload] = part
    if len(holders) != len(spans):
        return False
    for stand_in, part in holders.items():
        start, end = spans[stand_in]
        text = raw[start:end].decode("ascii")
        part.set_payload(_less_last_line_break(text))
    return True


def _less_last_line_break(text: str) -> str:
    """`text` less the line break it ends with (CRLF, CR or LF), as the feedparser's own
    NLCRE_eol cuts it off; not by that pattern, which, having no literal to skip to, is tried
    at every character of a body some 50 KB long."""
    if text.endswith("\r\n"):
        return text[:-2]
    return text[:-1] if text.endswith(("\r", "\n")) else text


def _put_back_whole(message: Message, raw: bytes, bodies: list[_Span]) -> bool:
    """The message's own body: a part that is not a multipart keeps every line to the end, its
    last line break included, so the stand-in line must be the message's whole payload."""
    (start, end), stand_in = bodies[0], _STAND_IN.format(0) + "\n"
    if len(bodies) != 1 or message.get_payload() != stand_in or not _base64_leaf(message):
        return False
    message.set_payload(raw[start:end].decode("ascii"))
    return True


def _base64_leaf(part: Message) -> bool:
    encoding = str(part.get("content-transfer-encoding", "")).strip().lower()
    return encoding == "base64" and part.get_content_maintype() not in ("multipart", "message")
