"""The cells of an old Word (.doc) table row, and the table lined up on one grid of columns, as
the .docx reader gives a table: a cell merged across columns repeats its text in each, a cell
merged down a column repeats the text of the cell it continues.

A row's end mark carries the row's definition (sprmTDefTable): its cells' edges, in twips, and
for each cell whether it starts or continues a vertical merge, or continues the cell before it
(an old-style horizontal merge). A cell spanning two columns is one cell with edges wider
apart, so without the edges "Referred" in ("Health visitor and GP", "Referred") would stand in
the second column, under the label "Contact" rather than "Outcome".
"""

from __future__ import annotations

import itertools
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .model import SAME_EDGE
from .word97_properties import sprm_places, u16

_DEF_TABLE, _VERT_MERGE = 0xD608, 0xD62B
# sprmTInsert, sprmTDelete, sprmTMerge, sprmTSplit, sprmTDxaCol: they change the cells
# sprmTDefTable defined; not applied here, so a row carrying one is not lined up.
_RESHAPE = frozenset({0x7621, 0x5622, 0x5624, 0x5625, 0x7623})
_MOST_CELLS = 63  # [MS-DOC]'s bound on a row's cells
_TC80 = 20  # bytes of each cell's TC80: its TCGRF, width and four borders
_MERGE, _RESTART = 0x1, 0x3  # VerticalMergeFlag: fvmMerge continues the cell above


@dataclass(frozen=True)
class Cell:
    """A cell's left and right edges (twips), and whether it continues the cell above it (a
    vertical merge) or the cell before it in its row (an old-style horizontal merge)."""

    left: int
    right: int
    continues_above: bool = False
    continues_before: bool = False


def row_cells(grpprl: bytes) -> tuple[Cell, ...] | None:
    """The cells a row end's property list defines; None when it defines none, or changes
    them in a way not applied here."""
    cells: list[Cell] | None = None
    for sprm, at in sprm_places(grpprl):
        if sprm in _RESHAPE:
            return None
        if sprm == _DEF_TABLE:
            cells = _defined(grpprl[at + 2 : at + 1 + u16(grpprl, at)])
        elif sprm == _VERT_MERGE and cells is not None and grpprl[at] >= 2:
            itc, flag = grpprl[at + 1], grpprl[at + 2] & 0x3
            if itc < len(cells):
                old = cells[itc]
                cells[itc] = Cell(old.left, old.right, flag == _MERGE, old.continues_before)
    return tuple(cells) if cells is not None else None


def _defined(body: bytes) -> list[Cell]:
    """A TDefTableOperand after its size: the count of cells, their edges, then a TC80 per
    cell (fewer may be stored: the rest are not merged)."""
    count = body[0]
    if count > _MOST_CELLS:
        raise ValueError("a table row of more cells than Word allows")
    edges = struct.unpack_from(f"<{count + 1}h", body, 1)
    if any(b < a for a, b in itertools.pairwise(edges)):
        raise ValueError("a table row whose cells' edges go backwards")
    first_tc = 1 + 2 * (count + 1)
    cells = []
    for i in range(count):
        at = first_tc + i * _TC80
        tcgrf = u16(body, at) if at + 2 <= len(body) else 0
        horizontal, vertical = tcgrf & 0x3, (tcgrf >> 5) & 0x3
        cells.append(Cell(edges[i], edges[i + 1], vertical == _MERGE, horizontal >= 2))
    return cells


def lined_up(rows: Sequence[tuple[list[str], tuple[Cell, ...] | None]]) -> list[list[str]] | None:
    """The rows' texts on one grid of columns, or None when a row's definition is missing or
    does not match its cells (the rows are then taken as they are)."""
    if not rows or any(cells is None or len(cells) != len(texts) for texts, cells in rows):
        return None
    grid = _grid(
        edge for _, cells in rows for cell in cells or () for edge in (cell.left, cell.right)
    )
    above: dict[int, str] = {}  # grid column -> the text a cell merged down from it repeats
    out = []
    for texts, cells in rows:
        # A row starting further right starts with empty columns, as in a .docx.
        row = [""] * (_column(grid, cells[0].left) if cells else 0)
        for text, cell in zip(texts, cells or (), strict=True):
            first, last = _column(grid, cell.left), _column(grid, cell.right)
            if not text and cell.continues_above:
                text = above.get(first, "")
            elif not text and cell.continues_before and row:
                text = row[-1]
            if first == last and text:
                raise ValueError("a table cell of no width that holds text")
            for column in range(first, last):
                above[column] = text
            row.extend([text] * (last - first))
        out.append(row)
    return out


def _grid(edges: Iterator[int]) -> list[int]:
    """The column edges of the whole table: every row's, edges a nudge apart taken as one."""
    grid: list[int] = []
    for edge in sorted(set(edges)):
        if not grid or edge - grid[-1] > SAME_EDGE:
            grid.append(edge)
    return grid


def _column(grid: list[int], edge: int) -> int:
    """Which grid edge an edge is (the nearest)."""
    return min(range(len(grid)), key=lambda i: abs(grid[i] - edge))
