"""Printing for people (aligned tables) and machines (JSON) from the same data."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime, tzinfo
from typing import TextIO


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
        return value.strftime("%a %d %b %Y")
    return str(value)


def print_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    out: TextIO,
    tz: tzinfo | None = None,
) -> None:
    """An aligned table; aware times are shown in `tz` (the partnership's zone) when given."""
    if not rows:
        out.write("(none)\n")
        return
    cells = [[_cell(v, tz) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    out.write("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row in cells:
        out.write("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n")
