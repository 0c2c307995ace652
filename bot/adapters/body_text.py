"""The text of an email's body as a person reads it: HTML made plain, and the words its sender
wrote outside any email attached to it (Outlook's "forward as attachment").

Used by bot.adapters.parsing, which reads the rest of the message with mail-parser, and by the
document readers for HTML forms.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import MAXYEAR, MINYEAR, datetime
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any

from bot.adapters.flowed_text import deletes_space, is_flowed, unflowed

_BLOCK_TAGS = frozenset(
    {"p", "br", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote"}
)
_SKIP_TAGS = frozenset({"script", "style", "head", "title"})


class _TextExtractor(HTMLParser):
    """Visible text of an HTML body, with line breaks where block elements end."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS or tag in ("td", "th"):
            self.parts.append("\n" if tag in _BLOCK_TAGS else " ")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    lines = (" ".join(line.split()) for line in "".join(extractor.parts).splitlines())
    return "\n".join(line for line in lines if line)


def has_attached_email(message: Any) -> bool:
    return any(p.get_content_maintype() == "message" for p in message.walk())


def _own_parts(message: Any) -> Iterator[Any]:
    """The leaf parts of `message` outside attached emails and attachments: mail-parser's
    body text also holds the text of every email attached to it, which the sender did not
    write now (an Outlook "forward as attachment" of an earlier vote, say)."""
    if message.get_content_maintype() == "message" or message.get_content_disposition() == (
        "attachment"
    ):
        return
    if message.is_multipart():
        for part in message.get_payload():
            yield from _own_parts(part)
    else:
        yield message


def text_outside_attached(message: Any) -> str:
    plain: list[str] = []
    html: list[str] = []
    for part in _own_parts(message):
        kind = part.get_content_type()
        if kind in ("text/plain", "text/html"):
            words = decoded_text(part.get_payload(decode=True) or b"", part.get_content_charset())
            if is_flowed(part):
                words = unflowed(words, delsp=deletes_space(part))
            (plain if kind == "text/plain" else html).append(words)
    return plain_or_html("\n".join(plain), "\n".join(html))


# C1 control characters: no one types them, but Windows-1252 text labelled ISO-8859-1 (older
# Outlook, many records systems) decodes to them where it had its curly quotes and dashes.
_C1 = re.compile("[\u0080-\u009f]")


def c1_as_windows_1252(text: str) -> str:
    """`text` with each C1 control character read as the Windows-1252 character of its byte,
    as browsers and mail programs read an ISO-8859-1 label ("The child\x92s mother" is "The
    child\u2019s mother"); the five bytes Windows-1252 leaves unused stay as they were."""
    return _C1.sub(_windows_1252, text) if _C1.search(text) else text


def _windows_1252(found: re.Match[str]) -> str:
    try:
        return bytes([ord(found.group(0))]).decode("cp1252")
    except UnicodeDecodeError:
        return found.group(0)


def decoded_text(payload: bytes, charset: str | None) -> str:
    """A part's bytes as text in its declared charset, never raising: a charset Python does
    not know, or one it knows only as a codec that is not text or takes no "replace" (idna,
    punycode, undefined, rot13), is read as UTF-8, mail-parser's fallback too."""
    try:
        return c1_as_windows_1252(payload.decode(charset or "utf-8", "replace"))
    except (LookupError, UnicodeError):
        return payload.decode("utf-8", "replace")


def plain_or_html(plain: str, html: str) -> str:
    """The body as read: the plain part, unless it is blank and there is HTML. A phone's or
    Outlook's plain part of one empty line stands beside the HTML the person typed in."""
    plain = plain.replace("\r\n", "\n")
    if plain.strip() or not html:
        return plain
    return html_to_text(html)


def attached_email_dates(message: Any) -> tuple[datetime | None, ...]:
    """The Date of each email attached to this one, in order; None where it has none a
    program could read for sure (missing, malformed, or with no time zone)."""
    found: list[datetime | None] = []
    for part in message.walk():
        if part.get_content_type() != "message/rfc822":
            continue
        inner = part.get_payload()
        attached = inner[0] if isinstance(inner, list) and inner else None
        found.append(_sure_date(attached.get("date") if attached is not None else None))
    return tuple(found)


def attached_email_senders(message: Any) -> tuple[str, ...]:
    """The From address of each email attached to this one, in order, lower-cased; "" where
    it has none: who wrote a forward as attachment, whom its acknowledgement may go to."""
    found: list[str] = []
    for part in message.walk():
        if part.get_content_type() != "message/rfc822":
            continue
        inner = part.get_payload()
        attached = inner[0] if isinstance(inner, list) and inner else None
        named = getaddresses([str(attached.get("from", ""))]) if attached is not None else []
        found.append(named[0][1].strip().lower() if len(named) == 1 else "")
    return tuple(found)


def _sure_date(value: object) -> datetime | None:
    try:
        when = parsedate_to_datetime(str(value)) if value else None
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None or not MINYEAR < when.year < MAXYEAR:
        return None  # in the first or last year a date can hold, its day elsewhere may not be
    return when
