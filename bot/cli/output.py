"""Printing for people (aligned tables) and machines (JSON) from the same data."""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from datetime import date, datetime, tzinfo
from typing import TextIO

GAP = 2  # spaces between columns
# Cells this short (references, dates, times, states) are never cut; longer free text (an
# address list, a subject, a reason) is cut to no less than this.
KEEP_WHOLE = 16
ELLIPSIS = "\u2026"


def _default(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot show {type(value).__name__}")


def print_json(data: object, out: TextIO) -> None:
    out.write(json.dumps(data, indent=2, default=_default, ensure_ascii=False) + "\n")


def _cell(value: object, tz: tzinfo | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        local = value.astimezone(tz) if tz is not None and value.tzinfo is not None else value
        return local.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        from bot.core.deadlines import fmt_date

        return fmt_date(value)  # "Tue 5 Jan 2027", as the digest and the case view write it
    return str(value)


def print_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    out: TextIO,
    tz: tzinfo | None = None,
) -> None:
    """An aligned table; aware times are shown in `tz` (the partnership's zone) when given.

    On a terminal the table is fitted to its width, long cells cut with an ellipsis; piped
    into a file or another program every cell is written whole (and --json has it all).
    """
    if not rows:
        out.write("(none)\n")
        return
    cells = [[_cell(v, tz) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    if out.isatty():
        widths = fit_widths(headers, widths, shutil.get_terminal_size().columns)
    line = [_cut(h, w) for h, w in zip(headers, widths, strict=True)]
    out.write("  ".join(h.ljust(w) for h, w in zip(line, widths, strict=True)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row in cells:
        shown = [_cut(c, w).ljust(w) for c, w in zip(row, widths, strict=True)]
        out.write("  ".join(shown).rstrip() + "\n")


def fit_widths(headers: Sequence[str], widths: Sequence[int], columns: int) -> list[int]:
    """Narrow the widest columns, one character at a time, until the table fits `columns`.

    A column is never cut below KEEP_WHOLE characters or its heading: a table wider than
    the terminal is better than case references nobody can read.
    """
    fitted = list(widths)
    floor = [min(w, max(len(h), KEEP_WHOLE)) for h, w in zip(headers, widths, strict=True)]
    excess = sum(fitted) + GAP * (len(fitted) - 1) - columns
    while excess > 0:
        room = [i for i, w in enumerate(fitted) if w > floor[i]]
        if not room:
            break
        widest = max(room, key=lambda i: fitted[i])
        fitted[widest] -= 1
        excess -= 1
    return fitted


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + ELLIPSIS
