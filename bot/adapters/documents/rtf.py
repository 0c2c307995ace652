"""Rich Text Format (.rtf, and .doc files that are really RTF)."""

from __future__ import annotations

from collections.abc import Callable

from striprtf import striprtf

from .model import Extract, norm

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
            found.tables.append((f"table {tables}", table))
            table = []
        line = norm(raw)
        if line:
            found.lines.append((f"line {number}", line))
    if table:
        found.tables.append((f"table {tables + 1}", table))
    return found
