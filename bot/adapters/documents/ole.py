"""OLE compound files: old Word (.doc), encrypted Office files, Outlook .msg. None is read;
each is recognised so the flag says what to ask for."""

from __future__ import annotations

import struct

import olefile

from .model import Unreadable

PROTECTED = "password-protected, cannot be read; please ask for an unprotected copy"
OLD_WORD = (
    "old Word format (.doc): cannot be read automatically; "
    "please re-send as .docx or PDF, or enter it by hand"
)
_F_ENCRYPTED = 0x0100  # FIB base flags: fEncrypted


def classify_ole(data: bytes) -> str:
    """The reason this OLE file is not read (always raises Unreadable)."""
    try:
        ole = olefile.OleFileIO(data)
    except (OSError, ValueError, struct.error, IndexError) as exc:
        raise Unreadable("damaged Office file; please ask for a fresh copy") from exc
    try:
        streams = ["/".join(path) for path in ole.listdir(streams=True, storages=True)]
        if "EncryptionInfo" in streams and "EncryptedPackage" in streams:
            raise Unreadable(PROTECTED)
        if "WordDocument" in streams:
            fib = ole.openstream("WordDocument").read(12)
            if len(fib) >= 12 and struct.unpack_from("<H", fib, 10)[0] & _F_ENCRYPTED:
                raise Unreadable(PROTECTED)
            raise Unreadable(OLD_WORD)
        if any(name.startswith("__substg1.0_") for name in streams):
            raise Unreadable(
                "Outlook message file (.msg): not read; please ask for the form itself "
                "(.docx or PDF) or for the email to be forwarded as an attachment"
            )
        raise Unreadable("an old Office format that is not a Word form; please send .docx or PDF")
    finally:
        ole.close()
