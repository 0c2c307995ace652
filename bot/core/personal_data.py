"""Whether words a person typed for an outside body name the child: the rule that mail leaving
the partnership carries the case reference and initials, never a name, a date of birth or an
address. Pure: the text and what the case's forms recorded in, what was found (never the value
itself) out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

_MIN_NAME = 3  # "Al" or "Jo" alone would match ordinary words
_MIN_ADDRESS = 6


def named_in(
    text: str, names: Iterable[str], births: Iterable[date], addresses: Iterable[str]
) -> str | None:
    """What of the child `text` holds ("the child's name", "... date of birth", "... address"),
    or None when it holds none of them."""
    folded = text.casefold()
    for name in names:
        for part in re.findall(r"[^\W\d_]+(?:['-][^\W\d_]+)*", name):
            if len(part) >= _MIN_NAME and re.search(rf"\b{re.escape(part.casefold())}\b", folded):
                return "the child's name"
    for born in births:
        if any(form.casefold() in folded for form in _date_forms(born)):
            return "the child's date of birth"
    for address in addresses:
        first = address.split(",")[0].strip().casefold()
        if len(first) >= _MIN_ADDRESS and first in folded:
            return "the child's address"
    return None


def _date_forms(d: date) -> tuple[str, ...]:
    return (
        f"{d:%d/%m/%Y}",
        f"{d.day}/{d.month}/{d.year}",
        f"{d:%d/%m/%y}",
        f"{d:%Y-%m-%d}",
        f"{d.day} {d:%B %Y}",
        f"{d.day} {d:%b %Y}",
        f"{d:%d.%m.%Y}",
    )
