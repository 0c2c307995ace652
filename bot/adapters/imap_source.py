"""MailSource over IMAP (imapclient): fetch by UID, move handled mail, IDLE between polls."""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import imaplib
import logging
import re
import ssl
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any, Literal

from imapclient import IMAPClient
from imapclient.exceptions import LoginError

from bot.adapters.mailbox import (
    Batch,
    Cursor,
    IncomingMail,
    LeftInInbox,
    MailboxError,
    MailboxFacts,
    MessageGone,
    Moved,
    Moves,
    arrived_before,
)
from bot.adapters.oauth_tokens import OAuthLogin, Token, TokenError
from bot.adapters.outgoing import SendError

log = logging.getLogger(__name__)

Security = Literal["tls", "starttls", "plain"]

# Errors that mean "this connection is no good": network, TLS, protocol or server refusals.
# imapclient's exceptions all derive from imaplib.IMAP4.error.
_CONNECTION_ERRORS = (OSError, EOFError, imaplib.IMAP4.error)
_BYTES_REPR = re.compile(r"""^b(['"])(.*)\1$""")
_FETCH_CHUNK = 100  # UIDs per FETCH, so one huge inbox does not become one huge response
_PIECE = 2_000_000  # bytes per partial FETCH of a message larger than this
# A message set aside has no stable UID we know; it is found again by its Message-ID.
_ASIDE = "aside:"
_MESSAGE_ID = b"BODY[HEADER.FIELDS (MESSAGE-ID)]"
_KEY = re.compile(r"[0-9]+:[0-9]+")


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
    ) -> None:
        """With `oauth` the login is XOAUTH2 with its token and `password` is unused.

        A fetch returns at most `batch_messages` messages and `batch_bytes` of mail (at least
        one message, however large): what one batch holds in memory while it is handled.
        """
        self.host = host
        self.port = port
        self.folder = folder
        self.processed_folder = processed_folder
        self.attention_folder = attention_folder
        self._username = username
        self._password = password
        self._security = security
        self._timeout = timeout
        self._ssl_context = ssl_context or ssl.create_default_context()
        self._use_idle = use_idle
        self._oauth = oauth
        self._batch_messages, self._batch_bytes = max(1, batch_messages), batch_bytes
        self._sizes: dict[int, int] = {}  # RFC822.SIZE of the UIDs of the batch being fetched
        self._conn: Any = None  # IMAPClient once connected; imapclient is untyped
        # UIDNEXT at the last fetch/wait: lets wait() notice mail that arrived before IDLE began.
        self._uidnext_seen: int | None = None
        # A refused login is logged once per episode, not on every retry of a polling daemon.
        self._login_refused = False

    # -- MailSource ---------------------------------------------------------------------------

    def fetch(self, since: Cursor | None, arrived_since: datetime | None = None) -> Batch:
        """The next batch: the oldest waiting messages above the cursor, at most
        `batch_messages` of them and `batch_bytes` in all (at least one), with more=True when
        others wait behind them."""
        with self._guard("fetch"):
            client = self._client()
            status = self._select(client)
            uidvalidity = int(status[b"UIDVALIDITY"])
            self._uidnext_seen = _uidnext(status)
            floor = since.last_uid if since and since.uidvalidity == uidvalidity else 0
            uids = self._uids_above(client, floor)
            wanted, old, last = self._next_batch(client, uids, arrived_since)
            messages = self._fetch_raw(client, wanted, uidvalidity)
        # The cursor passes the old mail too: it stays in the inbox but is not fetched again.
        return Batch(
            messages=messages,
            cursor=Cursor(uidvalidity, last or floor),
            left=LeftInInbox.of([t for t in old.values() if t is not None]),
            more=last < max(uids, default=0),
        )

    def _next_batch(
        self, client: Any, uids: list[int], arrived_since: datetime | None = None
    ) -> tuple[list[tuple[int, datetime | None]], dict[int, datetime | None], int]:
        """Which UIDs the next batch fetches (with their arrival times), which it passes as
        older than the cut-off, and the last UID it covers. Sizes and arrival times are
        asked for a chunk at a time, so a 5,000-message backlog is not listed in one reply."""
        wanted: list[tuple[int, datetime | None]] = []
        old: dict[int, datetime | None] = {}
        self._sizes = {}
        size, last = 0, 0
        for start in range(0, len(uids), _FETCH_CHUNK):
            chunk = uids[start : start + _FETCH_CHUNK]
            data = client.fetch(chunk, ["INTERNALDATE", "RFC822.SIZE"])
            for uid in chunk:
                if uid not in data:
                    last = uid  # expunged meanwhile
                    continue
                arrived = _aware_utc(data[uid].get(b"INTERNALDATE"))
                # Exact, per message: SEARCH SINCE would be whole days in the server's zone.
                if arrived_before(arrived, arrived_since):
                    old[uid], last = arrived, uid
                    continue
                bytes_ = int(data[uid].get(b"RFC822.SIZE") or 0)
                if wanted and (
                    len(wanted) >= self._batch_messages or size + bytes_ > self._batch_bytes
                ):
                    return wanted, old, last
                wanted.append((uid, arrived))
                self._sizes[uid] = bytes_
                size, last = size + bytes_, uid
        return wanted, old, last

    def mark_processed(self, key: str) -> None:
        if key.startswith(_ASIDE):
            self._release_aside(key.removeprefix(_ASIDE))
            return
        uidvalidity, uid = _parse_key(key)
        with self._guard("move"):
            client = self._client()
            current = int(self._select(client)[b"UIDVALIDITY"])
            if current != uidvalidity:
                raise MessageGone(
                    f"{self._where()} UIDVALIDITY is now {current}; message {key} is stale"
                )
            # Already moved (e.g. a retry after a lost reply): nothing left to do.
            if not client.search(["UID", str(uid)]):
                log.debug("UID %s already gone from %s", uid, self._where())
                return
            self._move(client, [uid], self.processed_folder)

    def mark_processed_many(self, keys: list[str], budget_seconds: float) -> Moves:
        moves = Moves()
        inbox = [k for k in keys if not k.startswith(_ASIDE)]
        steps = [
            *(inbox[i : i + _FETCH_CHUNK] for i in range(0, len(inbox), _FETCH_CHUNK)),
            *([k] for k in keys if k.startswith(_ASIDE)),
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
        if keys[0].startswith(_ASIDE):
            self._release_aside(keys[0].removeprefix(_ASIDE))
            moves.done[keys[0]] = Moved.MOVED
            return
        with self._guard("move"):
            client = self._client()
            current = int(self._select(client)[b"UIDVALIDITY"])
            wanted: dict[int, str] = {}
            for key in keys:
                uidvalidity, uid = _parse_key(key) if _KEY.fullmatch(key) else (None, 0)
                if uidvalidity == current:
                    wanted[uid] = key
                else:
                    moves.done[key] = Moved.GONE  # stale: a full sweep finds it again
            if not wanted:
                return
            # One SEARCH and one MOVE for the whole step, the UIDs written as ranges.
            present = set(client.search(["UID", _uid_set(sorted(wanted))]))
            # Marked only once the whole set has moved: a move cut off half-way leaves these
            # for the next pass, which finds each either still here or already gone.
            if present:
                self._move(client, sorted(present), self.processed_folder)
            for uid, key in wanted.items():
                moves.done[key] = Moved.MOVED if uid in present else Moved.GONE

    def set_aside(self, key: str) -> str | None:
        if not self.attention_folder:
            return None
        uidvalidity, uid = _parse_key(key)
        with self._guard("move"):
            client = self._client()
            current = int(self._select(client)[b"UIDVALIDITY"])
            if current != uidvalidity or not client.search(["UID", str(uid)]):
                raise MessageGone(f"{self._where()}: message {key} is no longer there")
            message_id = _message_id(client, uid)
            if not message_id:
                return None  # could not be found again over there: it stays in the inbox
            if not client.folder_exists(self.attention_folder):
                client.create_folder(self.attention_folder)
            self._move(client, [uid], self.attention_folder)
        return f"{_ASIDE}{message_id}"

    def _release_aside(self, message_id: str) -> None:
        with self._guard("move"):
            client = self._client()
            client.select_folder(self.attention_folder)
            uids = client.search(["HEADER", "Message-ID", message_id])
            if not uids:
                log.debug("nothing with that Message-ID left in %s", self.attention_folder)
                return
            self._move(client, sorted(uids), self.processed_folder)

    def wait(self, timeout: float) -> bool:
        if not (self._use_idle and self._can_idle()):
            time.sleep(timeout)
            return False
        with self._guard("idle"):
            client = self._client()
            uidnext, previous = _uidnext(self._select(client)), self._uidnext_seen
            self._uidnext_seen = uidnext
            if previous is not None and uidnext != previous:
                return True  # mail arrived since the last fetch; IDLE would not report it
            client.idle()
            try:
                responses = client.idle_check(timeout=timeout)
            finally:
                client.idle_done()
            return bool(responses)

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.logout()
        except _CONNECTION_ERRORS:
            _shutdown(conn)

    def has_message_id(self, folder: str, message_id: str) -> bool:
        """Whether folder holds a message with this Message-ID (without <>); False when the
        folder does not exist."""
        with self._guard("search"):
            client = self._client()
            if not client.folder_exists(folder):
                return False
            client.select_folder(folder, readonly=True)
            return bool(client.search(["HEADER", "Message-ID", f"<{message_id}>"]))

    @property
    def capabilities(self) -> frozenset[str]:
        """What the server offers after login, e.g. {"IDLE", "MOVE", "UIDPLUS", ...}."""
        with self._guard("capability"):
            return frozenset(c.decode("ascii") for c in self._client().capabilities())

    # -- connection -----------------------------------------------------------------------------

    def probe(self) -> MailboxFacts:
        """Log in on a connection of its own, list the folders, count the inbox, and create
        the Processed (and needs-attention) folder when missing: what `doctor` reports."""
        with self._guard("check"):
            client = self._open()
            try:
                folders = tuple(str(name) for _, _, name in client.list_folders())
                status = client.select_folder(self.folder, readonly=True)
                created = []
                for name in (self.processed_folder, self.attention_folder):
                    if name and not client.folder_exists(name):
                        client.create_folder(name)
                        created.append(name)
            finally:
                with contextlib.suppress(*_CONNECTION_ERRORS):
                    client.logout()
        return MailboxFacts(folders, int(status[b"EXISTS"]), tuple(created))

    def _connect(self) -> Any:
        """A logged-in connection with the Processed folder in place."""
        client = self._open()
        try:
            if not client.folder_exists(self.processed_folder):
                client.create_folder(self.processed_folder)
        except BaseException:
            _shutdown(client)
            raise
        if self._login_refused:
            log.warning("IMAP login for %s accepted again", self._account())
        self._login_refused = False
        log.info("Connected to IMAP %s (%s)", self._where(), self._security)
        return client

    def _open(self) -> Any:
        """Open, secure and log in one connection; the only place a client is created."""
        client = IMAPClient(
            self.host,
            port=self.port,
            ssl=self._security == "tls",
            ssl_context=self._ssl_context,
            timeout=self._timeout,
        )
        # Keep INTERNALDATE's zone: an arrival time is an instant, not a local wall-clock time.
        client.normalise_times = False
        # imapclient turns imaplib's debugging up to 5, at which imaplib formats every response
        # with %r for its log, whether or not the log is on: a copy of every message (several
        # times its size) made and thrown away. The protocol log stays at imapclient's level.
        client._imap.debug = 0
        try:
            if self._security == "starttls":
                client.starttls(self._ssl_context)
            self._login(client)
        except BaseException:
            _shutdown(client)
            raise
        return client

    def _login(self, client: Any) -> None:
        if self._oauth is None:
            client.login(self._username, self._password)
            return
        # A cached token the server refuses (revoked, permissions changed) gets one retry
        # with a fresh one; a fresh token refused is a set-up problem, and says so.
        token = self._token(self._oauth.token)
        try:
            client.oauth2_login(self._username, token.value)
            return
        except imaplib.IMAP4.error as exc:
            if not token.from_cache:
                raise self._token_refused(exc) from None
        token = self._token(self._oauth.fresh_token)
        try:
            client.oauth2_login(self._username, token.value)
        except imaplib.IMAP4.error as exc:
            raise self._token_refused(exc) from None

    def _token(self, get: Callable[[], Token]) -> Token:
        try:
            return get()
        except TokenError as exc:
            message = f"IMAP login on {self._where()} failed: no OAuth token: {exc}"
            log.warning("%s", message)
            raise MailboxError(message) from None

    def _token_refused(self, exc: BaseException) -> MailboxError:
        message = (
            f"IMAP login on {self._where()} refused the OAuth token for {self._username} "
            f"({self._describe(exc)}); check the app has IMAP.AccessAsApp with admin consent, "
            "an Exchange service principal and FullAccess to this mailbox"
        )
        log.warning("%s", message)
        return MailboxError(message)

    def _client(self) -> Any:
        if self._conn is None:
            self._conn = self._connect()
        return self._conn

    @contextlib.contextmanager
    def _guard(self, action: str) -> Iterator[None]:
        """Turn any connection failure into MailboxError and drop the connection.

        Dropping it means the next call reconnects from scratch; retry timing is the caller's.
        """
        try:
            yield
        except _CONNECTION_ERRORS as exc:
            conn, self._conn = self._conn, None
            if conn is not None:
                _shutdown(conn)
            if isinstance(exc, LoginError):
                raise self._login_error(exc) from None
            message = f"IMAP {action} on {self._where()} failed: {self._describe(exc)}"
            log.warning("%s", message)
            raise MailboxError(message) from None

    def _login_error(self, exc: LoginError) -> MailboxError:
        """A wrong password or locked account: the same every retry until a person acts, so
        said once, clearly, rather than as a warning every poll. The error is the clear line
        (the ingest pass logs it once per episode); here it is only noted."""
        message = f"IMAP login refused for {self._account()} ({self._describe(exc)})"
        log.log(logging.DEBUG if self._login_refused else logging.INFO, "%s", message)
        self._login_refused = True
        return MailboxError(message)

    def _account(self) -> str:
        return f"{self._username}@{self.host}:{self.port}"

    def _describe(self, exc: BaseException) -> str:
        """One readable line for an exception, never containing the password."""
        detail = exc.args[0] if len(exc.args) == 1 else str(exc)
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        # imapclient's LoginError wraps the server's bytes reply as "b'...'"; unwrap it.
        text = _BYTES_REPR.sub(r"\2", " ".join(str(detail).split())) or type(exc).__name__
        if self._password:
            text = text.replace(self._password, "***")
        return f"{type(exc).__name__}: {text}"

    def _where(self) -> str:
        return f"{self.host}:{self.port}/{self.folder}"

    def _can_idle(self) -> bool:
        with self._guard("capability"):
            return bool(self._client().has_capability("IDLE"))

    # -- IMAP steps -----------------------------------------------------------------------------

    def _select(self, client: Any) -> dict[bytes, Any]:
        status: dict[bytes, Any] = client.select_folder(self.folder)
        return status

    def _uids_above(self, client: Any, floor: int) -> list[int]:
        criteria = ["UID", f"{floor + 1}:*"] if floor else "ALL"
        # "N:*" also matches the last message when N is past the end, hence the filter.
        return sorted(uid for uid in client.search(criteria) if uid > floor)

    def _fetch_raw(
        self, client: Any, wanted: list[tuple[int, datetime | None]], uidvalidity: int
    ) -> list[IncomingMail]:
        if not wanted:
            return []
        arrived = dict(wanted)
        if len(wanted) == 1 and self._sizes.get(wanted[0][0], 0) > _PIECE:
            raw = self._fetch_in_pieces(client, wanted[0][0])
            return (
                []
                if raw is None
                else [IncomingMail(f"{uidvalidity}:{wanted[0][0]}", raw, wanted[0][1])]
            )
        # PEEK: reading must not set \Seen, people share this mailbox. One FETCH for the batch,
        # already bounded in count and bytes.
        data = client.fetch(list(arrived), ["BODY.PEEK[]"])
        # A UID missing from the reply was expunged meanwhile; skip it.
        return [
            IncomingMail(key=f"{uidvalidity}:{uid}", raw=data[uid][b"BODY[]"], arrived_at=at)
            for uid, at in wanted
            if uid in data and b"BODY[]" in data[uid]
        ]

    def _fetch_in_pieces(self, client: Any, uid: int) -> bytes | None:
        """A large message read a piece at a time into one buffer of its size: imaplib holds a
        literal about three times over while it reads it, so a 25 MB message read whole would
        cost 100 MB for a moment. None when it was expunged meanwhile."""
        buffer = bytearray()
        while True:
            item = f"BODY.PEEK[]<{len(buffer)}.{_PIECE}>"
            data = client.fetch([uid], [item]).get(uid)
            if data is None:
                return None
            piece = next((v for k, v in data.items() if k.startswith(b"BODY[]")), None)
            if piece is None:
                return None
            buffer += piece
            if len(piece) < _PIECE:
                # The bytearray is the message; bytes() would copy it once more.
                return buffer  # type: ignore[return-value]

    def _move(self, client: Any, uids: list[int], folder: str) -> None:
        # Consecutive UIDs as ranges ("7:106"): exactly these messages, in a short command.
        # Each is one we mean to move; a gap in the inbox's UIDs breaks the range.
        where = _uid_set(uids)
        if client.has_capability("MOVE"):
            client.move(where, folder)
            return
        client.copy(where, folder)
        client.add_flags(where, [b"\\Deleted"], silent=True)
        if client.has_capability("UIDPLUS"):
            client.uid_expunge(where)
        else:
            # Without UIDPLUS this also expunges anything else already flagged \Deleted.
            client.expunge()


class ImapSentFolder:
    """SentLookup over IMAP: the folder where the SMTP server files what it sent."""

    def __init__(self, source: ImapSource, folder: str) -> None:
        self._source, self.folder = source, folder

    def was_sent(self, message_id: str) -> bool:
        try:
            return self._source.has_message_id(self.folder, message_id)
        except MailboxError as exc:
            raise SendError(f"could not look in {self.folder!r}: {exc}") from None

    def close(self) -> None:
        self._source.close()


def _message_id(client: Any, uid: int) -> str:
    """The message's Message-ID header as written, or "" when it has none."""
    data = client.fetch([uid], ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"])
    raw = data.get(uid, {}).get(_MESSAGE_ID, b"")
    headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)
    return " ".join(str(headers.get("Message-ID") or "").split())


def _uid_set(uids: list[int]) -> str:
    """Sorted UIDs as an IMAP sequence set, runs of consecutive UIDs as ranges: [1, 2, 3, 7]
    gives "1:3,7". Only the UIDs given: a range never spans one that was not asked for."""
    parts: list[str] = []
    start = prev = uids[0]
    for uid in uids[1:]:
        if uid != prev + 1:
            parts.append(f"{start}:{prev}" if prev != start else str(start))
            start = uid
        prev = uid
    parts.append(f"{start}:{prev}" if prev != start else str(start))
    return ",".join(parts)


def _parse_key(key: str) -> tuple[int, int]:
    try:
        uidvalidity, uid = key.split(":")
        return int(uidvalidity), int(uid)
    except ValueError:
        raise MailboxError(f"not an IMAP message key: {key!r}") from None


def _aware_utc(value: object) -> datetime | None:
    """INTERNALDATE as aware UTC; None when the server sent none (or no zone to trust)."""
    if not isinstance(value, datetime) or value.utcoffset() is None:
        return None
    return value.astimezone(UTC)


def _uidnext(status: dict[bytes, Any]) -> int | None:
    value = status.get(b"UIDNEXT")
    return int(value) if value is not None else None


def _shutdown(conn: Any) -> None:
    """Close the socket without talking to a server that may be gone."""
    with contextlib.suppress(*_CONNECTION_ERRORS):
        conn.shutdown()
