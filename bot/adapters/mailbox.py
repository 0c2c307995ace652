"""The one small interface every incoming mailbox backend implements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Cursor:
    """Where a backend got to: for IMAP the folder's UIDVALIDITY and the highest UID seen."""

    uidvalidity: int
    last_uid: int


@dataclass(frozen=True)
class IncomingMail:
    key: str  # backend-specific handle passed back to mark_processed (IMAP: "<uidvalidity>:<uid>")
    raw: bytes


@dataclass(frozen=True)
class Batch:
    messages: list[IncomingMail]
    cursor: Cursor | None


class MailboxError(Exception):
    """The mailbox could not be reached or refused an operation; safe to retry later."""


class MailSource(Protocol):
    def fetch(self, since: Cursor | None) -> Batch:
        """Return waiting messages without marking them read.

        With since=None (or a UIDVALIDITY that no longer matches) every message in the inbox is
        returned; otherwise only those newer than since.last_uid.
        """
        ...

    def mark_processed(self, key: str) -> None:
        """Move the message out of the inbox; called only after the database commit."""
        ...

    def wait(self, timeout: float) -> bool:
        """Block until new mail may have arrived (IMAP IDLE) or the timeout passes.

        True when woken early because something changed; False when the time simply ran out.
        """
        ...

    def close(self) -> None: ...
