"""Plain text for rule matching: what a word processor or mail client did to the typing undone.

Outlook and Word turn " - " into an en dash, quotes into curly quotes, and glue words with
non-breaking spaces; text copied from a PDF brings ligatures ("ﬁ") and soft hyphens. A rule
written with the plain keyboard characters, and a case reference typed with en dashes,
must still match, so the rules engine reads every text through `plain_text`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from functools import cache

from bot.core.message import MailMessage

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u00b4\uff07"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\uff02"
_SPACES = (
    "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
)
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}

_TABLE = str.maketrans(
    {
        **dict.fromkeys(_DASHES, "-"),
        **dict.fromkeys(_SINGLE_QUOTES, "'"),
        **dict.fromkeys(_DOUBLE_QUOTES, '"'),
        **dict.fromkeys(_SPACES, " "),
        **dict.fromkeys(_INVISIBLE, ""),
        "\u2026": "...",
        "\ufe60": "&",
        "\uff06": "&",
        **_LIGATURES,
    }
)


def plain_text(text: str) -> str:
    """`text` with typographic dashes, quotes, spaces and ligatures as keyboard characters."""
    return text.translate(_TABLE)


def unaccented(text: str) -> str:
    """`text` plain (`plain_text`) and without accents, as a keyboard without them types it:
    "Zoë O'Brien" with Word's curly apostrophe is "Zoe O'Brien", "Łucja Núñez" is "Lucja
    Nunez". Case is kept."""
    return "".join(_bare(c) for c in text)


def unaccented_at(text: str) -> tuple[str, tuple[int, ...]]:
    """`unaccented(text)`, and for each of its characters (and one past its end) where in
    `text` it came from: a span found in the one is the same span of the other. An accent
    typed as a character of its own ("e" then U+0301) belongs to the letter before it."""
    out, where = [], []
    for i, c in enumerate(text):
        bare = _bare(c)
        out.append(bare)
        where += [i] * len(bare)
    return "".join(out), (*where, len(text))


# Letters a decomposition does not strip to their base, as UK systems spell them without.
_OWN_LETTERS = {"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d"}


@cache
def _bare(c: str) -> str:
    if c.isascii():
        return c
    plain = plain_text(_OWN_LETTERS.get(c, c))
    return "".join(p for p in unicodedata.normalize("NFKD", plain) if not unicodedata.combining(p))


def for_matching(msg: MailMessage) -> MailMessage:
    """The message as the rules see it: subject, body, sender name and file names plain."""
    subject, text, name = plain_text(msg.subject), plain_text(msg.text), plain_text(msg.from_name)
    names = [plain_text(a.filename) for a in msg.attachments]
    if (subject, text, name) == (msg.subject, msg.text, msg.from_name) and all(
        n == a.filename for n, a in zip(names, msg.attachments, strict=True)
    ):
        return msg  # most mail is typed plain already: a copy of it would be the same message
    return replace(
        msg,
        subject=subject,
        text=text,
        from_name=name,
        attachments=tuple(
            replace(a, filename=n) for n, a in zip(names, msg.attachments, strict=True)
        ),
    )
