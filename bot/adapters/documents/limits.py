"""Guards for zip-based documents: refuse ones that would expand past the limit."""

from __future__ import annotations

import io
import zipfile
import zlib

from .model import Limits, Unreadable

MAX_MEMBERS = 5_000
_CHUNK = 1 << 16


def open_zip(data: bytes, limits: Limits) -> zipfile.ZipFile:
    """Open `data` as a zip after checking it will not expand past `limits`.

    The declared sizes in the central directory are checked first (so a zip bomb is refused
    without inflating anything); then every member is streamed and counted, stopping as soon
    as the real total passes the limit, in case the declared sizes lie.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise Unreadable("damaged (not a valid Word file); please ask for a fresh copy") from exc
    if len(members) > MAX_MEMBERS:
        raise Unreadable(_too_big(limits))
    if sum(m.file_size for m in members) > limits.max_expanded_bytes:
        raise Unreadable(_too_big(limits))
    total = 0
    try:
        for member in members:
            if member.flag_bits & 0x1:
                raise Unreadable(
                    "password-protected, cannot be read; please ask for an unprotected copy"
                )
            with archive.open(member) as stream:
                while chunk := stream.read(_CHUNK):
                    total += len(chunk)
                    if total > limits.max_expanded_bytes:
                        raise Unreadable(_too_big(limits))
    except (
        zipfile.BadZipFile,
        zlib.error,
        OSError,
        ValueError,
        EOFError,
        NotImplementedError,
    ) as exc:
        raise Unreadable("damaged (not a valid Word file); please ask for a fresh copy") from exc
    return archive


def _too_big(limits: Limits) -> str:
    return (
        f"expands past the {limits.max_expanded_bytes:,}-byte limit (possible zip bomb); "
        "not read, please enter it by hand or ask for a smaller copy"
    )
