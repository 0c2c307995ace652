"""What a person typed into a reply's subject. "RE: [TSCP-2026-0001] Screening Panel - URGENT
child died overnight, call me", sent with nothing in the body, says "URGENT child died
overnight, call me": news the Business Manager must see, though the body is empty.

Pure: the service gives the subjects of the emails the reply answers.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from bot.core.case_refs import find_case_refs
from bot.core.subject_prefixes import leading

_NOT_WORD = re.compile(r"[\W_]+")


def added_words(subject: str, answered: Sequence[str], prefix: str) -> str:
    """The subject without "RE:" / "FW:" and gateway tags, case references, and the words of
    the subjects it answers (each taken away as often as one of them has it), joined again;
    "" when nothing else is left. Taking words, not the phrase, away keeps a subject its
    sender reworded ("Panel (screening) - mother arrested") from being shown whole."""
    known: Counter[str] = Counter()
    for earlier in answered:
        known |= Counter(_key(w) for w in _words(earlier, prefix))
    kept: list[str] = []
    for word in _words(subject, prefix):
        key = _key(word)
        if key and known[key] > 0:
            known[key] -= 1
        else:
            kept.append(word)
    while kept and not _key(kept[0]):  # the " - " or ":" that joined the words taken away
        kept.pop(0)
    while kept and not _key(kept[-1]):
        kept.pop()
    return " ".join(kept)


def _words(subject: str, prefix: str) -> list[str]:
    rest = leading(" ".join(subject.split())).rest
    return [w for w in rest.split() if not find_case_refs(w, prefix)]


def _key(word: str) -> str:
    return _NOT_WORD.sub("", word).lower()
