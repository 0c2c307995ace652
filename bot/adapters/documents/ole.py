"""OLE compound files: old Word (.doc) is read (bot.adapters.documents.word97); encrypted
Office files and Outlook .msg are recognised so the flag says what to ask for."""

from __future__ import annotations

import struct

import olefile

from .model import Extract, Unreadable
from .word97 import read_doc

PROTECTED = "password-protected, cannot be read; please ask for an unprotected copy"
_F_ENCRYPTED = 0x0100  # FIB base flags: fEncrypted (fObfuscated goes with it)


def read_ole(data: bytes) -> Extract:
    """An old Word document's text; Unreadable, saying why, for anything else."""
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
            return read_doc(ole)
        if any(name.startswith("__substg1.0_") for name in streams):
            raise Unreadable(
                "Outlook message file (.msg): not read; please ask for the form itself "
                "(.docx or PDF) or for the email to be forwarded as an attachment"
            )
        raise Unreadable("an old Office format that is not a Word form; please send .docx or PDF")
    finally:
        ole.close()
