"""Where a multiline value (a summary, a description) ends when a form is written as text.

A form pasted into an email is followed by the sender's own words: news ("the father was
released on bail this morning"), "Regards", a signature, the quoted request. None of those is
the value, and the value must not swallow them: they would be recorded as the return's answer
and not shown as news. A value that really runs over paragraphs, with the form's labels going
on below it, is kept whole.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.core.commands.attribution import attribution_lines
from bot.core.commands.quote_words import either
from bot.core.commands.quoted_header import ORIGINAL_MESSAGE
from bot.core.commands.sign_off import closes, ends_reply, may_close, plain

# Text readers number lines as they stand, blank ones too ("email body, line 7"); a number
# skipped is a blank line the reader left out.
_NUMBERED = re.compile(r"(?P<source>.*), line (?P<number>\d+)")
# Outlook's "From:" and "Sent:" in every language its users choose ("De : / Envoyé :", "Von: /
# Gesendet:"): read in English only, a French header block was taken for the value's last lines.
_FROM = either(lambda x: x.from_)
_SENT = either(lambda x: x.sent)
_QUOTE = re.compile(
    rf">.*|{ORIGINAL_MESSAGE.pattern}|_{{8,}}|{_FROM}\s?:\s*\S.*\s{_SENT}\s?:.*",
    re.IGNORECASE,
)
_HEADER = re.compile(rf"(?:{_FROM}|{_SENT})\s?:\s*\S.*", re.IGNORECASE)
_FROM_LINE = re.compile(rf"{_FROM}\s?:\s*\S.*", re.IGNORECASE)
# A line that goes on with what is above it: a list item, or a sentence not begun afresh.
_LIST_ITEM = re.compile(r"(?:[-*\u2022\u2013]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s")
_SENTENCE_END = ".!?)\"'\u201d"


def blank_before(wheres: Sequence[str]) -> list[bool]:
    """For each line, whether a blank line stood just above it (known only for text read line
    by line and numbered as written: a body, a .txt; never a Word paragraph or a PDF line)."""
    found = [False] * len(wheres)
    for i in range(1, len(wheres)):
        this, above = _NUMBERED.fullmatch(wheres[i]), _NUMBERED.fullmatch(wheres[i - 1])
        if this and above and this.group("source") == above.group("source"):
            found[i] = int(this.group("number")) > int(above.group("number")) + 1
    return found


def ends_any_value(text: str, following: str) -> bool:
    """A line no value runs on into: a sign-off ("Kind regards"; "Regards" or "Thanks" with a
    name or nothing below it), a signature separator or "Sent from my iPhone", or the start of
    a quoted email ("-----Original Message-----", "> ...", "From: ... Sent: ...", in any
    language bot.core.commands.quote_words lists, as an attribution is)."""
    probe = plain(text)
    if ends_reply(probe) or closes(probe) or _QUOTE.fullmatch(probe):
        return True
    if attribution_lines([probe, following], 0):  # "Am ... schrieb TSCP <tscp@...>:"
        return True
    if _header_pair(probe, plain(following)):
        return True
    return may_close(probe) and (not following or len(following.split()) <= 4)


def _header_pair(probe: str, following: str) -> bool:
    """A From line with a Sent or Date line below or above it. One of the two must be the From
    line: a form's "Date: 22/12/2026" above a line that opens with "Data:" is no header."""
    if not (_HEADER.fullmatch(probe) and _HEADER.match(following)):
        return False
    return bool(_FROM_LINE.fullmatch(probe) or _FROM_LINE.match(following))


def goes_on(value: str, text: str) -> bool:
    """Whether `text`, below a blank line, reads as more of `value`: a list item, a line begun
    in lower case, or below a value that stopped mid-sentence ("Actions taken:")."""
    probe = plain(text)
    last = plain(value.rsplit("\n", 1)[-1])
    return bool(
        _LIST_ITEM.match(probe) or (probe[:1].islower()) or (last and last[-1] not in _SENTENCE_END)
    )
