"""Guards for zip-based documents: refuse ones that would expand past the limit."""

from __future__ import annotations

import io
import zipfile
import zlib

from .model import Limits, Unreadable

MAX_MEMBERS = 5_000
_CHUNK = 1 << 16
DAMAGED = "damaged (not a valid Word file); please ask for a fresh copy"
# What reading a member can raise when the zip or its deflate stream is broken.
_BROKEN = (
    zipfile.BadZipFile,
    zlib.error,
    OSError,
    ValueError,
    EOFError,
    NotImplementedError,
)


class LimitedZip:
    """A zip whose members are inflated only when read, and only within the limit.

    The declared sizes in the central directory are checked when it is opened (so a zip bomb
    is refused without inflating anything); each member read is then streamed and counted
    against the limit, stopping as soon as the real total passes it, in case the declared
    sizes lie. Members never read are never inflated: a Word file's styles alone are most of
    its expanded size, and the reader needs three of its parts.
    """

    def __init__(self, archive: zipfile.ZipFile, limits: Limits) -> None:
        self._archive = archive
        self._limits = limits
        self._total = 0

    def namelist(self) -> list[str]:
        return self._archive.namelist()

    def read(self, name: str) -> bytes:
        """The member's bytes; KeyError when there is none, Unreadable when it is broken or
        takes the document past the limit."""
        member = self._archive.getinfo(name)
        chunks: list[bytes] = []
        try:
            with self._archive.open(member) as stream:
                while chunk := stream.read(_CHUNK):
                    self._total += len(chunk)
                    if self._total > self._limits.max_expanded_bytes:
                        raise Unreadable(_too_big(self._limits))
                    chunks.append(chunk)
        except _BROKEN as exc:
            raise Unreadable(DAMAGED) from exc
        return b"".join(chunks)


def open_zip(data: bytes, limits: Limits) -> LimitedZip:
    """Open `data` as a zip after checking its declared sizes against `limits` and that no
    member is encrypted; its members are read through LimitedZip.read."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise Unreadable(DAMAGED) from exc
    if len(members) > MAX_MEMBERS:
        raise Unreadable(_too_big(limits))
    if sum(m.file_size for m in members) > limits.max_expanded_bytes:
        raise Unreadable(_too_big(limits))
    if any(member.flag_bits & 0x1 for member in members):
        raise Unreadable("password-protected, cannot be read; please ask for an unprotected copy")
    return LimitedZip(archive, limits)


def _too_big(limits: Limits) -> str:
    return (
        f"expands past the {limits.max_expanded_bytes:,}-byte limit (possible zip bomb); "
        "not read, please enter it by hand or ask for a smaller copy"
    )
