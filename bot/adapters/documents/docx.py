"""Word .docx / .docm: paragraphs and tables in document order, tick boxes as ☒/☐.

Only the main document part is parsed (found through the package's relationships, by lxml
with python-docx's hardened parser options; nothing runs macros): styles, numbering, headers
and the other parts say nothing the reader needs, and loading the whole package with
python-docx cost four times the reading. The body is walked here so that text inside content
controls, legacy form fields and checkboxes is not lost.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from lxml import etree

from .limits import LimitedZip, open_zip
from .marks import CHECKED, PRIVATE_USE, SYMBOLS, UNCHECKED, looks_like_heading
from .model import SAME_EDGE, Extract, Limits, Unreadable, norm

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
)
MACRO_TYPES = ("macroEnabled", "vbaProject")
# Subtrees whose text is not part of what the reader sees.
_SKIP = {
    f"{{{W}}}{name}"
    for name in ("rPr", "pPr", "sdtPr", "sdtEndPr", "del", "moveFrom", "instrText", "tblPr")
} | {f"{{{MC}}}Fallback"}


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


# The tags the walk compares every element with, built once (not per element).
_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT, _CUSTOM_XML = (
    _w(n) for n in ("p", "tbl", "tr", "tc", "sdt", "sdtContent", "customXml")
)
_T, _SYM, _FLD_CHAR, _NO_BREAK_HYPHEN = (_w(n) for n in ("t", "sym", "fldChar", "noBreakHyphen"))
_SPACE_TAGS = frozenset(_w(n) for n in ("tab", "br", "cr"))
_PLACEHOLDER = (_w("sdtPr"), _w("showingPlcHdr"))
_TC_PR, _GRID_SPAN, _V_MERGE = (_w(n) for n in ("tcPr", "gridSpan", "vMerge"))
_GRID_BEFORE = (_w("trPr"), _w("gridBefore"))
_CHECKBOX_CONTROL = (_w("sdtPr"), f"{{{W14}}}checkbox")
_LEGACY_CHECKBOX = (_w("ffData"), _w("checkBox"))
_VAL = _w("val")
# python-docx's parser options (no entities resolved, blank text between elements dropped),
# without its element classes: a Python object of python-docx's per element the walk passes
# cost more than the walk, and the walk reads only tags, attributes and text.
_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)


def parse_xml(data: bytes) -> etree._Element:
    return etree.fromstring(data, _PARSER)


def read_docx(data: bytes, limits: Limits) -> Extract:
    archive = open_zip(data, limits)
    names = set(archive.namelist())
    content_types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    if not any(n.startswith("word/") for n in names) or not content_types:
        raise Unreadable(
            "not a Word document (another kind of zip file); please send a .docx or PDF"
        )
    found = Extract()
    if any(t.encode() in content_types for t in MACRO_TYPES) or "word/vbaProject.bin" in names:
        found.problems.append(
            "macro-enabled Word file (.docm): text read, macros not run; "
            "please ask for a plain .docx next time"
        )
    try:
        root = _main_document(archive)
    except (KeyError, etree.XMLSyntaxError) as exc:  # no main document, or broken XML
        raise Unreadable("damaged (not a valid Word file); please ask for a fresh copy") from exc
    body = _find(root, _w("body"))
    if body is None:
        raise Unreadable("damaged (no document body); please ask for a fresh copy")
    _Walker(found).blocks(body)
    return found


def _main_document(archive: LimitedZip) -> etree._Element:
    """The main document part's XML, named by the package's officeDocument relationship;
    KeyError when there is none."""
    relationships = parse_xml(archive.read("_rels/.rels"))
    for rel in relationships.iter(f"{{{RELATIONSHIPS}}}Relationship"):
        if rel.get("Type") == OFFICE_DOCUMENT and rel.get("TargetMode") != "External":
            name = posixpath.normpath("/" + (rel.get("Target") or "")).lstrip("/")
            return parse_xml(archive.read(name))
    raise KeyError("no main document part")


class _Walker:
    def __init__(self, found: Extract) -> None:
        self.found = found
        self.paragraphs = 0
        self.tables = 0
        self.heading: str | None = None  # a short paragraph just above the next table

    def blocks(self, parent: etree._Element) -> None:
        for child in _block_children(parent):
            if child.tag == _P:
                text = paragraph_text(child)
                if text:
                    self.paragraphs += 1
                    self.found.lines.append((f"paragraph {self.paragraphs}", text))
                    self.heading = text if looks_like_heading(text) else None
            else:  # _block_children gives paragraphs and tables only
                self.table(child)
                self.heading = None

    def table(self, tbl: etree._Element) -> None:
        self.tables += 1
        place = f"table {self.tables}"
        index = len(self.found.tables)
        self.found.tables.append((place, []))
        rows: list[list[str]] = []
        above: dict[int, str] = {}  # grid column -> text of the cell that starts a vertical merge
        slivers = _slivers(tbl)
        for tr in _children(tbl, _TR):
            column = _grid_before(tr)
            # A row starting further right (Word's gridBefore) starts with empty columns, so
            # that its cells stand under the labels they stand under on the page.
            row = [""] * _columns(slivers, 0, column)
            for tc in _children(tr, _TC):
                spans, merge = _cell_properties(tc)
                span = _int_val(spans, 1)
                continues = merge is not None and merge.get(_VAL) in (None, "continue")
                text = above.get(column, "") if continues else self.cell_text(tc)
                for offset in range(span):
                    above[column + offset] = text
                columns = _columns(slivers, column, column + span)
                row.extend([text] * (columns or (1 if text else 0)))
                column += span
            rows.append(row)
        if self.heading and rows:
            # Forms put "Child details" above the table it heads; the table alone would lose
            # which section its "Name" row belongs to, so the heading becomes its first row.
            rows.insert(0, [self.heading])
            self.heading = None
        self.found.tables[index] = (place, rows)

    def cell_text(self, tc: etree._Element) -> str:
        parts: list[str] = []
        for child in _block_children(tc):
            if child.tag == _P:
                parts.append(paragraph_text(child))
            else:
                self.table(child)  # a nested table is a table of its own
        return norm(" ".join(parts))


def _block_children(parent: etree._Element) -> Iterator[etree._Element]:
    """Paragraphs and tables, looking through block-level content controls and custom XML."""
    for child in parent:
        tag = child.tag  # lxml builds the string at each read
        if tag == _SDT and _find(child, *_PLACEHOLDER) is not None:
            continue  # placeholder text of an empty content control
        if tag in (_SDT, _CUSTOM_XML, _SDT_CONTENT):
            content = _find(child, _SDT_CONTENT) if tag == _SDT else child
            if content is not None:
                yield from _block_children(content)
        elif tag in (_P, _TBL):
            yield child


def _children(parent: etree._Element, wanted: str) -> Iterator[etree._Element]:
    """Rows of a table or cells of a row (`wanted`: _TR or _TC), including those wrapped in
    content controls."""
    for child in parent:
        tag = child.tag
        if tag == wanted:
            yield child
        elif tag in (_SDT, _CUSTOM_XML):
            content = _find(child, _SDT_CONTENT) if tag == _SDT else child
            if content is not None:
                yield from _children(content, wanted)


def _find(parent: etree._Element, tag: str, inner: str | None = None) -> etree._Element | None:
    """What ElementPath's find("tag") or find("tag/inner") finds (for the latter, the first
    inner of the first tag that has one). A plain loop over the children: ElementPath runs a
    chain of selectors per call, and even lxml's filtered child iterator costs more to set up
    (its tag parsed each call) than comparing the few children an element here has."""
    for child in parent:
        if child.tag == tag:
            if inner is None:
                return child
            for grandchild in child:
                if grandchild.tag == inner:
                    return grandchild
    return None


def _cell_properties(tc: etree._Element) -> tuple[etree._Element | None, etree._Element | None]:
    """The cell's gridSpan and vMerge, each the first under the first tcPr that has one (as
    _find gives them), in one pass over its properties rather than one for each."""
    span = merge = None
    for properties in tc:
        if properties.tag != _TC_PR:
            continue
        for child in properties:
            tag = child.tag
            if tag == _GRID_SPAN and span is None:
                span = child
            elif tag == _V_MERGE and merge is None:
                merge = child
        if span is not None and merge is not None:
            break
    return span, merge


def _int_val(element: etree._Element | None, default: int) -> int:
    if element is None:
        return default
    value = element.get(_VAL) or ""
    return int(value) if value.isdigit() and 0 < int(value) <= 64 else default


def _slivers(tbl: etree._Element) -> frozenset[int]:
    """The table grid's columns narrower than SAME_EDGE: left by a border nudged in one row,
    they are not columns of their own (a cell over one only is kept if it holds text)."""
    widths = [
        _int(col.get(_w("w")))
        for grid in tbl.iterchildren(_w("tblGrid"))
        for col in grid.iterchildren(_w("gridCol"))
    ]
    if len(widths) < 2 or None in widths:
        return frozenset()
    return frozenset(i for i, width in enumerate(widths) if width is not None and width < SAME_EDGE)


def _columns(slivers: frozenset[int], start: int, end: int) -> int:
    """How many of the grid's columns start..end-1 are not slivers."""
    if not slivers:
        return max(end - start, 0)
    return sum(c not in slivers for c in range(start, end))


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else None


def _grid_before(tr: etree._Element) -> int:
    return _int_val(_find(tr, *_GRID_BEFORE), 0)


def paragraph_text(p: etree._Element) -> str:
    out: list[str] = []
    _inline(p, out)
    return norm("".join(out))


def _inline(element: etree._Element, out: list[str]) -> None:
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == _T:
            out.append((child.text or "").translate(PRIVATE_USE))
        elif tag in _SPACE_TAGS:
            out.append(" ")
        elif tag == _NO_BREAK_HYPHEN:
            out.append("-")
        elif tag == _SYM:
            out.append(_symbol(child))
        elif tag == _SDT and (box := _content_checkbox(child)) is not None:
            out.append(box)
        elif tag == _SDT and _find(child, *_PLACEHOLDER) is not None:
            continue  # "Click or tap here to enter text.": a blank field, not a value
        elif tag == _FLD_CHAR and (box := _legacy_checkbox(child)) is not None:
            out.append(box)
        else:
            _inline(child, out)


def _symbol(sym: etree._Element) -> str:
    font = sym.get(_w("font")) or ""
    try:
        code = int(sym.get(_w("char")) or "", 16)
    except ValueError:
        return ""
    char = SYMBOLS.get(font, {}).get(code & 0xFF)
    return char if char is not None else ""


def _content_checkbox(sdt: etree._Element) -> str | None:
    """A Word 2010+ checkbox content control: its state, whatever glyph it shows."""
    box = _find(sdt, *_CHECKBOX_CONTROL)
    if box is None:
        return None
    checked = _find(box, f"{{{W14}}}checked")
    value = checked.get(f"{{{W14}}}val") if checked is not None else "0"
    return CHECKED if value in ("1", "true", "on") else UNCHECKED


def _legacy_checkbox(fld: etree._Element) -> str | None:
    """A legacy FORMCHECKBOX field: w:checked overrides w:default."""
    if fld.get(_w("fldCharType")) != "begin":
        return None
    box = _find(fld, *_LEGACY_CHECKBOX)
    if box is None:
        return None
    state = _find(box, _w("checked"))
    if state is None:
        state = _find(box, _w("default"))
    if state is None:
        return UNCHECKED
    return CHECKED if state.get(_w("val")) in (None, "1", "true", "on") else UNCHECKED
