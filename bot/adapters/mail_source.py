"""The one small interface every incoming mailbox backend implements."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class Cursor:
    """Where a backend got to: for IMAP the folder's UIDVALIDITY and the highest UID seen; a
    backend with a sync state of its own (Graph's delta link) keeps it, opaque, in sync_state."""

    uidvalidity: int = 0
    last_uid: int = 0
    sync_state: str = ""

    @classmethod
    def stored(
        cls, uidvalidity: int | None, last_uid: int | None, sync_state: str | None
    ) -> Cursor | None:
        """The cursor kept in the database, or None when nothing usable was kept."""
        if sync_state:
            return cls(uidvalidity or 0, last_uid or 0, sync_state)
        # All zero: a backend that keeps nothing (a Maildir is read whole) finished a round;
        # IMAP never gives UIDVALIDITY 0.
        if uidvalidity is None or last_uid is None or (uidvalidity, last_uid) == (0, 0):
            return None
        return cls(uidvalidity, last_uid)


@dataclass(frozen=True)
class Unreadable:
    """A message the mailbox lists but will not give as bytes, for a reason of its own that
    asking again does not mend (Exchange cannot turn an encrypted S/MIME item into MIME; the
    item is corrupt): what the listing said of it, so that a person can find it."""

    error: str  # the server's answer, one line, naming no one
    message_id: str = ""  # the Internet Message-ID, as the listing gave it
    subject: str = ""
    sender: str = ""
    # Microsoft 365's own API (Graph, EWS), where what will not be given is most often an
    # encrypted or signed S/MIME item that Outlook opens; an IMAP server's refusal says less.
    exchange: bool = False


@dataclass(frozen=True)
class IncomingMail:
    key: str  # backend-specific handle passed back to mark_processed (IMAP: "<uidvalidity>:<uid>")
    raw: bytes
    # When the mailbox says it arrived (IMAP INTERNALDATE, Maildir file time), timezone-aware.
    # Clocks start here, not when the bot got round to reading it. None: the server gave none.
    arrived_at: datetime | None = None
    # Set (and raw empty) when the message could not be read: ingest keeps a placeholder on
    # the triage list, so the rest of the mailbox is read and this one is neither dropped
    # nor asked for on every pass.
    unreadable: Unreadable | None = None


# Exchange's error codes for one message (EWS ResponseCode, which Graph passes on as its
# error code) that blame the server or the app's access, not the message: asking again later
# may work, or a person must mend the access for all mail alike, so they fail the pass rather
# than set the message aside. Graph's generic codes (learn.microsoft.com/graph/errors) too.
_NOT_THE_MESSAGE = frozenset(
    code.casefold()
    for code in (
        "ErrorServerBusy", "ErrorTimeoutExpired", "ErrorInternalServerTransientError",
        "ErrorInternalServerError", "ErrorMailboxStoreUnavailable", "ErrorMailboxMoveInProgress",
        "ErrorConnectionFailed", "ErrorTooManyObjectsOpened", "ErrorExceededConnectionCount",
        "ErrorBatchProcessingStopped", "ErrorAccessDenied", "ErrorImpersonateUserDenied",
        "ErrorNonExistentMailbox", "generalException", "serviceNotAvailable", "timeout",
        "UnknownError", "InternalServerError", "activityLimitReached", "TooManyRequests",
    )
)  # fmt: skip


# Of those, the EWS codes that may also be one item's own lasting trouble (Exchange failing on
# that item alone, pass after pass), so bot.services.stuck_messages counts them: never the
# access, throttling, or a state of the whole mailbox.
_MAY_BE_STUCK = frozenset(
    code.casefold()
    for code in (
        "ErrorInternalServerError", "ErrorInternalServerTransientError", "ErrorTimeoutExpired",
    )
)  # fmt: skip


def may_be_stuck(code: str) -> bool:
    """Whether an error code that blames the server may be one message's lasting trouble."""
    return code.casefold() in _MAY_BE_STUCK


def the_message_is_at_fault(code: str) -> bool:
    """Whether an error code Exchange gave for one message is about that message alone: a
    code, and not one that blames the server or the access (no code says nothing)."""
    return bool(code) and code.casefold() not in _NOT_THE_MESSAGE


def unread(key: str, arrived_at: datetime | None, unreadable: Unreadable) -> IncomingMail:
    return IncomingMail(key=key, raw=b"", arrived_at=arrived_at, unreadable=unreadable)


@dataclass(frozen=True)
class Refused:
    """A message the server would not give, with an error that blames the server (a 500 with
    a generic code, 502-504, EWS ErrorInternalServerError), not the app's access or its
    throttling: it may pass, or it may be this message's lasting trouble. Never stored as it
    is: only bot.services.stuck_messages decides, across passes, to keep it unread."""

    key: str
    arrived_at: datetime | None
    unreadable: Unreadable  # the server's answer and what the listing said of the message


@dataclass(frozen=True)
class LeftInInbox:
    """Mail that arrived before the `since` cut-off: counted, never downloaded, never moved."""

    count: int = 0
    oldest: datetime | None = None

    @classmethod
    def of(cls, arrivals: list[datetime]) -> LeftInInbox:
        return cls(count=len(arrivals), oldest=min(arrivals, default=None))


def arrived_before(arrived: datetime | None, cut_off: datetime | None) -> bool:
    """Only a known arrival time can make a message old; an unknown one is treated as new."""
    return arrived is not None and cut_off is not None and arrived < cut_off


@dataclass(frozen=True)
class Batch:
    messages: list[IncomingMail]
    cursor: Cursor | None
    left: LeftInInbox = LeftInInbox()
    # The source stopped at a bound (count or bytes): fetch again from `cursor` for the rest.
    more: bool = False


@dataclass(frozen=True)
class MailboxFacts:
    """What `tscp-bot doctor` learns from one look at the mailbox."""

    folders: tuple[str, ...]
    inbox_count: int
    created: tuple[str, ...] = ()  # folders the look created (Processed, needs-attention)
    inbox_created: bool = False  # a Maildir inbox that did not exist was made, empty


class MailboxError(Exception):
    """The mailbox could not be reached or refused an operation; safe to retry later."""


class FolderMissing(MailboxError):
    """A folder the configuration names is not in the mailbox. The server's own folders are
    named, so the mistake shows (sent mail filed in "Sent" while "Sent Items" is set)."""

    def __init__(self, folder: str, present: Iterable[str]) -> None:
        names = ", ".join(sorted(present, key=str.casefold)) or "no folders"
        super().__init__(f"{folder} not found; the server has: {names}")


class MessageGone(MailboxError):
    """The message is no longer in the inbox under that key (moved by hand, or the key is
    stale); retrying the same key can never succeed."""


# Refusals with nothing read whole in between that end a batch's reading: an outage, not one
# message's trouble, costs this many failing reads a pass (not a whole batch of them, each
# maybe retried after Retry-After), while a few stuck messages side by side are still read past.
OUTAGE_AFTER = 3


def looks_like_an_outage(results: Sequence[IncomingMail | Refused]) -> bool:
    """Whether a batch's reading so far is OUTAGE_AFTER refusals and no message read whole."""
    refused = sum(isinstance(r, Refused) for r in results)
    return refused >= OUTAGE_AFTER and all(
        isinstance(r, Refused) or r.unreadable is not None for r in results
    )


class RefusedMessages(MailboxError):
    """Some messages of a batch were refused (see Refused) while the server gave others of the
    same batch whole: not an outage of the whole mailbox. `batch` is that batch with each
    refused message as an unreadable placeholder in its place. The caller either stores
    `batch` (it has decided that they are stuck, not passing) or, as for any MailboxError,
    lets the pass fail: nothing is then stored and the cursor stays where it was."""

    def __init__(self, refused: tuple[Refused, ...], batch: Batch) -> None:
        super().__init__(refused[0].unreadable.error)
        self.refused = refused
        self.batch = batch


class Moved(Enum):
    """What became of one message a batch move was asked to release."""

    MOVED = "moved"  # moved to Processed by this call
    GONE = "gone"  # no longer in the inbox under its key (moved earlier, by hand, or stale)


@dataclass(frozen=True)
class Fingerprint:
    """What the record holds of a message, to find it again when it is not under its key:
    its Message-ID (bare, as stored), its size and the SHA-256 of its bytes."""

    message_id: str
    size: int
    sha256: str


class Found(Enum):
    """Where find_and_release found a message that was no longer under its key."""

    SET_ASIDE = "set aside"  # in the needs-attention folder: now moved on to Processed
    PROCESSED = "processed"  # already in Processed: nothing moved
    NOWHERE = "nowhere"  # in neither: moved or deleted by hand
    RENUMBERED = "renumbered"  # in the inbox under a new number: now moved on to Processed


@dataclass
class Moves:
    """The outcome of mark_processed_many: every key in `done` is out of the inbox; a key
    missing from it was not tried or may not have moved (retry it on the next pass)."""

    done: dict[str, Moved] = field(default_factory=dict)
    error: str | None = None  # why the batch stopped early; None when every key was handled


class MailSource(Protocol):
    def fetch(self, since: Cursor | None, arrived_since: datetime | None = None) -> Batch:
        """Return waiting messages without marking them read.

        With since=None (or a UIDVALIDITY that no longer matches) every message in the inbox is
        returned; otherwise only those newer than since.last_uid. With arrived_since, a message
        whose arrival time is earlier is not returned but counted in Batch.left, and stays
        where it is; one with no arrival time is returned (it cannot be shown to be old).
        A source may return part of what waits, oldest first, with Batch.more set: the caller
        stores and handles it, then fetches again from Batch.cursor for the rest.
        Raises MailboxError; RefusedMessages when the server refused some messages while it
        gave others (bot.services.stuck_messages decides what becomes of them).
        """
        ...

    def mark_processed(self, key: str) -> None:
        """Move the message out of the inbox (or the needs-attention folder, for a key
        set_aside gave); called only after the database commit.

        Already in Processed under its key (a retry): nothing to do. Not found under its key:
        MessageGone, and the caller looks with find_and_release.
        """
        ...

    def find_and_release(self, mail: Fingerprint) -> Found:
        """Find a message that was not under its key in the needs-attention folder or in
        Processed, by its Message-ID and then its size or bytes, and move it (one message,
        never another that shares its Message-ID) from the needs-attention folder to Processed.

        Its key can be out of date when the bot was stopped after setting it aside and before
        the commit that recorded its new place, or when a move's answer was lost. Over IMAP it
        can also be in the inbox, numbered afresh (a new UIDVALIDITY): the one message of
        exactly its bytes is moved from there (Found.RENUMBERED).
        """
        ...

    def mark_processed_many(self, keys: list[str], budget_seconds: float) -> Moves:
        """Move many messages out of the inbox on one connection, in as few commands as the
        server allows; called only after the database commit.

        Never raises MailboxError: after a connection failure it reconnects at most once, and
        it stops early (Moves.error says why) on a second failure or when budget_seconds has
        run out, so an unresponsive server costs one pass a bounded time, not a timeout per
        message. A message that may have moved when the connection broke is left out of
        Moves.done; retried, it is found gone, never moved twice.
        """
        ...

    def set_aside(self, key: str) -> str | None:
        """Move a message that needs a person to the needs-attention folder, if one is set.

        Returns the key mark_processed takes for it there; None when it stays in the inbox.
        """
        ...

    def wait(self, timeout: float) -> bool:
        """Block until new mail may have arrived (IMAP IDLE) or the timeout passes.

        True when woken early because something changed; False when the time simply ran out.
        """
        ...

    def close(self) -> None: ...


@runtime_checkable
class Probed(Protocol):
    """A mailbox that `doctor` can look at without reading or moving any mail."""

    def probe(self) -> MailboxFacts:
        """Log in, list the folders, count the inbox and create the Processed (and
        needs-attention) folder when missing. Raises MailboxError saying what failed."""
        ...


def move_each(
    keys: list[str], budget_seconds: float, move: Callable[[str], None], what: str
) -> Moves:
    """Move one message at a time for backends without a batch move (each a call of its own).

    The first failure ends the batch: what did not move waits for the next pass, where a move
    whose answer was lost is found in its folder, never moved twice. `what` names the backend
    in the message when the time budget runs out.
    """
    moves = Moves()
    deadline = time.monotonic() + budget_seconds
    for key in keys:
        if time.monotonic() >= deadline:
            left = len(keys) - len(moves.done)
            moves.error = (
                f"{what} moves stopped after {budget_seconds:g} s; "
                f"{left} message(s) move on the next pass"
            )
            break
        try:
            move(key)
        except MessageGone:
            moves.done[key] = Moved.GONE
        except MailboxError as exc:
            moves.error = str(exc)
            break
        else:
            moves.done[key] = Moved.MOVED
    return moves
