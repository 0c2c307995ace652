"""Paragraph and character properties of an old Word (.doc) document: which paragraphs are in
a table and which end a row, which characters are symbols, and the state of a legacy tick
box, as Microsoft's [MS-DOC] specification sets them out.

Properties are found by the stream offset of a character: the bin table (PlcBtePapx or
PlcBteChpx, in the table stream) names the 512-byte page (FKP) of the WordDocument stream
that covers it, and the page the run it falls in and that run's property list (grpprl), a
sequence of sprms (property codes) with their operands. Only the few sprms the reader needs
are read; the size of every other is taken from its code, as the specification sets out.
"""

from __future__ import annotations

import bisect
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .marks import CHECKED, UNCHECKED

_PAGE = 512
# Paragraph sprms that place a paragraph in a table (or in a table inside one).
_IN_TABLE, _TTP, _ITAP = 0x2416, 0x2417, 0x6649
_INNER_CELL, _INNER_TTP = 0x244B, 0x244C
_HUGE_PAPX = 0x6646  # the grpprl is in the Data stream, at this offset
_SYMBOL = 0x6A09  # sprmCSymbol: the character is a symbol of a font, not its text
_PIC_LOCATION = 0x6A03  # sprmCPicLocation: where in the Data stream a form field's data is
# sprmCFRMarkDel: deleted with changes tracked, still in the text (1, or 0x81: not its style's)
_DELETED = 0x0800
_DEF_TABLE, _CHG_TABS = 0xD608, 0xC615
_OPERAND = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}  # bytes by spra; 6 is variable
_WANTED_BYTE = frozenset({_IN_TABLE, _TTP, _INNER_CELL, _INNER_TTP, _DELETED})
_WANTED_LONG = frozenset({_ITAP, _HUGE_PAPX, _SYMBOL, _PIC_LOCATION})


class Unsupported(ValueError):
    """Something this reader does not read, said as "with ...", for the flag."""


@dataclass(frozen=True)
class _Run:
    """The stream offsets a run of text covers, and its property list (empty: defaults)."""

    start: int
    end: int
    grpprl: bytes


class _Bins:
    """A bin table and its FKP pages: the run of properties in force at a stream offset."""

    def __init__(self, word: bytes, plc: bytes, entry: int, read: Callable[[bytes, int], bytes]):
        self._word, self._entry, self._read = word, entry, read  # entry: 13 (BxPap) or 1
        count = (len(plc) - 4) // 8
        self._fcs = list(struct.unpack_from(f"<{count + 1}I", plc, 0))
        pages = struct.unpack_from(f"<{count}I", plc, (count + 1) * 4)
        self._pages = [pn & 0x3FFFFF for pn in pages]
        self._last = _Run(0, 0, b"")  # most characters fall in the run before them

    def run(self, fc: int) -> _Run:
        if self._last.start <= fc < self._last.end:
            return self._last
        index = bisect.bisect_right(self._fcs, fc) - 1
        if not 0 <= index < len(self._pages):
            raise ValueError("a character has no properties")
        start = self._pages[index] * _PAGE
        page = self._word[start : start + _PAGE]
        runs = page[_PAGE - 1]
        bounds = struct.unpack_from(f"<{runs + 1}I", page, 0)
        n = bisect.bisect_right(bounds, fc) - 1
        if not 0 <= n < runs:
            raise ValueError("a character is outside its page's runs")
        offset = page[(runs + 1) * 4 + n * self._entry] * 2
        self._last = _Run(bounds[n], bounds[n + 1], self._read(page, offset) if offset else b"")
        return self._last


def _papx(page: bytes, at: int) -> bytes:
    """A PapxInFkp's grpprl: cb words less a byte, or (cb 0) a byte of words; after the
    style index."""
    size = page[at]
    body = page[at + 1 : at + 2 * size] if size else page[at + 2 : at + 2 + 2 * page[at + 1]]
    return body[2:]


def _chpx(page: bytes, at: int) -> bytes:
    """A Chpx's grpprl: a byte count, then the list."""
    return page[at + 1 : at + 1 + page[at]]


class Properties:
    """The table properties of paragraphs; the tick boxes and symbols among characters."""

    def __init__(
        self, word: bytes, bte_papx: bytes, bte_chpx: bytes, data: Callable[[], bytes]
    ) -> None:
        self._paragraphs = _Bins(word, bte_papx, 13, _papx)  # BxPap: offset, 12 reserved bytes
        self._characters = _Bins(word, bte_chpx, 1, _chpx)
        self._data = data

    @staticmethod
    def table(grpprl: bytes) -> tuple[bool, bool]:
        """(in a table, the end of a row) for a paragraph's property list (paragraph())."""
        sprms = dict(_sprms(grpprl))
        if sprms.get(_ITAP, 1) > 1 or _INNER_CELL in sprms or _INNER_TTP in sprms:
            raise Unsupported("with a table inside a table")
        in_table = bool(sprms.get(_IN_TABLE)) or sprms.get(_ITAP, 0) == 1
        return in_table, in_table and bool(sprms.get(_TTP))

    def paragraph(self, fc: int) -> bytes:
        """The property list of the paragraph whose mark is stored at fc, with its part kept
        in the Data stream when it is too long for its page."""
        grpprl = self._paragraphs.run(fc).grpprl
        huge = dict(_sprms(grpprl)).get(_HUGE_PAPX)
        if huge is None:
            return grpprl
        data = self._data()  # PrcData: a 2-byte size, then the list
        return grpprl + data[huge + 2 : huge + 2 + u16(data, huge)]

    def tick_box(self, places: list[int]) -> str | None:
        """The state of the legacy check box whose field code is stored at `places` (one of
        its characters says where its data is), or None."""
        for fc in places:
            sprms = self._character_sprms(fc)
            if _PIC_LOCATION in sprms:
                return _tick_box(self._data(), sprms[_PIC_LOCATION])
        return None

    def symbol(self, fc: int) -> bool:
        """Whether the character stored at fc is a font's symbol (its text is a stand-in)."""
        return _SYMBOL in self._character_sprms(fc)

    def deleted(self, fc: int) -> bool:
        """Whether the character stored at fc is deleted text kept by tracked changes."""
        return self._character_sprms(fc).get(_DELETED, 0) in (1, 0x81)

    def _character_sprms(self, fc: int) -> dict[int, int]:
        grpprl = self._characters.run(fc).grpprl
        return dict(_sprms(grpprl)) if grpprl else {}


def _tick_box(data: bytes, at: int) -> str | None:
    """A check box's state from the NilPICFAndBinData at `at` (a 68-byte header whose
    cbHeader is 0x44, then an FFData: version 0xFFFFFFFF, FFDataBits, cch, hps, the name
    as a 2-byte count of UTF-16 characters and a null, then wDef, the default state). Its
    iType must say check box; iRes is the state (0 or 1), or 25 for the default. None when
    any of it does not hold."""
    if at + 68 + 10 > len(data) or u16(data, at + 4) != 0x44:
        return None
    ffdata = at + 68
    if u32(data, ffdata) != 0xFFFFFFFF:
        return None
    bits = u16(data, ffdata + 4)
    kind, state = bits & 0x3, (bits >> 2) & 0x1F
    if kind != 1:
        return None
    if state == 25:
        default = ffdata + 10 + 2 + 2 * u16(data, ffdata + 10) + 2
        state = u16(data, default) if default + 2 <= len(data) else -1
    return {0: UNCHECKED, 1: CHECKED}.get(state)


def _sprms(grpprl: bytes) -> Iterator[tuple[int, int]]:
    """(sprm, operand) for the sprms the reader needs; the others are stepped over."""
    for sprm, at in sprm_places(grpprl):
        if sprm in _WANTED_BYTE:
            yield sprm, grpprl[at]
        elif sprm in _WANTED_LONG:
            yield sprm, u32(grpprl, at)


def sprm_places(grpprl: bytes) -> Iterator[tuple[int, int]]:
    """(sprm, where its operand starts) for each sprm of a property list."""
    at = 0
    while at + 2 <= len(grpprl):
        sprm = u16(grpprl, at)
        at += 2
        yield sprm, at
        at += _operand_size(sprm, grpprl, at)


def _operand_size(sprm: int, grpprl: bytes, at: int) -> int:
    spra = sprm >> 13
    if spra != 6:
        return _OPERAND[spra]
    if sprm == _DEF_TABLE:  # its size is a 2-byte count, one more than the bytes after it
        return u16(grpprl, at) + 1
    if sprm == _CHG_TABS and grpprl[at] == 255:
        raise Unsupported("with a kind of tab setting this reader does not size")
    return grpprl[at] + 1


def u16(data: bytes, at: int) -> int:
    return int(struct.unpack_from("<H", data, at)[0])


def u32(data: bytes, at: int) -> int:
    return int(struct.unpack_from("<I", data, at)[0])
