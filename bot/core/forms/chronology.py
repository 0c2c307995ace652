"""The chronology table: dated rows of contacts and events, which may run over several tables
(a page break splits a Word table in two)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from bot.core.doctext import Table
from bot.core.forms.labels import _cell_match
from bot.core.forms.labels import normalised_text as normalise_label
from bot.core.forms.model import ChronologyRow
from bot.core.forms.run import _Run, _TableState
from bot.core.forms.values import _date


def _chronology(table: Table, rows: list[tuple[str, ...]], run: _Run, state: _TableState) -> int:
    """Read the chronology rows of `table`; return where they start (len(rows) if none)."""
    columns_labels = run.index.columns
    if not columns_labels:
        return len(rows)
    start = len(rows)
    columns: dict[int, str] = {}
    if (
        rows
        and state.chronology_width == len(rows[0])
        and not _chronology_header(rows[0], columns_labels)
        and not any(_cell_match(run.index, c, None) for c in rows[0])
    ):
        start, columns = -1, state.chronology_columns  # the table goes on from the last
    for r, cells in enumerate(rows if not columns else ()):
        found = _chronology_header(cells, columns_labels)
        if found:
            start, columns = r, found
            break
    if not columns:
        state.chronology_width = None
        return len(rows)
    state.chronology_width = len(rows[start]) if start >= 0 else state.chronology_width
    state.chronology_columns = columns
    _chronology_rows(table, rows, start, columns, run)
    return max(start, 0)


def _chronology_rows(
    table: Table, rows: list[tuple[str, ...]], start: int, columns: dict[int, str], run: _Run
) -> None:
    """Add the rows after the header at `start` to the run's chronology."""
    columns_labels = run.index.columns
    for r in range(start + 1, len(rows)):
        cells = rows[r]
        if _chronology_header(cells, columns_labels):
            continue  # a header repeated on the next page
        got = {name: (cells[i] if i < len(cells) else "") for i, name in columns.items()}
        if not any(got.values()):
            continue
        where = f"{table.where}, row {r + 1}"
        raw_date = got.get("date", "")
        when, _, problem = _date(raw_date, None) if raw_date else (None, 0.0, None)
        if problem:
            run.chronology_flags.append(f"chronology ({where}): {problem}")
        run.chronology.append(
            ChronologyRow(
                date=when if isinstance(when, date) else None,
                raw_date=raw_date,
                contact=got.get("contact", ""),
                practitioner=got.get("practitioner", ""),
                event=got.get("event", ""),
                outcome=got.get("outcome", ""),
                where=where,
            )
        )


def _chronology_header(
    cells: tuple[str, ...], columns: Mapping[str, tuple[str, ...]]
) -> dict[int, str]:
    """`columns`: the columns each normalised heading names, in the form's order."""
    found: dict[int, str] = {}
    for i, cell in enumerate(cells):
        for name in columns.get(normalise_label(cell), ()):
            if name not in found.values():
                found[i] = name
                break
    return found if "date" in found.values() and len(found) >= 3 else {}
