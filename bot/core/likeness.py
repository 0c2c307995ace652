"""Whether a new SIN is an earlier one sent again, from its words and subject alone.

A SIN sent again rarely comes back byte for byte: a line is added ("Resending in case this did
not reach you"), or the referrer replies to their own first email from a client that dropped
its thread headers ("AW: RE: [EXTERNAL] FW: Serious Incident Notification ..."). Both are only
flagged for a person (bot.services.repeats), never merged. Pure: no I/O.

The earlier message's words are kept as a sample (the SAMPLE_SIZE smallest hashes of its runs
of three words), so no earlier message is parsed again to be compared; the new message's are
compared whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.core.subject_prefixes import leading

SAMPLE_SIZE = 64
# Fewer runs of words than this ("Please find the form attached. Regards, Robin") are any
# covering note: they say nothing of which notification it is.
MIN_RUNS = 20
NEARLY_ALL = 0.9  # of the earlier message's sampled runs found in the new one

_WORD = re.compile(r"\w+")


def _hash(text: str) -> int:
    """FNV-1a, 32 bits: the same in every process (str's own hash is not), so kept samples
    compare across restarts."""
    value = 0x811C9DC5
    for byte in text.encode():
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value


def _runs(words: str) -> Iterable[int]:
    found = _WORD.findall(words.casefold())
    for i in range(len(found) - 2):
        yield _hash(" ".join(found[i : i + 3]))


def runs_of(words: str) -> frozenset[int]:
    """Every run of three words of `words`, hashed."""
    return frozenset(_runs(words))


def sample_of(words: str) -> list[int]:
    """What is kept of a message's words to compare a later one with; empty when too few."""
    every = runs_of(words)
    return sorted(every)[:SAMPLE_SIZE] if len(every) >= MIN_RUNS else []


def nearly_contains(runs: frozenset[int], sample: Iterable[int]) -> bool:
    """The new message (its `runs`) holds nearly all of the earlier one's words (its
    `sample`): the same text with a line added, or quoted whole under a note."""
    kept = list(sample)
    return bool(kept) and sum(1 for h in kept if h in runs) >= NEARLY_ALL * len(kept)


def _bare(subject: str) -> str:
    return " ".join(leading(subject).rest.casefold().split())


def replies_to(subject: str, earlier: str) -> bool:
    """`subject` answers or forwards a message whose subject was `earlier`: it carries a reply
    or forward prefix, and without its prefixes and tags it is the earlier subject."""
    left = _bare(subject)
    return leading(subject).answered and bool(left) and left == _bare(earlier)
