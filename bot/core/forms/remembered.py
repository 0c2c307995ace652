"""Remembering what a pure function of a line's or cell's text returned.

Each form is run over the same lines and cells (two forms: each text is read twice), and the
same template's label cells come back in every copy of a form in a backlog. So the checks of a
text that do not depend on the form (tick marks, Yes/No answers, "Child 2") are remembered for
label-sized text: the second form, and the hundredth copy of a template, cost a look-up. Longer
text is a value, rarely repeated: worked out each time, so one narrative cannot fill a cache.
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
