"""Remembering what a pure function of a line's or cell's text returned.

The same text is asked about again and again: each form is run over the same lines and cells
(two forms: each text is read twice), the same template's label cells come back in every copy
of a form in a backlog, and a reply's lines are compared with each line before them while its
sign-off is looked for. So checks of a text that depend on nothing else (tick marks, Yes/No
answers, "Child 2", a line as compared) are remembered for short text: asked again, they cost
a look-up. Longer text is rarely repeated: worked out each time, so that one narrative cannot
fill a cache.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TypeVar

CACHED_TEXT = 200  # characters: longer text is worked out, not remembered
CACHE_SIZE = 8192

_T = TypeVar("_T")


def per_text(work: Callable[[str], _T]) -> Callable[[str], _T]:
    """`work`, remembered for text of up to CACHED_TEXT characters. `work` must be pure and
    return an immutable value: every caller is handed the same one."""
    cached = lru_cache(maxsize=CACHE_SIZE)(work)

    def remembered(text: str) -> _T:
        return cached(text) if len(text) <= CACHED_TEXT else work(text)

    remembered.__doc__ = work.__doc__
    return remembered
