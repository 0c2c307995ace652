"""Where among an email's lines a form pasted as an HTML table lies.

A table's cells carry no line numbers ("email body, table 1, row 2"), but its words are in the
message's text all the same: a row to a line ("Agency Greater Manchester Police", as an
HTML-only email is read) or a cell to a line (as Outlook writes the plain part beside it).
The table runs from its first row's line over every line made of its cells' words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from bot.core.doctext import BODY

Rows = Sequence[Sequence[str]]

_TABLE = re.compile(rf"{re.escape(BODY)}, table (\d+)(?:,.*)?")


def table_number(where: str) -> int | None:
    """The body's table a field was read from; None for a line, or another document."""
    matched = _TABLE.fullmatch(where)
    return int(matched.group(1)) if matched else None


def table_spans(
    lines: Sequence[str], numbers: set[int], tables: Mapping[int, Rows]
) -> list[tuple[int, int]]:
    """The (first, last) line, counted from 1, of each of the tables `numbers` found among
    `lines`; a table whose words are not there has nothing in the text to leave out."""
    spans = []
    for number in sorted(numbers):
        rows = [[_plain(c) for c in row if c.strip()] for row in tables.get(number, ())]
        rows = [row for row in rows if row]
        span = _span(lines, rows) if rows else None
        if span is not None:
            spans.append(span)
    return spans


def _span(lines: Sequence[str], rows: list[list[str]]) -> tuple[int, int] | None:
    pieces = {" ".join(row) for row in rows} | {cell for row in rows for cell in row}
    opening = {" ".join(rows[0]), rows[0][0]}
    plain = [_plain(line) for line in lines]
    start = next((n for n, text in enumerate(plain, 1) if text in opening), None)
    if start is None:
        return None
    end = start
    for n in range(start + 1, len(plain) + 1):
        text = plain[n - 1]
        if not text:
            continue
        if not any(text == piece or text in piece for piece in pieces):
            break
        end = n
    return start, end


def _plain(text: str) -> str:
    return " ".join(text.split()).casefold()
