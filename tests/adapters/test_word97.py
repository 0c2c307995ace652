"""Old Word (.doc) forms are read as their .docx originals are: paragraphs and label/value
tables, with where each came from. What the reader cannot be sure of (tick boxes, symbols,
nested tables, damage, Word 95) is flagged for a person, never guessed.

The .doc files in tests/fixtures/word97/ are LibreOffice's "MS Word 97" export of the .docx
fixtures (tests/fixtures/word97/make.py); build.py writes what that export never does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypedDict

import pytest

from bot.adapters.documents import DocumentText, read_attachment
from tests.fixtures.word97.build import word97
from tests.fixtures.word97.make import FIXTURES

HERE = Path(__file__).resolve().parents[1] / "fixtures" / "word97"
DOC = "application/msword"
TICKS = "a tick box or list in an old Word form, not read"
AMBULANCE = "Taken to hospital by ambulance."
FORM = [
    ("Child details", ""),
    ("Name", "cell"), ("Quinn Zed Invented", "cell"), ("", "row"),
    ("Child died", "cell"), ("Yes ( No (", "cell"), ("", "row"),
    ("Signed: Robin Example, £0, “quoted”", ""),
]  # fmt: skip


def read(name: str, data: bytes) -> DocumentText:
    return read_attachment(name, DOC, data)


def shape(doc: DocumentText) -> tuple[list[str], list[tuple[tuple[str, ...], ...]]]:
    return [line.text for line in doc.lines], [table.rows for table in doc.tables]


@pytest.mark.parametrize(
    "name",
    [
        "sin-form.doc",
        "appendix-b.doc",
        "cell-paragraphs.doc",
        "tracked-changes.doc",
        "merged-cells.doc",
    ],
)
def test_a_doc_reads_as_the_docx_it_was_saved_from(name: str) -> None:
    build: Callable[[], bytes] = FIXTURES[name]
    doc = read(name, (HERE / name).read_bytes())

    assert doc.problems == ()
    assert shape(doc) == shape(read_attachment(f"{name}x", "", build()))
    assert (
        doc.tables[0].where == f"{name}, table 1" and doc.lines[0].where == f"{name}, paragraph 1"
    )


def test_a_cell_of_several_paragraphs_is_one_value_and_an_empty_cell_stays_empty() -> None:
    doc = read("form.doc", (HERE / "cell-paragraphs.doc").read_bytes())
    assert doc.tables[0].rows == (
        ("Incident details",),
        ("Description of the incident", f"Found unresponsive at home. {AMBULANCE}"),
        ("Location", ""),
        ("Date of incident", "18/12/2026"),
    )  # fmt: skip
    assert doc.lines[-1].text == "Signed: Robin Example, £0 costs, “quoted” \u2013 dash"


def test_legacy_tick_boxes_read_their_state_from_the_form_field_data() -> None:
    doc = read("SIN.doc", (HERE / "tick-boxes-and-merged-cells.doc").read_bytes())

    row = next(row for row in doc.tables[0].rows if row[0] == "Abuse or neglect suspected")
    assert set(row) == {"Abuse or neglect suspected", "☒ Suspected"}  # lined up with the next table
    assert doc.problems == ()


@pytest.mark.parametrize(
    ("written", "read_as"),
    [("Yes {x} No { }", "Yes ☒ No ☐"), ("Yes { } No {x}", "Yes ☐ No ☒"), ("{d} Yes", "☒ Yes")],
    ids=["ticked", "not ticked", "ticked by default"],
)
def test_each_legacy_tick_box_state_is_read(written: str, read_as: str) -> None:
    doc = read("SIN.doc", word97([("Child died", "cell"), (written, "cell"), ("", "row")]))
    assert doc.tables[0].rows == (("Child died", read_as),) and doc.problems == ()


def test_a_tick_box_whose_data_cannot_be_read_is_never_read_as_an_answer() -> None:
    """Kept as text, "☐ Suspected" with its box unread would read as "Suspected" (yes): the
    whole cell says it was not read instead, and the document is flagged."""
    written = [("Abuse or neglect suspected", "cell"), ("{?} Suspected", "cell"), ("", "row")]
    doc = read("SIN.doc", word97(written))

    assert doc.tables[0].rows == (("Abuse or neglect suspected", TICKS),)
    assert doc.problems == (
        "SIN.doc: some tick boxes, lists or symbols in an old Word form could not be read: "
        "check the answers they give by hand",
    )


def test_text_deleted_with_changes_tracked_is_left_out_as_in_a_docx() -> None:
    written = [("Name", "cell"), ("[-Jo Smith-]Jo Smyth", "cell"), ("", "row")]
    doc = read("SIN.doc", word97(written))
    assert doc.tables[0].rows == (("Name", "Jo Smyth"),) and doc.problems == ()


def test_a_legacy_drop_down_list_is_flagged_not_left_blank() -> None:
    """Its choice is not text: left out, "Legal status" would look unanswered, silently."""
    doc = read("SIN.doc", word97([("Legal status", "cell"), ("{v}", "cell"), ("", "row")]))
    assert doc.tables[0].rows == (("Legal status", TICKS),) and len(doc.problems) == 1


class Stored(TypedDict, total=False):
    """How word97() stores the text and the properties."""

    unicode_from: int
    huge: bool


@pytest.mark.parametrize(
    "stored",
    [{}, {"unicode_from": 4}, {"unicode_from": 0}, {"huge": True}],
    ids=["8-bit text", "8-bit then UTF-16 pieces", "UTF-16 text", "properties in Data"],
)
def test_word_binary_layouts_read_alike(stored: Stored) -> None:
    doc = read("SIN.doc", word97(FORM, **stored))

    assert shape(doc) == (
        ["Child details", "Signed: Robin Example, £0, “quoted”"],
        [(("Child details",), ("Name", "Quinn Zed Invented"), ("Child died", TICKS))],
    )  # a symbol ("(" standing in for a Wingdings glyph) is a tick box not read
    assert len(doc.problems) == 1 and "some tick boxes, lists or symbols" in doc.problems[0]


def test_a_table_inside_a_table_is_not_read_at_all() -> None:
    doc = read("SIN.doc", word97([("Name", "cell"), ("Quinn", "nested"), ("", "row")]))
    assert shape(doc) == ([], []) and doc.problems == (
        "SIN.doc: old Word format (.doc) with a table inside a table, not read; "
        "please re-send as .docx or PDF, or enter it by hand",
    )
    assert (
        "table inside a table"
        in read("N.doc", (HERE / "nested-table.doc").read_bytes()).problems[0]
    )


def test_word_95_is_not_read() -> None:
    doc = read("SIN.doc", word97(FORM, version=0x0065))
    assert shape(doc) == ([], []) and "from before Word 97" in doc.problems[0]


@pytest.mark.parametrize("cut", [0x200, 0x430, 0x600, 0x1000, 0x1200])
def test_a_cut_short_doc_is_flagged_as_damaged_never_half_read(cut: int) -> None:
    whole = (HERE / "sin-form.doc").read_bytes()
    doc = read("SIN.doc", whole[:cut])
    assert shape(doc) == ([], []) and len(doc.problems) == 1
    assert doc.problems[0].startswith("SIN.doc: damaged")


def test_a_formatting_record_of_negative_size_is_damage_not_a_hang() -> None:
    data = word97(FORM)
    # The piece table's Clx starts the table stream with a Prc: 0x01, then its signed size.
    at = data.index(b"\x01\x03\x00\x03\x24\x01\x02")
    broken = data[: at + 1] + b"\xfd\xff" + data[at + 3 :]  # -3: the record again, for ever
    doc = read("SIN.doc", broken)
    assert shape(doc) == ([], []) and doc.problems[0].startswith("SIN.doc: damaged")


def test_a_piece_table_that_skips_the_start_of_the_text_is_damage_not_an_empty_form() -> None:
    """Read from its first piece on, the text would be nothing, and the form would look
    blank rather than damaged."""
    data = word97(FORM)
    at = data.index(b"\x01\x03\x00\x03\x24\x01\x02") + 6 + 5  # the Pcdt, its size, then CP 0
    assert data[at : at + 4] == b"\0\0\0\0"
    doc = read("SIN.doc", data[:at] + b"\x00\x01\x00\x00" + data[at + 4 :])
    assert shape(doc) == ([], []) and doc.problems[0].startswith("SIN.doc: damaged")


def test_every_byte_flipped_in_the_text_stream_structures_never_crashes() -> None:
    """Damage anywhere in a .doc gives lines and tables or a flag, never an exception."""
    data = bytearray(word97([*FORM, ("Abuse", "cell"), ("Yes {x} No { }", "cell"), ("", "row")]))
    for at in range(0, len(data), 7):
        broken = bytearray(data)
        broken[at] ^= 0xFF
        doc = read("SIN.doc", bytes(broken))
        assert doc.lines or doc.tables or doc.problems
