"""The text of one document as the readers hand it to the form engine.

A reader (Word, PDF, email body) turns a document into lines of text and tables of cells;
the form engine (`bot.core.forms`) only ever sees these types. Every piece keeps `where` it
came from ("SIN form.docx, table 2", "email body, line 7") so a person can check a value
against the document.
"""

from __future__ import annotations

from dataclasses import dataclass

# The source a message's own text is read as; an email forwarded in it is prefixed with whose.
BODY = "email body"


@dataclass(frozen=True)
class Table:
    """One table: rows of normalised cell text, in document order."""

    where: str
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Line:
    """One line (or paragraph) of running text, in document order."""

    where: str
    text: str


@dataclass(frozen=True)
class DocumentText:
    """Everything a reader found in one document.

    `problems` are the reader's own notes (a table it could not read, a password-protected
    file), each starting with the source it is about ("SIN form.docx: ..."), as a person is
    shown it. `original_sender` is the address a forwarded message came from, when the reader
    found one: the referrer's address when the form itself gives none.
    """

    source: str
    lines: tuple[Line, ...]
    tables: tuple[Table, ...]
    problems: tuple[str, ...]
    original_sender: str | None = None
    # True when the reader refused or failed on the whole document (too big, damaged,
    # password-protected): nothing of it was read, so a form in it cannot have been seen.
    unread: bool = False
