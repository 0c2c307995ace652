"""A start-up check's pass, remembered on disk by a digest of everything the check reads.

Reading every template against its example takes most of a second, and `run --once` from cron
paid it at every start for files that had not changed since the last one. A pass is kept as a
file named by the check, holding the digest of its inputs; a start whose inputs give the same
digest has nothing new to check. Only a pass is kept: a failing check runs again each time, so
that it says what is wrong. A computation's result is kept the same way (keep_result: England's
bank holidays, whose package costs `status` a seventh of its start), under the same digest line.

The file lives in the per-user folder the compiled templates use (`_jinja2-cache-<uid>` in
the temporary directory: made 0700, owned by the bot's user). Anything there that another user
could have written (a folder or file not ours, or writable by a group or everyone), a link,
or a file that cannot be read or does not hold the digest, is not a pass: the check runs (or
the computation is made again).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

_MOST = 256  # a digest and its label; anything longer was not written here


def private_folder() -> Path | None:
    """The bot user's cache folder, made 0700 if missing; None when it is not private."""
    folder = Path(tempfile.gettempdir(), f"_jinja2-cache-{os.getuid()}")
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=0o700)
    return folder if _private(folder) else None


def digest_of(folders: Iterable[Path], files: Iterable[Path], said: Iterable[str]) -> str | None:
    """Every file under the folders (path, mode and bytes), the files, and the lines said, as
    one digest; None when any cannot be read, so that the check itself says what is wrong."""
    digest = hashlib.sha256()
    try:
        for folder in folders:
            digest.update(f"folder {folder}\0".encode())
            for root, dirs, names in os.walk(folder, onerror=_raise):
                dirs.sort()
                for name in sorted(names):
                    _add(digest.update, Path(root, name))
        for path in files:
            _add(digest.update, path)
    except OSError:
        return None
    for line in said:
        digest.update(f"said {line}\0".encode())
    return digest.hexdigest()


def passed_before(folder: Path | None, check: str, digest: str) -> bool:
    """Whether `check` passed on inputs of this digest, by a file only this user could write
    in a folder only this user could write."""
    return _read_private(folder, check, _MOST) == _line(check, digest)


def remember_pass(folder: Path | None, check: str, digest: str) -> None:
    """Keep the pass (0600, written whole then renamed into place). A folder that cannot be
    written only costs the next start the check."""
    _write_private(folder, check, _line(check, digest))


def kept_result(folder: Path | None, name: str, digest: str, most: int) -> bytes | None:
    """What a computation on inputs of this digest gave, as kept by keep_result under the
    same rules as a pass; None when there is none (or not one this user alone wrote)."""
    found = _read_private(folder, name, most)
    head = _line(name, digest)
    if found is None or not found.startswith(head):
        return None
    return found[len(head) :]


def keep_result(folder: Path | None, name: str, digest: str, result: bytes) -> None:
    """Keep `result` for the next start whose inputs give the same digest."""
    _write_private(folder, name, _line(name, digest) + result)


def _read_private(folder: Path | None, name: str, most: int) -> bytes | None:
    if folder is None or not _private(folder):
        return None
    try:
        fd = os.open(folder / name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        found = os.fstat(fd)
        if not stat.S_ISREG(found.st_mode) or not _ours(found):
            return None
        return os.read(fd, most + 1)  # one byte over: a longer file was not written here
    except OSError:
        return None
    finally:
        os.close(fd)


def _write_private(folder: Path | None, name: str, data: bytes) -> None:
    if folder is None:
        return
    with contextlib.suppress(OSError):
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}-")  # made 0600
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
            os.replace(temporary, folder / name)
        except OSError:
            os.unlink(temporary)
            raise


def _private(folder: Path) -> bool:
    try:
        found = folder.lstat()
    except OSError:
        return False
    return stat.S_ISDIR(found.st_mode) and _ours(found)


def _ours(found: os.stat_result) -> bool:
    return found.st_uid == os.getuid() and not found.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _line(check: str, digest: str) -> bytes:
    return f"{check} passed {digest}\n".encode()


def _add(update: Callable[[bytes], None], path: Path) -> None:
    update(f"{path} {path.stat().st_mode}\0".encode())
    update(path.read_bytes())


def _raise(error: OSError) -> None:
    raise error  # a folder os.walk cannot list is not "empty"
