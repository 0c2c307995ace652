"""Files only the bot's own user may read: the SQLite database, the Maildir folders, exports.

They hold raw emails about children. The process runs with umask 077 (set by the command
line), and every file or folder the bot creates gets an explicit mode as well, so a library
that ignores the umask, or a test that calls an adapter directly, still makes them private.
`exposed` is the check the daemon makes before it starts.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

PRIVATE_UMASK = 0o077
FILE_MODE = 0o600
DIR_MODE = 0o700

# Others may not read (nor enter) it, and no group may change it. Group read is allowed: a
# council may give a backup or audit group read access on purpose.
_WORLD = stat.S_IROTH | stat.S_IWOTH | stat.S_IXOTH
_GROUP_WRITE = stat.S_IWGRP


def make_private_dir(path: Path) -> None:
    """Create `path` (and missing parents) as 0700; an existing folder is left as it is."""
    if path.is_dir():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.mkdir(mode=DIR_MODE)
    except FileExistsError:
        return
    os.chmod(path, DIR_MODE)  # mkdir's mode is filtered by the umask; say it exactly


def create_private_file(path: Path) -> None:
    """Create an empty 0600 file when there is none (SQLite then keeps that mode, and gives
    its -wal and -shm files the same); an existing file is not touched."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return
    os.close(fd)
    os.chmod(path, FILE_MODE)


def open_private_new(path: Path) -> int:
    """A new file opened for writing as 0600; refuses to overwrite one that exists."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    os.fchmod(fd, FILE_MODE)
    return fd


def exposure(path: Path) -> str | None:
    """Why `path` is not private enough, or None. Missing paths are nobody's problem yet."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None
    if mode & _WORLD:
        who = "readable by every user on this machine" if mode & stat.S_IROTH else "open to others"
        return f"{path} is {who} (mode {stat.S_IMODE(mode):04o})"
    if mode & _GROUP_WRITE:
        return f"{path} can be changed by its group (mode {stat.S_IMODE(mode):04o})"
    return None


def exposed_database(db_file: Path) -> str | None:
    """One line saying what is wrong with the SQLite file (or its journal) and the fix."""
    for path in (db_file, Path(f"{db_file}-wal"), Path(f"{db_file}-shm")):
        problem = exposure(path)
        if problem is not None:
            return f"{problem}; it holds raw emails about children: chmod 600 {db_file}*"
    return None


def exposed_maildir(folder: Path) -> str | None:
    """The Maildir folder and the folders inside it (cur, new, tmp, .Processed ...): private
    folders keep every message file in them private, whatever the file's own mode."""
    for path in _folders(folder):
        problem = exposure(path)
        if problem is not None:
            return f"{problem}; it holds raw emails about children: chmod -R go-rwx {folder}"
    return None


def _folders(folder: Path) -> Iterable[Path]:
    if not folder.is_dir():
        return []
    return [folder, *sorted(p for p in folder.iterdir() if p.is_dir())]
