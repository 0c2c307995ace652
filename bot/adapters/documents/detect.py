"""Decide what a file is: by its first bytes, then by its name and declared type."""

from __future__ import annotations

import enum


class Kind(enum.Enum):
    EMPTY = "empty"
    PDF = "pdf"
    ZIP = "zip"  # .docx / .docm, or some other zip
    OLE = "ole"  # .doc, an encrypted .docx, an Outlook .msg...
    RTF = "rtf"
    TNEF = "tnef"
    EMAIL = "email"
    HTML = "html"
    TEXT = "text"
    IMAGE = "image"
    UNKNOWN = "unknown"


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TNEF_MAGIC = b"\x78\x9f\x3e\x22"
_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*", b"BM")
_BY_EXTENSION = {
    "pdf": Kind.PDF,
    "docx": Kind.ZIP,
    "docm": Kind.ZIP,
    "dotx": Kind.ZIP,
    "dotm": Kind.ZIP,
    "doc": Kind.OLE,
    "dot": Kind.OLE,
    "msg": Kind.OLE,
    "rtf": Kind.RTF,
    "dat": Kind.TNEF,
    "eml": Kind.EMAIL,
    "htm": Kind.HTML,
    "html": Kind.HTML,
    "txt": Kind.TEXT,
    "csv": Kind.TEXT,
    "jpg": Kind.IMAGE,
    "jpeg": Kind.IMAGE,
    "png": Kind.IMAGE,
    "gif": Kind.IMAGE,
    "tif": Kind.IMAGE,
    "tiff": Kind.IMAGE,
    "bmp": Kind.IMAGE,
    "heic": Kind.IMAGE,
}
_BY_TYPE = {
    "application/pdf": Kind.PDF,
    "application/msword": Kind.OLE,
    "application/rtf": Kind.RTF,
    "text/rtf": Kind.RTF,
    "application/ms-tnef": Kind.TNEF,
    "application/vnd.ms-tnef": Kind.TNEF,
    "message/rfc822": Kind.EMAIL,
    "text/html": Kind.HTML,
    "text/plain": Kind.TEXT,
    "text/csv": Kind.TEXT,
}


def detect(filename: str, content_type: str, data: bytes) -> Kind:
    if not data:
        return Kind.EMPTY
    head = data[:1024]
    if b"%PDF-" in head:
        return Kind.PDF
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return Kind.ZIP
    if data.startswith(OLE_MAGIC):
        return Kind.OLE
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        return Kind.RTF
    if data.startswith(TNEF_MAGIC):
        return Kind.TNEF
    if data.startswith(_IMAGE_MAGIC):
        return Kind.IMAGE
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    ctype = content_type.split(";")[0].strip().lower()
    # A name or type that promises a binary format the bytes above did not match stays what
    # it claims, so the reader reports it as damaged rather than guessing.
    kind = _BY_TYPE.get(ctype) or _BY_EXTENSION.get(ext)
    if kind is not None:
        return kind
    if ctype.startswith("image/"):
        return Kind.IMAGE
    if ctype.startswith("text/"):
        return Kind.TEXT
    if _looks_like_text(head):
        return Kind.TEXT
    return Kind.UNKNOWN


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    control = sum(1 for byte in head if byte < 0x09 or 0x0E <= byte < 0x20)
    return control * 20 < len(head)
