"""MailSource over a local Maildir, for development and for servers that deliver to disk."""

from __future__ import annotations

import hashlib
import logging
import mailbox
import os
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.adapters.junk_look import JunkListing, maildir_junk
from bot.adapters.listing import BATCH_BYTES, BATCH_MESSAGES, Listed, Rounds
from bot.adapters.mail_source import (
    Batch,
    Cursor,
    Fingerprint,
    Found,
    IncomingMail,
    MailboxError,
    MailboxFacts,
    MessageGone,
    Moved,
    Moves,
)
from bot.adapters.private_files import make_private_dir

log = logging.getLogger(__name__)

_POLL_STEP = 0.2  # seconds between directory scans in wait()


_PARTS = ("cur", "new", "tmp")


def not_a_maildir(path: Path) -> str | None:
    """Why `path` cannot be used as a Maildir inbox: something other than a Maildir is there.
    None when it is a Maildir, or when nothing is there yet (no path, or an empty folder) and
    one may be made."""
    if not path.exists():
        return None
    if path.is_dir():
        if all((path / part).is_dir() for part in _PARTS):
            return None
        try:
            if not any(path.iterdir()):
                return None
        except OSError as exc:
            return f"cannot read Maildir {path}: {exc.strerror}"
    return (
        f"Maildir {path} exists but is not a Maildir (no cur/new/tmp); point [mailbox] "
        "maildir_path at the Maildir mail is delivered to, or at a path where nothing is yet"
    )


class MaildirSource:
    def __init__(
        self,
        path: Path,
        processed_folder: str = "Processed",
        attention_folder: str = "",
        *,
        batch_messages: int = BATCH_MESSAGES,
        batch_bytes: int = BATCH_BYTES,
    ) -> None:
        """A fetch returns at most `batch_messages` messages and `batch_bytes` of mail (at
        least one message): what one batch holds in memory while it is handled."""
        self.path = Path(path)
        self._rounds = Rounds("maildir", batch_messages, batch_bytes)
        self.processed_folder = processed_folder
        self.attention_folder = attention_folder
        # A fresh install has no inbox yet; a mistyped path has none either, and would be
        # watched, empty, for ever: so making one is said, in the log and by `doctor`.
        # Something else already there (a folder of .eml files, a file) is never taken for
        # an empty inbox: nothing would be read from it, and nobody told.
        problem = not_a_maildir(self.path)
        if problem is not None:
            raise MailboxError(problem)
        self.created_inbox = not (self.path / "cur").is_dir()
        try:
            # mailbox creates only the last folder; a fresh install has no var/mail yet.
            make_private_dir(self.path.parent)
            if self.created_inbox and self.path.is_dir():
                # An empty folder made ready for it: mailbox fills in only a path not there.
                for part in _PARTS:
                    make_private_dir(self.path / part)
            self._box = mailbox.Maildir(self.path, factory=None, create=True)
        except OSError as exc:
            raise MailboxError(f"cannot open Maildir {self.path}: {exc}") from None
        if self.created_inbox:
            log.warning("%s", self.created_note())

    def created_note(self) -> str:
        return (
            f"Maildir {self.path} did not exist: created it empty; if mail is delivered "
            "somewhere else, check [mailbox] maildir_path"
        )

    def fetch(self, since: Cursor | None, arrived_since: datetime | None = None) -> Batch:
        """The next bounded batch of the inbox as listed at the round's start
        (bot.adapters.listing). Every message still in the inbox is pending (processed ones
        have been moved out), so a round always lists the whole inbox."""
        try:
            return self._rounds.fetch(since, arrived_since, self._list_round, self._read_all)
        except OSError as exc:
            raise MailboxError(f"cannot read Maildir {self.path}: {exc}") from None

    def _list_round(self, state: str) -> tuple[list[Listed], str]:
        listed = []
        for key, path in sorted(self._paths().items()):
            try:
                found = path.stat()
            except FileNotFoundError:
                continue  # moved away since the listing
            listed.append(Listed(key, datetime.fromtimestamp(found.st_mtime, UTC), found.st_size))
        return listed, ""

    def _read_all(self, items: list[Listed]) -> list[IncomingMail]:
        return [
            IncomingMail(key=item.ident, raw=raw, arrived_at=item.arrived)
            for item in items
            if (raw := self._read(item.ident)) is not None
        ]

    def probe(self) -> MailboxFacts:
        """The folders exist and this user may write to them (creating Processed and the
        needs-attention folder when missing): what `doctor` reports."""
        try:
            created = []
            for name in (self.processed_folder, self.attention_folder):
                if name and not (self.path / f".{name}").is_dir():
                    self._box.add_folder(name)
                    created.append(name)
            folders = tuple(self._box.list_folders())
            for folder in [self.path, *(self.path / f".{f}" for f in folders)]:
                if not os.access(folder, os.W_OK | os.X_OK):
                    raise MailboxError(f"Maildir {folder} is not writable by this user")
            count = len(self._box.keys())
        except OSError as exc:
            raise MailboxError(f"cannot use Maildir {self.path}: {exc}") from None
        return MailboxFacts(folders, count, tuple(created), self.created_inbox)

    def mark_processed(self, key: str) -> None:
        # "Folder/KEY": a message set aside in a Maildir++ folder; a bare KEY is in the inbox.
        folder, _, key = key.rpartition("/")
        where = self.path / f".{folder}" if folder else self.path
        processed = self.path / f".{self.processed_folder}"
        try:
            source = self._file_of(key, where)
            if source is None:
                # A retry after the move already happened is fine, like IMAP's.
                if self._file_of(key, processed) is None:
                    raise MessageGone(f"no message {key!r} in Maildir {self.path}")
                return
            self._box.add_folder(self.processed_folder)  # creates the Maildir++ folder if needed
            target = processed / "cur" / source.name
            # A rename within one Maildir is atomic and keeps bytes and flags untouched.
            os.rename(source, target)
        except OSError as exc:
            raise MailboxError(f"cannot move {key} in {self.path}: {exc}") from None

    def find_and_release(self, mail: Fingerprint) -> Found:
        """Found by its bytes: a file of its size whose SHA-256 is the stored one (a Maildir
        file keeps its bytes exactly, whatever its name)."""
        try:
            if self.attention_folder:
                found = self._file_like(mail, self.path / f".{self.attention_folder}")
                if found is not None:
                    processed = self.path / f".{self.processed_folder}"
                    self._box.add_folder(self.processed_folder)
                    os.rename(found, processed / "cur" / found.name)
                    return Found.SET_ASIDE
            found = self._file_like(mail, self.path / f".{self.processed_folder}")
        except OSError as exc:
            raise MailboxError(f"cannot look for a message in {self.path}: {exc}") from None
        return Found.NOWHERE if found is None else Found.PROCESSED

    def mark_processed_many(self, keys: list[str], budget_seconds: float) -> Moves:
        # A rename each: there is no connection to lose, only a disk that may fail.
        moves = Moves()
        deadline = time.monotonic() + budget_seconds
        for key in keys:
            if time.monotonic() >= deadline:
                moves.error = f"moving in Maildir {self.path} stopped after {budget_seconds:g} s"
                break
            try:
                self.mark_processed(key)
            except MessageGone:
                moves.done[key] = Moved.GONE
            except MailboxError as exc:
                moves.error = str(exc)
                break
            else:
                moves.done[key] = Moved.MOVED
        return moves

    def set_aside(self, key: str) -> str | None:
        if not self.attention_folder:
            return None
        try:
            source = self._file_of(key, self.path)
            if source is None:
                raise MessageGone(f"no message {key!r} in Maildir {self.path}")
            self._box.add_folder(self.attention_folder)
            os.rename(source, self.path / f".{self.attention_folder}" / "cur" / source.name)
        except OSError as exc:
            raise MailboxError(f"cannot move {key} in {self.path}: {exc}") from None
        return f"{self.attention_folder}/{key}"

    def wait(self, timeout: float) -> bool:
        before = self._file_names()
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            time.sleep(min(_POLL_STEP, remaining))
            if not self._file_names() <= before:
                return True
        return False

    def junk(self, known: frozenset[str]) -> JunkListing | None:
        return maildir_junk(self.path, known)

    def close(self) -> None:
        """Nothing is held open between calls."""

    def _paths(self) -> dict[str, Path]:
        """Each inbox message's current file, by key, from one listing of new/ and cur/."""
        return {
            name.split(self._box.colon, 1)[0]: self.path / sub / name
            for sub in ("new", "cur")
            for name in self._names_in(self.path / sub)
        }

    def _read(self, key: str) -> bytes | None:
        """The file exactly as stored, or None if another process just moved it away."""
        # get_file, unlike get_bytes, does no line-ending translation.
        try:
            with self._box.get_file(key) as handle:
                return handle.read()
        except (KeyError, FileNotFoundError):
            return None

    def _file_of(self, key: str, folder: Path) -> Path | None:
        """The message's current file in folder (new/KEY or cur/KEY:2,FLAGS), if any."""
        for sub in ("new", "cur"):
            for name in self._names_in(folder / sub):
                if name.split(self._box.colon, 1)[0] == key:
                    return folder / sub / name
        return None

    def _file_like(self, mail: Fingerprint, folder: Path) -> Path | None:
        """The file in folder holding exactly the stored bytes; only files of their size are
        read."""
        for sub in ("new", "cur"):
            for name in self._names_in(folder / sub):
                path = folder / sub / name
                if path.stat().st_size == mail.size and _sha256(path) == mail.sha256:
                    return path
        return None

    def _file_names(self) -> set[str]:
        try:
            return set(self._names_in(self.path / "new")) | set(self._names_in(self.path / "cur"))
        except OSError as exc:
            raise MailboxError(f"cannot list Maildir {self.path}: {exc}") from None

    def _names_in(self, directory: Path) -> list[str]:
        if not directory.is_dir():
            return []  # e.g. the Processed folder before the first move
        return [name for name in os.listdir(directory) if not name.startswith(".")]


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
