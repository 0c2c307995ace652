"""The export archive on disk: one gzip'd tar, created 0600, never overwriting a file.

Inside: `tables/<table>.jsonl` (one JSON object a row), `raw/<table>/<id>.<column>.eml` (each
raw email byte for byte) and `manifest.json` (the format, the schema revision, the row count
and SHA-256 of every member), which is read first on restore and checked against each member.
Anyone can list it with `tar tzf` and read a row with `tar xzOf ... tables/cases.jsonl`.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from bot.adapters.private_files import FILE_MODE

MANIFEST = "manifest.json"
FORMAT = "tscp-bot-export"
FORMAT_VERSION = 1


class ArchiveError(Exception):
    """The archive cannot be written or is not one this bot can read."""


_CUT_SHORT = (
    "{path} ends before the export does (a copy cut short, or a disk that filled); nothing was "
    "restored: copy the whole file again"
)


@contextmanager
def creating(path: Path, mtime: float) -> Iterator[ArchiveWriter]:
    """An archive being written to a private temporary file beside `path`, which becomes
    `path` only when the block ends without error: a failed export leaves no half archive that
    looks whole, and never replaces an existing file."""
    if path.exists():
        raise ArchiveError(f"{path} already exists; export never overwrites a file")
    if not path.parent.is_dir():
        raise ArchiveError(f"there is no folder {path.parent}; create it first, or give another")
    # mkstemp creates the file 0600 whatever the umask.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as file:
            with tarfile.open(fileobj=file, mode="w:gz") as tar:
                writer = ArchiveWriter(tar, mtime)
                yield writer
                writer.add(MANIFEST, json.dumps(writer.manifest, indent=1).encode())
            file.flush()
            os.fsync(file.fileno())
        os.link(tmp, path)  # fails rather than replace a file made meanwhile
    finally:
        os.unlink(tmp)


class ArchiveWriter:
    def __init__(self, tar: tarfile.TarFile, mtime: float) -> None:
        self._tar, self._mtime = tar, mtime
        self.sums: dict[str, str] = {}
        self.manifest: dict[str, Any] = {}

    def add(self, name: str, data: bytes) -> None:
        self.add_stream(name, io.BytesIO(data), len(data))

    def add_stream(self, name: str, stream: IO[bytes], size: int) -> None:
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = size, FILE_MODE, int(self._mtime)
        digest = hashlib.sha256()
        stream.seek(0)
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
        stream.seek(0)
        self._tar.addfile(info, stream)
        self.sums[name] = digest.hexdigest()

    def finish(self, manifest: dict[str, Any]) -> None:
        """What manifest.json will say, with every member's SHA-256, written last."""
        self.manifest = {**manifest, "sha256": dict(self.sums)}


@contextmanager
def reading(path: Path) -> Iterator[ArchiveReader]:
    try:
        tar = tarfile.open(path, mode="r:gz")  # noqa: SIM115 (closed below, after the check)
    except EOFError:
        raise ArchiveError(_CUT_SHORT.format(path=path)) from None
    except FileNotFoundError:
        raise ArchiveError(f"no such file: {path}") from None
    except (OSError, tarfile.TarError) as exc:
        raise ArchiveError(f"{path} is not a tscp-bot export ({exc})") from None
    with tar:
        yield ArchiveReader(tar, path)


class ArchiveReader:
    def __init__(self, tar: tarfile.TarFile, path: Path) -> None:
        self._tar = tar
        try:
            self.manifest: dict[str, Any] = json.loads(self._member(MANIFEST))
        except EOFError:
            # The manifest is written last: a copy cut short never has one.
            raise ArchiveError(_CUT_SHORT.format(path=path)) from None
        except (OSError, tarfile.TarError, KeyError, ValueError) as exc:
            raise ArchiveError(f"{path} is not a tscp-bot export ({exc})") from None
        if self.manifest.get("format") != FORMAT:
            raise ArchiveError(f"{path} is not a tscp-bot export (no {FORMAT} manifest)")
        if self.manifest.get("format_version", 0) > FORMAT_VERSION:
            raise ArchiveError(
                f"{path} was written by a newer tscp-bot (archive format "
                f"{self.manifest.get('format_version')}); upgrade tscp-bot to restore it"
            )

    def read(self, name: str) -> bytes:
        """A member's bytes, checked against the manifest's SHA-256."""
        data = self._member(name)
        if hashlib.sha256(data).hexdigest() != self.manifest["sha256"].get(name):
            raise ArchiveError(f"{name} in the archive is damaged (its SHA-256 does not match)")
        return data

    def _member(self, name: str) -> bytes:
        handle = self._tar.extractfile(name)
        if handle is None:
            raise KeyError(name)
        return handle.read()
