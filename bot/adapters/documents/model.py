"""What reading a document gives: text lines and tables, each with where it came from."""

from __future__ import annotations

from dataclasses import dataclass, field

# The result types live in the pure core, which the form engine reads.
from bot.core.doctext import DocumentText, Line, Table

__all__ = [
    "SAME_EDGE",
    "UNALIGNED",
    "DocumentText",
    "Extract",
    "Limits",
    "Line",
    "Table",
    "Unreadable",
    "norm",
]

# Table cell edges this close (twips; 1 mm is 57) are one edge. A border nudged in one row of
# a Word table leaves a sliver of a column in the table's grid; counted as a column, it would
# move every value after it in the other rows along by one, under the next label.
SAME_EDGE = 40
# A table whose rows cannot be put on one grid of columns, said after its place.
UNALIGNED = (
    "its merged cells could not be lined up: check which label each value belongs to by hand"
)


@dataclass(frozen=True)
class Limits:
    max_expanded_bytes: int = 50_000_000  # total uncompressed size of a zip-based document
    max_pages: int = 200
    max_attachment_depth: int = 3  # nested forwarded messages / winmail.dat


class Unreadable(Exception):
    """The whole document cannot be read; the message says why and what to do (no personal data)."""


@dataclass
class Extract:
    """What one format reader found, before it is labelled with its source."""

    lines: list[tuple[str, str]] = field(default_factory=list)  # (place, text)
    tables: list[tuple[str, list[list[str]]]] = field(default_factory=list)  # (place, rows)
    problems: list[str] = field(default_factory=list)  # without the source prefix


def norm(text: str) -> str:
    """Collapse runs of whitespace (including non-breaking spaces) to single spaces."""
    return " ".join(text.split())
