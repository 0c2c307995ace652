"""Which lines below an unmarked quote are the quoted email's, known from the email itself.

Below an Outlook header block ("From: ... Sent: ... Subject: ...") nothing marks which lines
are quoted. When the bot holds the email being answered (it sent it, or it stored it), the
lines below are lined up with it, in order, as a diff does: what lines up is the quote, and
any line with a word that does not is the sender's own. In order, because a quote follows
its email down: a "Vote: no further action" written between the quoted paragraphs is the
sender's, though the email says the same words further down.

Words are compared, not characters: Outlook rewraps lines, turns bold into *stars*, tables
into tabs and links into "text<mailto:...>", and quotes the HTML part, not the plain one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher

_WORD = re.compile(r"[^\W_]+")
_LINK = re.compile(r"<(?:mailto:|https?://)[^>]*>", re.IGNORECASE)
# A word lined up alone ("the", "child") may be chance, where the sender cut part of the
# quote and wrote in its place; two or more in a row are the quote.
_MIN_RUN = 2
# Enough for any email a person answers; it bounds the time the lining up takes.
_MOST_WORDS = 20_000


def words(line: str) -> list[str]:
    """The line's words, lower-cased, without link targets or punctuation."""
    return _WORD.findall(_LINK.sub(" ", line).lower())


def quoted_lines(lines: Sequence[str], texts: Sequence[str]) -> list[bool]:
    """For each line, whether it is quoted from one of the texts (the answered email's plain
    text, its HTML made plain, the emails before it): every word of it lines up with one.
    A line without words is not quoted (nor said)."""
    per_line = [words(line) for line in lines]
    said = [word for found in per_line for word in found][:_MOST_WORDS]
    owner = [n for n, found in enumerate(per_line) for _ in found][:_MOST_WORDS]
    lined_up = [False] * len(said)
    for text in texts:
        matcher = SequenceMatcher(None, said, words(text)[:_MOST_WORDS], autojunk=False)
        for block in matcher.get_matching_blocks():
            if block.size >= _MIN_RUN:
                lined_up[block.a : block.a + block.size] = [True] * block.size
    quoted = [False] * len(lines)
    for n in owner:
        quoted[n] = True
    for n, up in zip(owner, lined_up, strict=True):
        quoted[n] = quoted[n] and up
    if len(said) == _MOST_WORDS:  # a line cut off there was not all compared: shown
        quoted[owner[-1]] = False
    return quoted
