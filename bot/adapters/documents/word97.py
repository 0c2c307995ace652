"""Old Word (.doc, Word 97-2003): the main text's paragraphs and tables, from the binary
format as Microsoft's [MS-DOC] specification describes it.

No maintained pure-Python library reads tables from a .doc, and a form is tables. Only what
the reader needs is read: the File Information Block (where the rest is), the piece table
(which bytes of the WordDocument stream hold which characters), each paragraph's table
properties (in a table? the end of a row?) and the few character properties that mark a
tick box or a symbol (bot.adapters.documents.word97_properties). A table's rows are lined
up on one grid of columns from the cell edges each row end defines, merged cells repeating
their text as in a .docx (bot.adapters.documents.word97_rows). Nothing else is interpreted;
nothing runs.

Anything that does not add up (a stream too short, a paragraph without properties) or that
this reader does not read (a nested table, Word 95) raises Unreadable saying so, and the
form is entered by hand: a wrong table would put a value under the wrong label.

Legacy tick boxes (FORMCHECKBOX fields) are read from their form-field data (FFData, in the
Data stream). A tick box whose data does not read as one, a legacy drop-down list (its
choice is an index into a list in that data, not read here), or a symbol-font character (its
glyph is named in its properties, which say the font by number only), makes its whole
paragraph or cell TICK_UNREAD, so the form engine cannot take any of its words for the
answer, and the field is flagged for a person.
"""

from __future__ import annotations

import itertools
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .marks import PRIVATE_USE, looks_like_heading
from .model import UNALIGNED, Extract, Unreadable, norm
from .word97_properties import Properties, Unsupported, u16, u32
from .word97_rows import Cell, lined_up, row_cells

ASK = "please re-send as .docx or PDF, or enter it by hand"
TICK_UNREAD = "a tick box or list in an old Word form, not read"
_IDENT, _WORD_97 = 0xA5EC, 0x00C1  # FibBase's wIdent, and its nFib from Word 97 on
_WHICH_TABLE = 0x0200
# Characters that are not text (anchors of pictures, notes and drawings; optional hyphens),
# and those read as another: tabs and line breaks as spaces, a non-breaking hyphen as one.
_DROP = frozenset("\x01\x02\x05\x08\x1f")
_AS = {"\t": " ", "\x0b": " ", "\x0e": " ", "\xa0": " ", "\x1e": "-"} | {
    chr(code): char for code, char in PRIVATE_USE.items()
}
# Far more than any form; it bounds the time a hostile file can take.
_MOST_CHARACTERS = 1_000_000
_FIELD_BEGIN, _FIELD_SEPARATOR, _FIELD_END = "\x13", "\x14", "\x15"
_PARAGRAPH_ENDS = frozenset("\r\x07\x0c")


@dataclass(frozen=True)
class _Paragraph:
    text: str
    mark: str  # "\r" a paragraph's end, "\x07" a table cell's (or row's)
    in_table: bool
    row_end: bool
    cells: tuple[Cell, ...] | None = None  # a row end's cells, as it defines them


def read_doc(ole: Any) -> Extract:
    """The document's text as lines and tables; `ole` is the open olefile.OleFileIO."""
    try:
        found = _layout(list(_paragraphs(_Streams(ole))))
    except Unsupported as exc:
        raise Unreadable(f"old Word format (.doc) {exc}, not read; {ASK}") from exc
    except (struct.error, IndexError, ValueError, KeyError, OSError) as exc:
        raise Unreadable(f"damaged old Word file (.doc), not read; {ASK}") from exc
    if any(TICK_UNREAD in text for _, text in found.lines) or any(
        TICK_UNREAD in cell for _, rows in found.tables for row in rows for cell in row
    ):
        found.problems.append(
            "some tick boxes, lists or symbols in an old Word form could not be read: "
            "check the answers they give by hand"
        )
    return found


class _Streams:
    """The streams a .doc is read from, and its File Information Block's figures."""

    def __init__(self, ole: Any) -> None:
        self.word = _stream(ole, "WordDocument")
        ident, version, flags = u16(self.word, 0), u16(self.word, 2), u16(self.word, 0x0A)
        if ident != _IDENT:
            raise ValueError("not a Word document stream")
        if version < _WORD_97:
            raise Unsupported("from before Word 97")
        self.table = _stream(ole, "1Table" if flags & _WHICH_TABLE else "0Table")
        self._ole: Any = ole
        self._data: bytes | None = None
        csw = u16(self.word, 32)
        lw = 32 + 2 + csw * 2 + 2  # FibRgLw97
        cslw = u16(self.word, lw - 2)
        self.ccp_text = u32(self.word, lw + 12)
        if self.ccp_text > _MOST_CHARACTERS:
            raise Unsupported(f"longer than {_MOST_CHARACTERS:,} characters")
        fclcb = lw + cslw * 4 + 2  # FibRgFcLcb97
        self.clx = self._table_slice(fclcb, 33)
        self.bte_chpx = self._table_slice(fclcb, 12)
        self.bte_papx = self._table_slice(fclcb, 13)

    def data(self) -> bytes:
        """The Data stream, read only when a paragraph or tick box needs it: it holds the
        pictures, and may be most of a large file."""
        if self._data is None:
            self._data = _stream(self._ole, "Data") if self._ole.exists("Data") else b""
        return self._data

    def _table_slice(self, fclcb: int, index: int) -> bytes:
        fc, lcb = struct.unpack_from("<II", self.word, fclcb + index * 8)
        if fc + lcb > len(self.table):
            raise ValueError("a structure lies past the end of the table stream")
        return self.table[fc : fc + lcb]


def _paragraphs(streams: _Streams) -> Iterator[_Paragraph]:
    """The main text's paragraphs in order, each with its table properties."""
    properties = Properties(streams.word, streams.bte_papx, streams.bte_chpx, streams.data)
    text: list[str] = []
    for char, fc in _characters(streams, properties):
        if char not in _PARAGRAPH_ENDS:
            text.append(char)
            continue
        grpprl = properties.paragraph(fc)
        in_table, row_end = properties.table(grpprl)
        cells = row_cells(grpprl) if row_end else None
        yield _Paragraph("".join(text), char, in_table, row_end, cells)
        text = []
    if any(c.strip() for c in text):
        yield _Paragraph("".join(text), "\r", False, False)


@dataclass
class _Field:
    """A field being read: its code (" FORMCHECKBOX ") and where its characters are stored,
    until its separator; then its result is the text."""

    code: str = ""
    places: list[int] = field(default_factory=list)
    in_result: bool = False


def _characters(streams: _Streams, properties: Properties) -> Iterator[tuple[str, int]]:
    """Each character of the main text with the stream offset it is stored at (the piece
    table's mapping). A field (begin, code, separator, result, end) is its result; a legacy
    tick box its state (☒ or ☐; TICK_UNREAD when that cannot be found); a legacy drop-down
    list TICK_UNREAD (its choice is not read); a font's symbol (stored as "(", the glyph
    named in its properties) TICK_UNREAD, as it may be a Wingdings tick box and which glyph
    of which font it is is not read here. Text deleted with changes tracked is left out, as
    the .docx reader leaves out w:del."""
    fields: list[_Field] = []
    for char, fc in _pieces(streams):
        if char == _FIELD_BEGIN:
            fields.append(_Field(places=[fc]))
        elif char in (_FIELD_SEPARATOR, _FIELD_END) and fields:
            ended = fields.pop() if char == _FIELD_END else fields[-1]
            if "FORMCHECKBOX" in ended.code and not ended.in_result:
                yield properties.tick_box(ended.places) or TICK_UNREAD, fc
            elif "FORMDROPDOWN" in ended.code and not ended.in_result:
                yield TICK_UNREAD, fc  # the choice is an index into a list in its data
            ended.in_result = True
        elif fields and not fields[-1].in_result:
            fields[-1].code += char
            fields[-1].places.append(fc)
        elif all(f.in_result for f in fields) and _kept(char, fc, properties):
            yield TICK_UNREAD if char == "(" and properties.symbol(fc) else char, fc


def _kept(char: str, fc: int, properties: Properties) -> bool:
    """Not an anchor or a hyphenation hint, nor text deleted with changes tracked (a
    paragraph mark is kept: the paragraphs stay apart, which misreads nothing)."""
    return char not in _DROP and (char in _PARAGRAPH_ENDS or not properties.deleted(fc))


def _pieces(streams: _Streams) -> Iterator[tuple[str, int]]:
    """The main text's characters and their offsets, piece by piece."""
    cps, descriptors = _piece_table(streams.clx)
    if cps[-1] < streams.ccp_text:
        raise ValueError("the text runs past its last piece")
    for n, (start, end) in enumerate(itertools.pairwise(cps)):
        if start >= streams.ccp_text:
            break
        end = min(end, streams.ccp_text)
        raw_fc = u32(descriptors, n * 8 + 2)
        compressed = bool(raw_fc & 0x40000000)
        width = 1 if compressed else 2
        fc = (raw_fc & 0x3FFFFFFF) // 2 if compressed else raw_fc
        chunk = streams.word[fc : fc + (end - start) * width]
        if len(chunk) != (end - start) * width:
            raise ValueError("a piece lies past the end of the WordDocument stream")
        text = _cp1252(chunk) if compressed else chunk.decode("utf-16-le")
        for k, char in enumerate(text):
            yield _AS.get(char, char), fc + k * width


def _piece_table(clx: bytes) -> tuple[list[int], bytes]:
    """The PlcPcd of a Clx: the pieces' first CPs (and the end) and their descriptors."""
    at = 0
    while at < len(clx) and clx[at] == 0x01:  # Prc: formatting, skipped
        size = u16(clx, at + 1)
        if size > 0x3FA2:  # [MS-DOC]'s bound; the field is signed, and a negative one loops
            raise ValueError("a formatting record of an impossible size")
        at += 3 + size
    if at >= len(clx) or clx[at] != 0x02:
        raise ValueError("no piece table")
    size = u32(clx, at + 1)
    plc = clx[at + 5 : at + 5 + size]
    count = (size - 4) // 12
    cps = list(struct.unpack_from(f"<{count + 1}I", plc, 0))
    if cps[0] != 0 or any(b < a for a, b in itertools.pairwise(cps)):
        raise ValueError("a piece table that does not cover the text in order")
    return cps, plc[(count + 1) * 4 :]


def _layout(paragraphs: list[_Paragraph]) -> Extract:
    """Lines and tables as the .docx reader gives them: a short paragraph just above a table
    becomes its first row (it says which section the table's labels belong to)."""
    found = Extract()
    cell: list[str] = []
    row: list[str] = []
    rows: list[tuple[list[str], tuple[Cell, ...] | None]] = []
    heading: str | None = None
    for paragraph in [*paragraphs, _Paragraph("", "\r", False, False)]:
        text = _unread_ticks(norm(paragraph.text))
        if paragraph.in_table:
            if paragraph.row_end:
                rows.append((row, paragraph.cells))
                row = []
            elif paragraph.mark == "\x07":
                row.append(_unread_ticks(norm(" ".join([*cell, text]))))
                cell = []
            else:
                cell.append(text)  # a cell's paragraphs before its last
            continue
        if rows or row or cell:
            if row or cell:
                raise ValueError("a table row without its end")
            table = _table(rows, found)
            found.tables.append(
                (f"table {len(found.tables) + 1}", [[heading], *table] if heading else table)
            )
            rows, heading = [], None
        if text:
            found.lines.append((f"paragraph {len(found.lines) + 1}", text))
            heading = text if looks_like_heading(text) else None
    return found


def _table(
    rows: list[tuple[list[str], tuple[Cell, ...] | None]], found: Extract
) -> list[list[str]]:
    """The rows on one grid of columns (word97_rows); where the rows do not say how they
    line up and have different numbers of cells, a value may stand under the wrong label, so
    the document says so."""
    lined = lined_up(rows)
    if lined is not None:
        return lined
    texts = [row for row, _ in rows]
    if len({len(row) for row in texts}) > 1:
        found.problems.append(f"table {len(found.tables) + 1}: {UNALIGNED}")
    return texts


def _unread_ticks(text: str) -> str:
    """A paragraph or cell with a tick box not read is that alone: "Female [?] Male [?]"
    kept as text would let "Female" be read as the answer."""
    return TICK_UNREAD if TICK_UNREAD in text else text


def _stream(ole: Any, name: str) -> bytes:
    if not ole.exists(name):
        raise KeyError(f"no {name} stream")
    return bytes(ole.openstream(name).read())


def _cp1252(chunk: bytes) -> str:
    """8-bit text: Windows-1252, with the five bytes it leaves undefined read as Latin-1."""
    try:
        return chunk.decode("cp1252")
    except UnicodeDecodeError:
        return "".join(bytes([b]).decode("cp1252", "ignore") or chr(b) for b in chunk)
