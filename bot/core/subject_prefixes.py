"""The words mail programs put before a subject when a message is answered or passed on
("RE:", "AW:", "SV:", "FW:", "Fwd:", "WG:", "TR:", with a count: "RE[2]:"), and the tags mail
gateways put there ("[EXTERNAL]", "[SECURE]"). One reading for every caller: a status request
written as a new subject, a forwarded complaint, a SIN sent again as a reply to itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PREFIX = re.compile(
    r"^\s*(?:(?P<word>re|aw|fw|fwd|wg|sv|vs|tr|rif|antw|odp|r)\s*(?:\[\d+\])?\s*:|\[[^\]]*\])\s*",
    re.IGNORECASE,
)
# Those that pass a message on rather than answer it (English, German, French).
_FORWARD = frozenset({"fw", "fwd", "wg", "tr"})


@dataclass(frozen=True)
class Leading:
    words: tuple[str, ...]  # the reply and forward words in front, lower case; tags not counted
    rest: str  # the subject after them and the tags

    @property
    def answered(self) -> bool:
        return bool(self.words)

    @property
    def forwarded(self) -> bool:
        return any(w in _FORWARD for w in self.words)


def leading(subject: str) -> Leading:
    words: list[str] = []
    while (found := _PREFIX.match(subject)) is not None and found.group(0):
        if found.group("word"):
            words.append(found.group("word").lower())
        subject = subject[found.end() :]
    return Leading(tuple(words), subject)
