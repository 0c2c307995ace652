"""PDF: the text layer page by page, fillable-form fields, and scanned pages recognised."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader
from pypdf.errors import DependencyError, PdfReadError
from pypdf.generic import DictionaryObject

from .model import Extract, Limits, Unreadable, norm

PROTECTED = "password-protected, cannot be read; please ask for an unprotected copy"
ENCRYPTED = "encrypted, cannot be read; please ask for an unprotected copy"
_RADIO = 1 << 15


def read_pdf(data: bytes, limits: Limits) -> Extract:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise Unreadable("damaged (not a valid PDF); please ask for a fresh copy") from exc
    if reader.is_encrypted:
        _open_encrypted(reader)
    found = Extract()
    pages = reader.pages
    count = len(pages)
    if count > limits.max_pages:
        found.problems.append(f"has {count} pages; only the first {limits.max_pages} were read")
    blank: list[int] = []
    scanned = 0
    for number in range(1, min(count, limits.max_pages) + 1):
        page = pages[number - 1]
        lines = [norm(line) for line in (page.extract_text() or "").splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            blank.append(number)
            scanned += _has_image(page)
        for index, line in enumerate(lines, 1):
            found.lines.append((f"page {number}, line {index}", line))
    _form_fields(reader, found)
    if blank and not found.lines and not found.tables:
        what = "a scanned image" if scanned else "no readable text"
        found.problems.append(
            f"no text layer ({what}); cannot be read automatically: "
            "please ask for the Word version or enter it by hand"
        )
    elif blank:
        listed = ", ".join(str(n) for n in blank)
        found.problems.append(
            f"page(s) {listed} have no text layer (scanned?); "
            "check them by hand or ask for the Word version"
        )
    return found


def _open_encrypted(reader: PdfReader) -> None:
    """Many PDFs are 'protected' only against editing, with an empty open password."""
    try:
        opened = reader.decrypt("")
    except (DependencyError, NotImplementedError, PdfReadError) as exc:
        raise Unreadable(ENCRYPTED) from exc
    if not opened:
        raise Unreadable(PROTECTED)


def _has_image(page: Any) -> int:
    try:
        resources = page.get("/Resources")
        xobjects = resources.get_object().get("/XObject") if resources is not None else None
        if xobjects is None:
            return 0
        for ref in xobjects.get_object().values():
            if ref.get_object().get("/Subtype") == "/Image":
                return 1
    except (AttributeError, KeyError, TypeError, PdfReadError):
        return 0
    return 0


def _form_fields(reader: PdfReader, found: Extract) -> None:
    try:
        fields = reader.get_fields() or {}
    except (PdfReadError, KeyError, TypeError, AttributeError, RecursionError):
        found.problems.append("its form fields could not be read; check them by hand")
        return
    rows: list[list[str]] = []
    for name, field in fields.items():
        if not isinstance(field, DictionaryObject) or field.get("/FT") not in (
            "/Tx",
            "/Btn",
            "/Ch",
        ):
            continue
        label = norm(str(field.get("/TU") or name))
        rows.append([label, _field_value(field)])
    if rows:
        found.tables.append(("form fields", rows))


def _field_value(field: DictionaryObject) -> str:
    value = field.get("/V")
    if field.get("/FT") != "/Btn":
        if isinstance(value, list):
            return norm(", ".join(str(v) for v in value))
        return norm(str(value)) if value is not None else ""
    if value is None or str(value) == "/Off":
        return "☐"
    flags = field.get("/Ff")
    if isinstance(flags, int) and flags & _RADIO:
        return norm(str(value).lstrip("/"))
    return "☒"
