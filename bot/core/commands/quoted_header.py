"""The header Outlook writes above the email a reply quotes, unmarked by ">": "From: ... /
Sent: ... / To: ... / Subject: ...", in the language its user chose (Welsh "Oddi wrth: /
Anfonwyd: / At: / Pwnc:", Italian "Da: / Inviato: / A: / Oggetto:", Portuguese "De: / Enviado:
/ Para: / Assunto:", Polish "Od: / Wysłano: / Do: / Temat:"; every word:
bot.core.commands.quote_words), or its "-----Original Message-----" line (German "-----
Ursprüngliche Nachricht-----", French "-----Message d'origine-----"), a forward's "----------
Forwarded message ---------" (German "Weitergeleitete Nachricht"), Apple Mail's "Begin
forwarded message:" (German "Anfang der weitergeleiteten Nachricht:"), or Outlook's rule.

Read by bot.core.commands.quoting, which knows where the rest of a quoted email starts.
"""

from __future__ import annotations

import re

from bot.core.commands.quote_words import either
from bot.core.commands.sign_off import plain

ORIGINAL_MESSAGE = re.compile(
    rf"-{{2,}}\s*(?:{either(lambda x: x.original)}|{either(lambda x: x.forwarded)})\s*-{{2,}}"
    rf"|{either(lambda x: x.begin_forwarded)}\s?:",
    re.IGNORECASE,
)
_OUTLOOK_RULE = re.compile(r"_{8,}")
_FROM_WORD = either(lambda x: x.from_)
_SENT_WORD = either(lambda x: x.sent)
_TO_WORD = either(lambda x: x.to)
_SUBJECT_WORD = either(lambda x: x.subject)
_HEADER_FROM = re.compile(rf"{_FROM_WORD}\s?:\s*\S", re.IGNORECASE)
# Only English's "To:" among the fields below "From:": "At:", "An:", "A:" and "Do:" open too
# many of a partner's own lines.
_HEADER_FOLLOWING = re.compile(rf"(?:{_SENT_WORD}|to|cc|{_SUBJECT_WORD})\s?:", re.IGNORECASE)
_HEADER_FIELD = re.compile(
    rf"(?:{_FROM_WORD}|{_SENT_WORD}|{_TO_WORD}|{_SUBJECT_WORD}|importance|attachments)\s?:",
    re.IGNORECASE,
)
_ADDRESS_FIELD = re.compile(rf"{_TO_WORD}\s?:", re.IGNORECASE)
# "From: TSCP <tscp@...> Sent: ..." run into one line by an HTML-to-text conversion.
_INLINE_HEADER = re.compile(rf"(?:^|\s){_FROM_WORD}\s?:\s.*?\s{_SENT_WORD}\s?:\s", re.IGNORECASE)


def starts_header(lines: list[str], i: int) -> bool:
    """Whether a quoted email's header starts at line i: its marker, or a "From:" line with
    "Sent:" beside it or one of the fields below it."""
    probe = plain(lines[i])
    if ORIGINAL_MESSAGE.fullmatch(probe) or _OUTLOOK_RULE.fullmatch(probe):
        return True
    if not _HEADER_FROM.match(probe):
        return False
    if re.search(rf"\s{_SENT_WORD}\s?:", probe, re.IGNORECASE):
        return True
    for below in (plain(x) for x in lines[i + 1 : i + 8]):
        if _HEADER_FOLLOWING.match(below):
            return True
        if _HEADER_FROM.match(below) or (below and "@" not in below and ";" not in below):
            # A line of text, or another email's From:, before any field: the sender's own
            # "From: the health visitor's notes, ..." above a quoted email further down, not a
            # header (which would take that line out of what a person is shown).
            return False
    return False


def header_end(lines: list[str], i: int) -> int:
    """The first line after the header starting at line i: its marker ("-----Original
    Message-----", Outlook's rule, the From: line) and the From:/Sent:/To:/Subject: lines, the
    blank lines among them and the lines an address list wraps onto. Nothing else is taken for
    a header, so no line of the sender's is lost to it."""
    j, wrapping = i + 1, False
    while j < len(lines):
        probe = plain(lines[j])
        if _HEADER_FIELD.match(probe):
            wrapping = _ADDRESS_FIELD.match(probe) is not None
        elif not probe:
            wrapping = False
        elif not (wrapping and ("@" in probe or ";" in probe)):
            break
        j += 1
    return j


def inline_header(line: str) -> int | None:
    """Where a quoted header run onto the end of a line starts, if one is."""
    found = _INLINE_HEADER.search(line) or ORIGINAL_MESSAGE.search(line)
    return found.start() if found else None
