"""Rich Text Format (.rtf, and .doc files that are really RTF).

striprtf gives a table row as its cells' text, without the cells' edges or merges, so a row
with a cell merged across columns has fewer cells than the rows around it and its later
values would stand under the wrong labels: such a table is flagged for a person.
"""

from __future__ import annotations

from collections.abc import Callable

from striprtf import striprtf

from .model import UNALIGNED, Extract, norm

_rtf_to_text: Callable[..., str] = striprtf.rtf_to_text


def read_rtf(data: bytes) -> Extract:
    # RTF is 7-bit text; 8-bit bytes, if any, are read as the Windows code page.
    text = _rtf_to_text(data.decode("windows-1252", "replace"), errors="replace")
    found = Extract()
    table: list[list[str]] = []
    tables = 0
    lines = text.replace("\r\n", "\n").split("\n")
    for number, raw in enumerate(lines, 1):
        if "|" in raw:  # a table row: striprtf ends each cell with "|"
            cells = raw.split("|")
            if cells and not cells[-1].strip():
                cells.pop()
            table.append([norm(cell) for cell in cells])
            continue
        if table:
            tables += 1
            _add_table(found, f"table {tables}", table)
            table = []
        line = norm(raw)
        if line:
            found.lines.append((f"line {number}", line))
    if table:
        _add_table(found, f"table {tables + 1}", table)
    return found


def _add_table(found: Extract, where: str, rows: list[list[str]]) -> None:
    """A row of one cell is a heading across the table; rows of two cells or more that
    differ in length cannot be lined up without the merges striprtf does not give."""
    found.tables.append((where, rows))
    if len({len(row) for row in rows if len(row) > 1}) > 1:
        found.problems.append(f"{where}: {UNALIGNED}")
