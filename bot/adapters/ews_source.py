"""MailSource over Exchange Web Services (on-premises Exchange Server), with exchangelib.

- The Inbox is read with SyncFolderItems (`Folder.sync_items`); the sync state it ends with is
  the cursor's sync_state, kept in the database, so the next pass asks only for what changed.
  A sync state the server no longer accepts (ErrorInvalidSyncStateData) means a full resync:
  every message in the Inbox again. Storage deduplicates by the bytes' SHA-256, so that
  re-reading loses and doubles nothing.
- Each message's MIME content (GetItem with `MimeContent`) is the evidential record; its key is
  "<EWS item id> <Internet Message-ID>". A round's messages are read a bounded batch at a time
  by the sizes the sync gives (bot.adapters.listing): a backlog holds one batch in memory.
- EWS gives an item a new id when it moves (MoveItem answers with the new one). A move whose
  answer was lost (or a crash between the move and the database commit) leaves the old id
  answering ErrorItemNotFound; the message is then found in the destination by its
  Internet Message-ID (FindItem), so a second try is harmless.
- GetItem answers each item on its own: ErrorItemNotFound means moved or deleted since the
  sync; any other error of the item's own (ErrorMimeContentConversionFailed for encrypted
  S/MIME, ErrorItemCorrupt), or no MIME content, hands it on unread: ingest keeps a
  placeholder on the triage list. An error that blames the server fails the pass; one that
  may be the item's own lasting trouble (ErrorInternalServerError) is handed on as Refused
  (bot.adapters.ews_items).
- wait() returns as soon as Exchange's streaming notifications announce new mail
  (bot.adapters.ews_watch), started by the daemon's first wait; `run --once` never streams.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from bot.adapters.ews_connection import EwsConnection
from bot.adapters.ews_items import read_items
from bot.adapters.ews_watch import InboxWatch
from bot.adapters.exchange_keys import message_key, split_key
from bot.adapters.junk_look import JunkItem, JunkListing
from bot.adapters.listing import BATCH_BYTES, BATCH_MESSAGES, Listed, Rounds, any_whole
from bot.adapters.mail_source import (
    Batch,
    Cursor,
    Fingerprint,
    FolderMissing,
    Found,
    IncomingMail,
    MailboxFacts,
    MessageGone,
    Moves,
    Refused,
    move_each,
)

log = logging.getLogger(__name__)


class EwsSource:
    def __init__(
        self,
        connection: EwsConnection,
        *,
        processed_folder: str = "Processed",
        attention_folder: str = "",
        page_size: int = 100,
        batch_messages: int = BATCH_MESSAGES,
        batch_bytes: int = BATCH_BYTES,
    ) -> None:
        """A fetch returns at most `batch_messages` messages and `batch_bytes` of mail (at
        least one message): what one batch holds in memory while it is handled."""
        self._ews = connection
        self.page_size = page_size  # MaxChangesReturned: Exchange gives at most 512 a call
        self.processed_folder = processed_folder
        self.attention_folder = attention_folder
        self._rounds = Rounds(self._tag(), batch_messages, batch_bytes)
        self._watch = InboxWatch(lambda: self._ews.account().inbox, connection.login.describe())

    # -- MailSource ---------------------------------------------------------------------------

    def fetch(self, since: Cursor | None, arrived_since: datetime | None = None) -> Batch:
        """The next bounded batch of the sync round (bot.adapters.listing): the round's
        listing is read whole, the messages' MIME a batch at a time."""
        with self._ews.guard("reading the Inbox"):
            return self._rounds.fetch(since, arrived_since, self._sync, self._read, self._witness)

    def mark_processed(self, key: str) -> None:
        with self._ews.guard(f"moving a message to {self.processed_folder}"):
            self._move_or_find(key, self.processed_folder)

    def find_and_release(self, mail: Fingerprint) -> Found:
        """Found by its Internet Message-ID: the first found moves, never more than one."""
        bracketed = f"<{mail.message_id}>"
        with self._ews.guard("looking for a message set aside"):
            found = self._find_in(self.attention_folder, bracketed)
            if found is not None:
                self._move_or_find(message_key(found, bracketed), self.processed_folder)
                return Found.SET_ASIDE
            in_processed = self._find_in(self.processed_folder, bracketed)
        return Found.NOWHERE if in_processed is None else Found.PROCESSED

    def _find_in(self, folder_name: str, message_id: str) -> str | None:
        folder = self._ews.folder(folder_name, create=False) if folder_name else None
        return None if folder is None else self._ews.find(folder, message_id)

    def mark_processed_many(self, keys: list[str], budget_seconds: float) -> Moves:
        """One MoveItem per message (see move_each)."""
        return move_each(keys, budget_seconds, self.mark_processed, "EWS")

    def probe(self) -> MailboxFacts:
        """List the folders beside the Inbox, count the Inbox (GetFolder's TotalCount) and
        create the Processed (and needs-attention) folder when missing: what `doctor` says."""
        ews, created = self._ews, []
        with ews.guard("checking the mailbox"):
            folders = tuple(ews.folder_names())
            count = int(ews.account().inbox.total_count or 0)
            for name in (self.processed_folder, self.attention_folder):
                if name and ews.folder(name, create=False) is None:
                    ews.folder(name)
                    created.append(name)
        return MailboxFacts(folders, count, tuple(created))

    def set_aside(self, key: str) -> str | None:
        if not self.attention_folder:
            return None
        with self._ews.guard(f"moving a message to {self.attention_folder}"):
            return self._move_or_find(key, self.attention_folder)

    def has_message_id(self, folder_name: str, message_id: str) -> bool:
        """Whether the folder holds a message with this Internet Message-ID (with or without
        <>); "sentitems" is the well-known Sent Items whatever its display name."""
        bracketed = message_id if message_id.startswith("<") else f"<{message_id}>"
        with self._ews.guard(f"looking in {folder_name}"):
            if folder_name == "sentitems":
                folder = self._ews.account().sent
            else:
                folder = self._ews.folder(folder_name, create=False)
            if folder is None:  # not "not sent": the folder is not where it was said to be
                raise FolderMissing(folder_name, self._ews.folder_names())
            return self._ews.find(folder, bracketed) is not None

    def wait(self, timeout: float) -> bool:
        return self._watch.wait(timeout)

    def close(self) -> None:
        self._watch.close()
        self._ews.close()

    # -- EWS steps ------------------------------------------------------------------------------

    def _tag(self) -> str:
        """Which mailbox a kept sync state belongs to."""
        return f"ews:{self._ews.login.mailbox.casefold()}/inbox"

    def _sync(self, state: str) -> tuple[list[Listed], str]:
        """The round's listing from `state` ("": the whole Inbox) and the state it ends with:
        ids, arrival times and sizes, kept small as the changes stream in."""
        from exchangelib.errors import ErrorInvalidSyncStateData

        inbox = self._ews.account().inbox
        # exchangelib starts from the folder's own last state when given none: a round from
        # the start must start there, not after a round whose batch was never stored.
        inbox.item_sync_state = state or None
        try:
            listed = self._changes(inbox, state)
        except ErrorInvalidSyncStateData:
            # The sync state expired or was reset: read the whole Inbox again; storage knows
            # every message it already holds by its bytes.
            log.warning("EWS sync state refused; reading the whole Inbox")
            inbox.item_sync_state = None
            listed = self._changes(inbox, "")
        return listed, str(inbox.item_sync_state or "")

    def _changes(self, inbox: Any, state: str) -> list[Listed]:
        fields = ("message_id", "datetime_received", "size", "subject", "author")
        # exchangelib calls SyncFolderItems again until IncludesLastItemInRange is true.
        changes = inbox.sync_items(
            sync_state=state or None, only_fields=fields, max_changes_returned=self.page_size
        )
        return [
            Listed(
                str(item.id),
                _aware(getattr(item, "datetime_received", None)),
                int(getattr(item, "size", None) or 0),
                str(getattr(item, "message_id", None) or ""),
                str(getattr(item, "subject", None) or ""),
                str(getattr(getattr(item, "author", None), "email_address", None) or ""),
            )
            for change, item in changes
            if change in ("create", "update") and getattr(item, "id", None)
        ]

    def junk(self, known: frozenset[str]) -> JunkListing | None:
        """Junk Email (exchangelib's account.junk) listed whole by one SyncFolderItems round
        from no state: summaries only, never a body; nothing read or moved."""
        folder = self._ews.account().junk
        folder.item_sync_state = None  # else exchangelib goes on from its last round
        listed = self._changes(folder, "")
        new = tuple(
            JunkItem(i.ident, i.sender, " ".join(i.subject.split()), i.arrived)
            for i in listed
            if i.ident not in known
        )
        return JunkListing("Junk Email", frozenset(i.ident for i in listed), new)

    def _read(self, wanted: list[Listed]) -> list[IncomingMail | Refused]:
        return read_items(self._ews.account(), wanted)

    def _witness(self) -> bool:
        """Whether a message of the processed folder reads whole (listing.Rounds.fetch):
        False when the folder is missing or empty, or when Exchange fails at this too."""
        try:
            folder = self._ews.folder(self.processed_folder, create=False)
            found = [] if folder is None else [str(i.id) for i in folder.all().only("id")[:1]]
            return any_whole(self._read([Listed(ident, None) for ident in found]))
        except Exception:  # whatever failed, nothing shows the server gives mail
            log.debug("no witness in %s", self.processed_folder, exc_info=True)
            return False

    def _move_or_find(self, key: str, folder_name: str) -> str:
        from exchangelib.errors import ErrorInvalidIdMalformed, ErrorItemNotFound

        item_id, message_id = split_key(key, "an EWS")
        folder = self._ews.folder(folder_name)
        [result] = list(self._ews.account().bulk_move(ids=[(item_id, None)], to_folder=folder))
        if not isinstance(result, Exception):
            new_id = result[0] if isinstance(result, tuple) else getattr(result, "id", None)
            return message_key(str(new_id or item_id), message_id)
        # Malformed: a key kept from another backend (an IMAP uid) before the switch to EWS.
        if not isinstance(result, ErrorItemNotFound | ErrorInvalidIdMalformed):
            raise result
        found = self._ews.find(folder, message_id) if message_id else None
        if found is None:
            raise MessageGone(
                f"{self._ews.login.describe()}: the message is neither under its id nor in "
                f"{folder_name}"
            )
        log.debug("message already in %s", folder_name)
        return message_key(found, message_id)


def _aware(value: object) -> datetime | None:
    """DateTimeReceived as a plain aware datetime (exchangelib's EWSDateTime refuses the
    standard library's UTC)."""
    if not isinstance(value, datetime) or value.tzinfo is None:
        return None
    return datetime.fromtimestamp(value.timestamp(), UTC)
