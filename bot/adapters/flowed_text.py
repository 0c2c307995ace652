"""Plain text sent as `format=flowed` (RFC 3676) read as its sender typed it: one line per
paragraph, not per soft line break.

Thunderbird, Apple Mail and some phones wrap a long line at about 72 characters and mark each
break as soft with a trailing space; `delsp=yes` (Gmail's calendar replies, some phones) also
means the break fell inside a word and the space is no part of the text. Read as it stands,
"Reviewer: Dana Whitlow, Independent\\nReviewer" or "Vote: rapid\\nreview" is a command cut in
two, and a form's value is cut short. Neither the standard library nor mail-parser undoes
this, so it is done here, per text part, before anything reads the text.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

_SIGNATURE_SEPARATOR = "-- "


def is_flowed(part: Any) -> bool:
    """Whether a text/plain part says its soft line breaks are to be undone."""
    if part.get_content_type() != "text/plain":
        return False
    return str(part.get_param("format") or "").lower() == "flowed"


def deletes_space(part: Any) -> bool:
    return str(part.get_param("delsp") or "").lower() == "yes"


def unflowed(text: str, *, delsp: bool) -> str:
    """`text` with its soft line breaks undone (RFC 3676, section 4): a line ending in a space
    runs on into the next of the same quote depth; "> " quoting is kept, one ">" per level,
    and the space a sender's program stuffed before a line is taken off."""
    out: list[str] = []
    paragraph: list[str] = []
    depth = -1
    for line_depth, content, soft in _lines(text.replace("\r\n", "\n").split("\n")):
        if paragraph and line_depth != depth:  # a quote level changed mid-paragraph
            out.append(_joined(depth, paragraph))
            paragraph = []
        depth = line_depth
        paragraph.append(content[:-1] if soft and delsp else content)
        if not soft:
            out.append(_joined(depth, paragraph))
            paragraph = []
    if paragraph:
        out.append(_joined(depth, paragraph))
    return "\n".join(out)


def _lines(lines: Sequence[str]) -> Iterator[tuple[int, str, bool]]:
    """Each line's quote depth, its text unstuffed, and whether its break is soft."""
    for line in lines:
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        if content.startswith(" "):
            content = content[1:]
        soft = content.endswith(" ") and content != _SIGNATURE_SEPARATOR
        yield depth, content, soft


def _joined(depth: int, paragraph: list[str]) -> str:
    text = "".join(paragraph)
    return f"{'>' * depth} {text}" if depth else text


def unflowed_texts(message: Any, texts: Sequence[str]) -> list[str]:
    """mail-parser's text parts (`text_plain`), each that came from a format=flowed part
    unwrapped. A text is known by its part's decoded words; one that does not match (a charset
    mail-parser read another way) is left as sent, which is how it was read before."""
    flowed: dict[str, str] = {}
    for part in message.walk():
        if not part.is_multipart() and is_flowed(part):
            sent = _decoded(part)
            flowed[_key(sent)] = unflowed(sent, delsp=deletes_space(part))
    return [flowed.get(_key(text), text) for text in texts] if flowed else list(texts)


def _decoded(part: Any) -> str:
    payload = part.get_payload(decode=True) or b""
    try:
        return str(payload.decode(part.get_content_charset() or "utf-8", "replace"))
    except (LookupError, UnicodeError):
        return str(payload.decode("utf-8", "replace"))


def _key(text: str) -> str:
    return text.replace("\r\n", "\n").strip()
