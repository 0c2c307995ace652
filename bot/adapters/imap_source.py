"""MailSource over IMAP (imapclient): fetch by UID, move handled mail, IDLE between polls.
The connection, batched fetching and moving live in imap_connection, imap_fetch and
imap_moves; the Sent folder lookup is bot.adapters.sent_folder, over has_message_id."""

from __future__ import annotations

import contextlib
import functools
import ssl
import time
from datetime import datetime
from typing import Any

from bot.adapters.imap_connection import CONNECTION_ERRORS, ImapConnection, Security
from bot.adapters.imap_fetch import (
    FETCH_CHUNK,
    BatchPlan,
    fetch_raw,
    plan_batch,
    read_past_refusals,
    uidnext,
    uids_above,
)
from bot.adapters.imap_moves import (
    ASIDE,
    KEY,
    aside_key,
    aside_uid,
    find_one,
    header_message_id,
    move,
    move_exact,
    move_one,
    parse_key,
    uid_set,
)
from bot.adapters.junk_look import JunkListing, imap_junk_look
from bot.adapters.mail_source import (
    Batch,
    Cursor,
    Fingerprint,
    FolderMissing,
    Found,
    IncomingMail,
    LeftInInbox,
    MailboxError,
    MailboxFacts,
    MessageGone,
    Moved,
    Moves,
    Refused,
    RefusedMessages,
)
from bot.adapters.oauth_tokens import OAuthLogin

__all__ = ["ImapSource", "Security"]


class ImapSource:
    def __init__(
        self,
        host: str,
        port: int,
        username: str,
        password: str,
        *,
        security: Security = "tls",
        folder: str = "INBOX",
        processed_folder: str = "Processed",
        attention_folder: str = "",
        timeout: float = 30.0,
        ssl_context: ssl.SSLContext | None = None,
        use_idle: bool = True,
        oauth: OAuthLogin | None = None,
        batch_messages: int = 100,
        batch_bytes: int = 8_000_000,
        junk_folder: str = "",
    ) -> None:
        """With `oauth` the login is XOAUTH2 and `password` is unused. A fetch returns at most
        `batch_messages` messages and `batch_bytes` of mail (at least one, however large)."""
        self.host, self.port, self.folder = host, port, folder
        self.processed_folder, self.attention_folder = processed_folder, attention_folder
        self.junk_folder = junk_folder  # "": the \\Junk folder, else "Junk Email" or "Junk"
        self._imap = ImapConnection(
            host,
            port,
            username,
            password,
            security=security,
            folder=folder,
            processed_folder=processed_folder,
            timeout=timeout,
            ssl_context=ssl_context,
            oauth=oauth,
        )
        self._use_idle = use_idle
        self._batch_messages, self._batch_bytes = max(1, batch_messages), batch_bytes
        # UIDNEXT at the last fetch/wait: lets wait() notice mail that arrived before IDLE began.
        self._uidnext_seen: int | None = None

    # -- MailSource ---------------------------------------------------------------------------

    def fetch(self, since: Cursor | None, arrived_since: datetime | None = None) -> Batch:
        """The oldest waiting messages above the cursor; more=True when others wait."""
        with self._guard("fetch"):
            client = self._client()
            status = self._select(client)
            uidvalidity = int(status[b"UIDVALIDITY"])
            self._uidnext_seen = uidnext(status)
            floor = since.last_uid if since and since.uidvalidity == uidvalidity else 0
            uids = uids_above(client, floor)
            plan = plan_batch(client, uids, arrived_since, self._batch_messages, self._batch_bytes)
        refused: tuple[Refused, ...] = ()
        try:
            with self._guard("fetch"):
                messages = fetch_raw(self._client(), plan, uidvalidity)
        except MailboxError as exc:
            read = functools.partial(self._read_one, uidvalidity)
            messages, refused = read_past_refusals(plan, uidvalidity, read, exc)
        # The cursor passes the old mail too: it stays in the inbox but is not fetched again.
        batch = Batch(
            messages=messages,
            cursor=Cursor(uidvalidity, plan.last or floor),
            left=LeftInInbox.of([t for t in plan.old.values() if t is not None]),
            more=plan.last < max(uids, default=0),
        )
        if refused:
            raise RefusedMessages(refused, batch)
        return batch

    def _read_one(self, uidvalidity: int, one: BatchPlan) -> list[IncomingMail]:
        with self._guard("fetch"):  # a fresh connection if the refusal closed it
            client = self._client()
            if int(self._select(client)[b"UIDVALIDITY"]) != uidvalidity:
                raise MessageGone(f"{self._where()}: UIDVALIDITY changed while reading")
            return fetch_raw(client, one, uidvalidity)

    def mark_processed(self, key: str) -> None:
        if key.startswith(ASIDE):
            self._release_aside(key)
            return
        uidvalidity, uid = parse_key(key)
        with self._guard("move"):
            client = self._client()
            current = int(self._select(client)[b"UIDVALIDITY"])
            if current != uidvalidity:
                raise MessageGone(
                    f"{self._where()} UIDVALIDITY is now {current}; message {key} is stale"
                )
            # Moved already (a retry after a lost reply), or set aside by a pass stopped
            # before its commit: the caller looks for it with find_and_release.
            if not client.search(["UID", str(uid)]):
                raise MessageGone(f"{self._where()}: message {key} is no longer there")
            move(client, [uid], self.processed_folder)

    def find_and_release(self, mail: Fingerprint) -> Found:
        with self._guard("search"):
            client = self._client()
            if self._select_if_there(client, self.attention_folder):
                uid = find_one(client, mail)
                if uid is not None:
                    move(client, [uid], self.processed_folder)
                    return Found.SET_ASIDE
            if self._select_if_there(client, self.processed_folder) and find_one(client, mail):
                return Found.PROCESSED
            self._select(client)
            renumbered = move_exact(client, mail, self.processed_folder)
            return Found.RENUMBERED if renumbered else Found.NOWHERE

    def mark_processed_many(self, keys: list[str], budget_seconds: float) -> Moves:
        moves = Moves()
        inbox = [k for k in keys if not k.startswith(ASIDE)]
        steps = [
            *(inbox[i : i + FETCH_CHUNK] for i in range(0, len(inbox), FETCH_CHUNK)),
            *([k] for k in keys if k.startswith(ASIDE)),
        ]
        deadline = time.monotonic() + budget_seconds
        reconnected = False
        while steps:
            if time.monotonic() >= deadline:
                moves.error = (
                    f"IMAP move on {self._where()} stopped after {budget_seconds:g} s; "
                    f"{len(keys) - len(moves.done)} message(s) move on the next pass"
                )
                break
            try:
                self._move_step(steps[0], moves)
            except MailboxError as exc:
                # One fresh connection per pass: a server that stopped answering is not
                # asked again for every message, each costing a full timeout.
                if reconnected:
                    moves.error = str(exc)
                    break
                reconnected = True
                continue
            steps.pop(0)
        return moves

    def _move_step(self, keys: list[str], moves: Moves) -> None:
        if keys[0].startswith(ASIDE):
            try:
                self._release_aside(keys[0])
            except MessageGone:
                moves.done[keys[0]] = Moved.GONE
            else:
                moves.done[keys[0]] = Moved.MOVED
            return
        with self._guard("move"):
            client = self._client()
            current = int(self._select(client)[b"UIDVALIDITY"])
            wanted: dict[int, str] = {}
            for key in keys:
                uidvalidity, uid = parse_key(key) if KEY.fullmatch(key) else (None, 0)
                if uidvalidity == current:
                    wanted[uid] = key
                else:
                    moves.done[key] = Moved.GONE  # stale: a full sweep finds it again
            if not wanted:
                return
            # One SEARCH and one MOVE for the whole step, the UIDs written as ranges.
            present = set(client.search(["UID", uid_set(sorted(wanted))]))
            # Marked only once the whole set has moved: a move cut off half-way leaves these
            # for the next pass, which finds each either still here or already gone.
            if present:
                move(client, sorted(present), self.processed_folder)
            for uid, key in wanted.items():
                moves.done[key] = Moved.MOVED if uid in present else Moved.GONE

    def set_aside(self, key: str) -> str | None:
        if not self.attention_folder:
            return None
        uidvalidity, uid = parse_key(key)
        with self._guard("move"):
            client = self._client()
            current = int(self._select(client)[b"UIDVALIDITY"])
            if current != uidvalidity or not client.search(["UID", str(uid)]):
                raise MessageGone(f"{self._where()}: message {key} is no longer there")
        try:
            with self._guard("fetch"):
                message_id = header_message_id(self._client(), uid)
        except MailboxError:
            message_id = ""  # one the server will not read (stuck_messages): it stays too
        if not message_id:
            return None  # could not be found again over there: it stays in the inbox
        with self._guard("move"):
            client = self._client()
            if not client.folder_exists(self.attention_folder):
                client.create_folder(self.attention_folder)
            # Keyed by its new UID: `triage done` moves it, no other sharing its Message-ID.
            return aside_key(move_one(client, uid, self.attention_folder), message_id)

    def _release_aside(self, key: str) -> None:
        """Move a message set aside on to Processed by the UID its key names. A key with no
        UID (the server gave none, or set aside by an older version) names no one message:
        MessageGone, and the caller finds it with find_and_release."""
        where = aside_uid(key)
        with self._guard("move"):
            client = self._client()
            status = self._select_if_there(client, self.attention_folder)
            if where is None or status is None or int(status[b"UIDVALIDITY"]) != where[0]:
                raise MessageGone(f"{self.attention_folder}: no message under {key}")
            if not client.search(["UID", str(where[1])]):
                raise MessageGone(f"{self.attention_folder}: message {key} is no longer there")
            move(client, [where[1]], self.processed_folder)

    def wait(self, timeout: float) -> bool:
        if not (self._use_idle and self._can_idle()):
            time.sleep(timeout)
            return False
        with self._guard("idle"):
            client = self._client()
            now, previous = uidnext(self._select(client)), self._uidnext_seen
            self._uidnext_seen = now
            if previous is not None and now != previous:
                return True  # mail arrived since the last fetch; IDLE would not report it
            client.idle()
            try:
                responses = client.idle_check(timeout=timeout)
            finally:
                client.idle_done()
            return bool(responses)

    def close(self) -> None:
        self._imap.close()

    def junk(self, known: frozenset[str]) -> JunkListing | None:
        return imap_junk_look(self._imap, self.junk_folder, known)

    def has_message_id(self, folder: str, message_id: str) -> bool:
        """Whether folder holds a message with this Message-ID (without <>); FolderMissing
        when there is no such folder (renamed, or another name configured): that it is not
        there says nothing about whether the message was sent."""
        with self._guard("search"):
            client = self._client()
            if not client.folder_exists(folder):
                raise FolderMissing(folder, (str(name) for _, _, name in client.list_folders()))
            client.select_folder(folder, readonly=True)
            return bool(client.search(["HEADER", "Message-ID", f"<{message_id}>"]))

    @property
    def capabilities(self) -> frozenset[str]:
        """What the server offers after login, e.g. {"IDLE", "MOVE", "UIDPLUS", ...}."""
        with self._guard("capability"):
            return frozenset(c.decode("ascii") for c in self._client().capabilities())

    def probe(self) -> MailboxFacts:
        """What `doctor` reports: folders, inbox count; creates Processed, needs-attention."""
        with self._guard("check"):
            client = self._imap.open()
            try:
                folders = tuple(str(name) for _, _, name in client.list_folders())
                status = client.select_folder(self.folder, readonly=True)
                created = []
                for name in (self.processed_folder, self.attention_folder):
                    if name and not client.folder_exists(name):
                        client.create_folder(name)
                        created.append(name)
            finally:
                with contextlib.suppress(*CONNECTION_ERRORS):
                    client.logout()
        return MailboxFacts(folders, int(status[b"EXISTS"]), tuple(created))

    def _where(self) -> str:
        return self._imap.where()

    def _client(self) -> Any:
        return self._imap.client()

    def _guard(self, action: str) -> contextlib.AbstractContextManager[None]:
        return self._imap.guard(action)

    def _can_idle(self) -> bool:
        with self._guard("capability"):
            return bool(self._client().has_capability("IDLE"))

    # -- IMAP steps -----------------------------------------------------------------------------

    def _select(self, client: Any) -> dict[bytes, Any]:
        status: dict[bytes, Any] = client.select_folder(self.folder)
        return status

    def _select_if_there(self, client: Any, folder: str) -> dict[bytes, Any] | None:
        """Select one of the bot's own folders; None when it is not set or not there."""
        if not folder or not client.folder_exists(folder):
            return None
        status: dict[bytes, Any] = client.select_folder(folder)
        return status
