"""Printing for people (aligned tables) and machines (JSON) from the same data."""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from datetime import date, datetime, tzinfo
from typing import TextIO

from bot.core.dates import fmt_at, fmt_date

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
    # "Tue 5 Jan 2027 14:05", as the digest and the emails write it: a numeric date is read
    # month first by some readers. --json keeps ISO (_default).
    if isinstance(value, datetime):
        local = value.astimezone(tz) if tz is not None and value.tzinfo is not None else value
        return fmt_at(local)
    if isinstance(value, date):
        return fmt_date(value)
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
        dated = [
            all(r[i] is None or isinstance(r[i], date) for r in rows) for i in range(len(widths))
        ]
        widths = fit_widths(headers, widths, shutil.get_terminal_size().columns, dated)
    line = [_cut(h, w) for h, w in zip(headers, widths, strict=True)]
    out.write("  ".join(h.ljust(w) for h, w in zip(line, widths, strict=True)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row in cells:
        shown = [_cut(c, w).ljust(w) for c, w in zip(row, widths, strict=True)]
        out.write("  ".join(shown).rstrip() + "\n")


def fit_widths(
    headers: Sequence[str], widths: Sequence[int], columns: int, dated: Sequence[bool]
) -> list[int]:
    """Narrow the widest columns, one character at a time, until the table fits `columns`.

    A column is never cut below KEEP_WHOLE characters or its heading, and a column of dates
    (`dated`) not at all: a table wider than the terminal is better than case references or
    days nobody can read ("Wed 23 Dec 2026 09:00" is longer than KEEP_WHOLE).
    """
    fitted = list(widths)
    floor = [
        w if whole else min(w, max(len(h), KEEP_WHOLE))
        for h, w, whole in zip(headers, widths, dated, strict=True)
    ]
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
