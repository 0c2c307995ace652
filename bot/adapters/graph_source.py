"""MailSource over Microsoft Graph: the shared mailbox's Inbox read with a delta query.

- The Inbox is read with `messages/delta` ("Get incremental changes to messages in a folder");
  the `@odata.deltaLink` it ends with is the cursor's sync_state, kept in the database, so the
  next pass asks only for what changed. A `410 Gone` (the sync state expired) means a full
  resync: every message in the Inbox again. Storage deduplicates by the bytes' SHA-256, so that
  re-reading loses and doubles nothing.
- Each message's raw MIME (`/messages/{id}/$value`) is the evidential record; its key is
  "<Graph id> <Internet Message-ID>". A round's messages are read a bounded batch at a time
  (bot.adapters.listing), so a backlog of any size holds one batch in memory.
- Graph gives a message a new id when it moves. A move whose reply was lost (or a crash between
  the move and the database commit) leaves the old id answering 404; the message is then found
  in the destination by its Internet Message-ID, so a second try is harmless.
- A message Graph will not give as MIME for a reason of its own is handed on unread, one
  refused by an error that blames the server as Refused (bot.adapters.graph_items).
- Graph does not push to a daemon without a public HTTPS endpoint: wait() looks at the delta
  every few seconds instead (bot.adapters.graph_watch).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from datetime import datetime
from typing import Any, Literal, overload
from urllib.parse import quote

from bot.adapters.exchange_keys import message_key, split_key
from bot.adapters.graph_client import GraphClient, Page
from bot.adapters.graph_error import GraphError
from bot.adapters.graph_fields import address, received_at
from bot.adapters.graph_items import READ_WRITE, one_reads_whole, read_message
from bot.adapters.graph_junk import graph_junk
from bot.adapters.graph_watch import DeltaLook, watch
from bot.adapters.junk_look import JunkListing
from bot.adapters.listing import BATCH_BYTES, BATCH_MESSAGES, Listed, Rounds
from bot.adapters.mail_source import (
    Batch,
    Cursor,
    Fingerprint,
    FolderMissing,
    Found,
    IncomingMail,
    MailboxError,
    MailboxFacts,
    MessageGone,
    Moves,
    Refused,
    move_each,
)

log = logging.getLogger(__name__)

# Well-known folder names Graph takes in place of a folder id ("mailFolder resource type").
WELL_KNOWN = frozenset(
    {
        "inbox",
        "archive",
        "deleteditems",
        "drafts",
        "junkemail",
        "sentitems",
        "outbox",
        "msgfolderroot",
    }
)
_PAGE = "odata.maxpagesize=50"


class GraphSource:
    def __init__(
        self,
        client: GraphClient,
        user: str,
        *,
        inbox_folder: str = "inbox",
        processed_folder: str = "Processed",
        attention_folder: str = "",
        batch_messages: int = BATCH_MESSAGES,
        batch_bytes: int = BATCH_BYTES,
    ) -> None:
        """A fetch returns at most `batch_messages` messages and about `batch_bytes` of mail
        (at least one message): what one batch holds in memory while it is handled."""
        self._client = client
        self.user = user
        self.inbox_folder = inbox_folder
        self.processed_folder = processed_folder
        self.attention_folder = attention_folder
        self._folder_ids: dict[str, str] = {}
        self._rounds = Rounds(self._tag(), batch_messages, batch_bytes)
        self._look = DeltaLook(client, READ_WRITE)

    # -- MailSource ---------------------------------------------------------------------------

    def fetch(self, since: Cursor | None, arrived_since: datetime | None = None) -> Batch:
        """The next bounded batch of the delta round (bot.adapters.listing): the round's
        listing is read whole, the messages' bytes a batch at a time."""
        with _guard():
            return self._rounds.fetch(
                since, arrived_since, self._list_round, self._read_all, self._witness
            )

    def _list_round(self, link: str) -> tuple[list[Listed], str]:
        """What the delta round from `link` ("": the whole Inbox) lists, and its delta link;
        without one (not expected) the next pass starts a full round again."""
        page = self._delta(link)
        listed = [
            Listed(
                str(item["id"]),
                received_at(item.get("receivedDateTime")),
                message_id=str(item.get("internetMessageId") or ""),
                subject=str(item.get("subject") or ""),
                sender=address(item.get("from")),
            )
            for item in page.items
            # Moved or deleted since the last round: nothing to read.
            if "@removed" not in item and item.get("id")
        ]
        return listed, page.delta_link or ""

    def _read_all(self, items: list[Listed]) -> list[IncomingMail | Refused]:
        read = [read_message(self._client, self._user_url, item) for item in items]
        return [m for m in read if m is not None]

    def _witness(self) -> bool:
        """Whether a message of the processed folder reads whole (listing.Rounds.fetch)."""
        try:
            folder = self._folder_id(self.processed_folder, create=False)
        except GraphError:
            return False
        return bool(folder) and one_reads_whole(
            self._client, self._user_url, folder or "", self.processed_folder
        )

    def mark_processed(self, key: str) -> None:
        with _guard():
            self._move_or_find(key, self.processed_folder)

    def find_and_release(self, mail: Fingerprint) -> Found:
        """Found by its Internet Message-ID (Graph lists no size to tell two apart: the
        first found moves, never more than one)."""
        bracketed = f"<{mail.message_id}>"
        with _guard():
            found = self._find_in(self.attention_folder, bracketed)
            if found is not None:
                self._move_or_find(message_key(found, bracketed), self.processed_folder)
                return Found.SET_ASIDE
            in_processed = self._find_in(self.processed_folder, bracketed)
        return Found.NOWHERE if in_processed is None else Found.PROCESSED

    def _find_in(self, folder: str, message_id: str) -> str | None:
        folder_id = self._folder_id(folder, create=False) if folder else None
        return self._find(folder_id, message_id, folder) if folder_id else None

    def mark_processed_many(self, keys: list[str], budget_seconds: float) -> Moves:
        """One move per message, each an HTTP call (see move_each)."""
        return move_each(keys, budget_seconds, self.mark_processed, "Graph")

    def has_message_id(self, folder: str, message_id: str) -> bool:
        """Whether folder (a well-known name or a top-level folder) holds a message with this
        Internet Message-ID (with or without <>); FolderMissing when there is no such folder."""
        bracketed = message_id if message_id.startswith("<") else f"<{message_id}>"
        with _guard():
            folder_id = self._folder_id(folder, create=False)
            if folder_id is None:
                names = (str(f.get("displayName", "")) for f in self._top_folders())
                raise FolderMissing(folder, names)
            return self._find(folder_id, bracketed, folder) is not None

    def probe(self) -> MailboxFacts:
        """List the folders, count the inbox (Get mailFolder's totalItemCount), and create the
        Processed (and needs-attention) folder when missing: what `doctor` reports."""
        with _guard():
            listed = self._client.pages(
                self._user_url("mailFolders"),
                what="listing the mailbox's folders",
                permission=READ_WRITE,
                params={"$select": "id,displayName", "$top": "100"},
            )
            inbox = self._client.json(
                "GET",
                self._user_url(f"mailFolders/{self._folder_ref(self.inbox_folder)}"),
                what="reading the Inbox",
                permission=READ_WRITE,
            )
            created = []
            for name in (self.processed_folder, self.attention_folder):
                if name and self._folder_id(name, create=False) is None:
                    self._folder_ids[name] = self._create_folder(name)
                    created.append(name)
        folders = tuple(str(f.get("displayName", "")) for f in listed.items)
        return MailboxFacts(folders, int(inbox.get("totalItemCount") or 0), tuple(created))

    def set_aside(self, key: str) -> str | None:
        if not self.attention_folder:
            return None
        with _guard():
            return self._move_or_find(key, self.attention_folder)

    def wait(self, timeout: float) -> bool:
        return watch(self._look, self._rounds.settled, timeout)

    def close(self) -> None:
        self._client.close()

    def junk(self, known: frozenset[str]) -> JunkListing | None:
        return graph_junk(self._client, self._user_url, known)

    # -- Graph steps ----------------------------------------------------------------------------

    def _user_url(self, path: str) -> str:
        return self._client.url(f"users/{quote(self.user, safe='@')}/{path}")

    def _tag(self) -> str:
        """Which mailbox and folder a kept delta link belongs to (its own URL form varies)."""
        return quote(f"{self.user}/{self.inbox_folder}", safe="@/")

    def _delta_url(self) -> str:
        return self._user_url(f"mailFolders/{self._folder_ref(self.inbox_folder)}/messages/delta")

    def _folder_ref(self, name: str) -> str:
        known = name.lower() if name.lower() in WELL_KNOWN else None
        return known or quote(self._folder_id(name), safe="")

    def _delta(self, link: str) -> Page:
        headers = {"Prefer": _PAGE}
        what = "the Inbox delta query"
        if link:
            try:
                return self._client.pages(link, what=what, permission=READ_WRITE, headers=headers)
            except GraphError as exc:
                if exc.status != 410:
                    raise
                # The sync state expired or was reset: read the whole Inbox again; storage
                # knows every message it already holds by its bytes.
                log.warning("Graph delta state gone (%s); reading the whole Inbox", exc.code)
        params = {"$select": "id,receivedDateTime,internetMessageId,subject,from"}
        return self._client.pages(
            self._delta_url(), what=what, permission=READ_WRITE, params=params, headers=headers
        )

    def _move_or_find(self, key: str, folder: str) -> str:
        """Move the message to folder and return its key there; if its id is gone, find it
        there by Internet Message-ID (moved already); neither: MessageGone."""
        graph_id, message_id = split_key(key, "a Graph")
        destination = self._folder_id(folder)
        try:
            moved = self._client.json(
                "POST",
                self._user_url(f"messages/{quote(graph_id, safe='')}/move"),
                what=f"moving a message to {folder}",
                permission=READ_WRITE,
                json={"destinationId": destination},
            )
            return message_key(str(moved.get("id") or graph_id), message_id)
        except GraphError as exc:
            if exc.status != 404:
                raise
        found = self._find(destination, message_id, folder) if message_id else None
        if found is None:
            raise MessageGone(f"Graph: the message is neither under its id nor in {folder}")
        log.debug("message already in %s", folder)
        return message_key(found, message_id)

    def _find(self, folder_id: str, message_id: str, folder: str) -> str | None:
        escaped = message_id.replace("'", "''")  # OData string literal
        page = self._client.pages(
            self._user_url(f"mailFolders/{quote(folder_id, safe='')}/messages"),
            what=f"looking for a message in {folder}",
            permission=READ_WRITE,
            params={"$filter": f"internetMessageId eq '{escaped}'", "$select": "id"},
        )
        return str(page.items[0]["id"]) if page.items and page.items[0].get("id") else None

    @overload
    def _folder_id(self, name: str) -> str: ...
    @overload
    def _folder_id(self, name: str, *, create: Literal[False]) -> str | None: ...

    def _folder_id(self, name: str, *, create: bool = True) -> str | None:
        """The id of a top-level folder with this display name, created if missing."""
        if name.lower() in WELL_KNOWN:
            return name.lower()
        if name not in self._folder_ids:
            found = self._lookup_folder(name)
            if found is None and not create:
                return None
            self._folder_ids[name] = found or self._create_folder(name)
        return self._folder_ids[name]

    def _lookup_folder(self, name: str) -> str | None:
        for folder in self._top_folders():
            if str(folder.get("displayName", "")).casefold() == name.casefold():
                return str(folder["id"])
        return None

    def _top_folders(self) -> list[dict[str, Any]]:
        return self._client.pages(
            self._user_url("mailFolders"),
            what="listing the mailbox's folders",
            permission=READ_WRITE,
            params={"$select": "id,displayName", "$top": "100"},
        ).items

    def _create_folder(self, name: str) -> str:
        try:
            created = self._client.json(
                "POST",
                self._user_url("mailFolders"),
                what=f"creating the {name} folder",
                permission=READ_WRITE,
                json={"displayName": name},
            )
        except GraphError as exc:
            found = self._lookup_folder(name) if exc.status == 409 else None
            if found is None:
                raise
            return found  # another instance made it meanwhile
        log.info("created the %s folder in the mailbox", name)
        return str(created["id"])


@contextlib.contextmanager
def _guard() -> Iterator[None]:
    """Turns a GraphError into MailboxError: the pass records it, the next one tries again."""
    try:
        yield
    except GraphError as exc:
        log.warning("%s", exc)
        raise MailboxError(str(exc)) from None
