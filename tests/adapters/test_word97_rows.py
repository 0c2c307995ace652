"""An old Word (.doc) table's merged cells line up as the .docx reader lines them up: a cell
merged across columns repeats its text in each, one merged down repeats the text above, so
every value stays under its own label. Where a table's rows cannot be lined up, the document
says so."""

from __future__ import annotations

import struct
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from bot.adapters.documents import read_attachment
from tests.fixtures.word97.build import row_definition, word97
from tests.fixtures.word97.make import FIXTURES

HERE = Path(__file__).resolve().parents[1] / "fixtures" / "word97"
RESTART, MERGE, HORIZONTAL_NEXT = 0x60, 0x20, 0x2  # TCGRF: vertical merge bits 5-6, horizontal 0-1
UNALIGNED = (
    "form.doc: table 1: its merged cells could not be lined up: check which label each value "
    "belongs to by hand"
)


def table(rows: Sequence[Sequence[str]], definitions: Mapping[int, bytes]) -> bytes:
    """A .doc of one table: each row's cells, then its end with the given definition."""
    paragraphs = [(text, "cell") for row in rows for text in [*row, "\0"]]
    paragraphs = [(t, "row") if t == "\0" else (t, k) for t, k in paragraphs]
    return word97([(t if k == "cell" else "", k) for t, k in paragraphs], rows=definitions)


def rows_of(data: bytes) -> tuple[tuple[tuple[str, ...], ...], tuple[str, ...]]:
    doc = read_attachment("form.doc", "application/msword", data)
    return (doc.tables[0].rows if doc.tables else ()), doc.problems


def test_a_value_after_a_cell_merged_across_stays_under_its_own_label() -> None:
    """LibreOffice's export of a .docx: "Referred" is under "Outcome" as in the .docx, not
    moved into the "Contact" column; "Police", merged down, is the agency of both rows."""
    doc = read_attachment("B.doc", "", (HERE / "merged-cells.doc").read_bytes())
    docx = read_attachment("B.docx", "", FIXTURES["merged-cells.doc"]())

    assert doc.tables[0].rows == docx.tables[0].rows == (
        ("Agency involvement",),
        ("Agency", "Contact", "Outcome"),
        ("Police", "Visit", "Seen"),
        ("Police", "Call", "Advice"),
        ("Health visitor and GP", "Health visitor and GP", "Referred"),
    )  # fmt: skip
    assert doc.problems == ()


def test_a_vertical_merge_set_by_its_own_property_repeats_the_text_above() -> None:
    """Word 2000 and later may mark the merge with sprmTVertMerge after the row's cells."""
    edges = (0, 1440, 2880)
    amend = struct.pack("<HBBB", 0xD62B, 2, 0, 0x1)  # cell 0 continues the cell above
    data = table(
        [("Police", "Visit"), ("", "Call")],
        {0: row_definition(edges, [RESTART]), 1: row_definition(edges) + amend},
    )
    assert rows_of(data) == ((("Police", "Visit"), ("Police", "Call")), ())


def test_a_merge_restarted_below_another_is_a_merge_of_its_own() -> None:
    edges = (0, 1440, 2880)
    flags = {0: [RESTART], 1: [RESTART], 2: [MERGE]}
    data = table(
        [("Police", "Visit"), ("Health", "Call"), ("", "Letter")],
        {row: row_definition(edges, cells) for row, cells in flags.items()},
    )
    assert rows_of(data)[0] == (("Police", "Visit"), ("Health", "Call"), ("Health", "Letter"))


def test_an_old_style_horizontal_merge_repeats_the_first_cell() -> None:
    edges = (0, 1440, 2880, 4320)
    data = table(
        [("Agency", "Contact", "Outcome"), ("Police", "", "Seen")],
        {1: row_definition(edges, [1, HORIZONTAL_NEXT])},
    )
    assert rows_of(data)[0] == (("Agency", "Contact", "Outcome"), ("Police", "Police", "Seen"))


@pytest.mark.parametrize(
    ("nudge", "columns"), [(20, 2), (200, 3)], ids=["a border nudged", "a real column"]
)
def test_edges_a_nudge_apart_are_one_column(nudge: int, columns: int) -> None:
    data = table(
        [("Name", "Quinn"), ("Role", "Nurse")],
        {1: row_definition((0, 1440 + nudge, 2880))},
    )
    assert {len(row) for row in rows_of(data)[0]} == {columns}


def test_a_row_starting_further_right_keeps_its_values_under_their_labels() -> None:
    data = table(
        [("Date", "Contact type", "Outcome"), ("A&E", "Discharged")],
        {1: row_definition((1440, 2880, 4320))},
    )
    assert rows_of(data)[0] == (("Date", "Contact type", "Outcome"), ("", "A&E", "Discharged"))


def test_rows_whose_cells_are_changed_after_their_definition_are_flagged_not_lined_up() -> None:
    """sprmTInsert adds cells to a row's definition; not applied here, so the row's cells
    cannot be placed, and with rows of different lengths a person checks the labels."""
    insert = struct.pack("<HBBH", 0x7621, 2, 1, 1440)
    data = table(
        [("Agency", "Contact", "Outcome"), ("Health visitor and GP", "Referred")],
        {1: row_definition((0, 2880, 4320)) + insert},
    )
    assert rows_of(data) == (
        (("Agency", "Contact", "Outcome"), ("Health visitor and GP", "Referred")),
        (UNALIGNED,),
    )


def test_a_definition_of_more_cells_than_the_row_has_is_flagged() -> None:
    data = table([("Agency", "Contact"), ("Police",)], {1: row_definition((0, 1440, 2880))})
    assert rows_of(data) == ((("Agency", "Contact"), ("Police",)), (UNALIGNED,))


@pytest.mark.parametrize(
    "definition",
    [
        row_definition((0, 2880, 1440)),
        row_definition(range(0, 100 * 65, 100)),
        row_definition((0, 0, 1440)),
    ],
    ids=["edges backwards", "more cells than Word allows", "a cell of no width holds text"],
)
def test_a_row_definition_that_cannot_be_right_is_damage(definition: bytes) -> None:
    cells = 64 if len(definition) > 200 else 2
    rows, problems = rows_of(table([["Name"] * cells], {0: definition}))
    assert rows == () and problems[0].startswith("form.doc: damaged old Word file")
