"""Plain text and HTML: bodies, pasted forms, .txt and .htm attachments."""

from __future__ import annotations

from html.parser import HTMLParser

from bot.adapters.body_text import html_to_text

from .model import Extract, norm


def decode_text(data: bytes) -> str:
    """UTF-8 or UTF-16 when marked or valid, else the Windows code page UK offices use."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("windows-1252", "replace")


def text_lines(text: str, found: Extract) -> None:
    """Each non-blank line, numbered as it stands in the text (blank lines count)."""
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        line = norm(raw)
        if line:
            found.lines.append((f"line {number}", line))


def read_text(data: bytes) -> Extract:
    found = Extract()
    text_lines(decode_text(data), found)
    return found


def read_html(data: bytes) -> Extract:
    html = decode_text(data)
    found = Extract()
    text_lines(html_to_text(html), found)
    html_tables(html, found)
    return found


class _Tables(HTMLParser):
    """Every <table> as rows of cell texts; a nested table is a table of its own."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.done: list[list[list[str]]] = []
        self._open: list[tuple[list[list[str]], list[str] | None, list[str] | None]] = []
        self._skip = 0
        self._span = 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "head", "title"):
            self._skip += 1
        elif tag == "table":
            self._open.append(([], None, None))
        elif self._open and tag == "tr":
            rows, _, _ = self._open[-1]
            self._open[-1] = (rows, [], None)
        elif self._open and tag in ("td", "th"):
            rows, row, _ = self._open[-1]
            self._open[-1] = (rows, row if row is not None else [], [])
            span = dict(attrs).get("colspan") or "1"
            self._span = int(span) if span.isdigit() and 0 < int(span) <= 50 else 1
        elif self._open and tag in ("br", "p", "div", "li"):
            self._data(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head", "title"):
            self._skip = max(0, self._skip - 1)
        elif not self._open:
            return
        elif tag in ("td", "th"):
            self._end_cell()
        elif tag == "tr":
            self._end_cell()
            rows, row, _ = self._open[-1]
            if row:
                rows.append(row)
            self._open[-1] = (rows, None, None)
        elif tag == "table":
            self.handle_endtag("tr")
            rows, _, _ = self._open.pop()
            if rows:
                self.done.append(rows)

    def _end_cell(self) -> None:
        rows, row, cell = self._open[-1]
        if row is not None and cell is not None:
            row.extend([norm("".join(cell))] * self._span)
            self._open[-1] = (rows, row, None)

    def _data(self, data: str) -> None:
        if self._open and not self._skip:
            cell = self._open[-1][2]
            if cell is not None:
                cell.append(data)

    def handle_data(self, data: str) -> None:
        self._data(data)


def html_tables(html: str, found: Extract) -> None:
    for number, rows in _numbered_tables(html):
        found.tables.append((f"table {number}", rows))


def body_tables(html: str) -> dict[int, list[list[str]]]:
    """The tables of an email's HTML by the number the reader gives them ("table 2"); none
    when the HTML defeats the parser, as the reader then read no table from it either."""
    try:
        return dict(_numbered_tables(html))
    except Exception:  # the reader's own failure is noted on the message already
        return {}


def _numbered_tables(html: str) -> list[tuple[int, list[list[str]]]]:
    parser = _Tables()
    parser.feed(html)
    parser.close()
    return [
        (number, rows)
        for number, rows in enumerate(parser.done, 1)
        if any(any(cell for cell in row) for row in rows)
    ]
