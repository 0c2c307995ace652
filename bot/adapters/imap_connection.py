"""One IMAP connection (imapclient): opened, secured and logged in on first use, dropped on
any failure so the next use starts afresh; failures become one readable MailboxError."""

from __future__ import annotations

import contextlib
import imaplib
import logging
import re
import ssl
from collections.abc import Callable, Iterator
from typing import Any, Literal

from imapclient import IMAPClient
from imapclient.exceptions import CapabilityError, LoginError

from bot.adapters.mail_source import MailboxError
from bot.adapters.oauth_tokens import OAuthLogin, Token, TokenError

log = logging.getLogger(__name__)

Security = Literal["tls", "starttls", "plain"]

# Errors that mean "this connection is no good": network, TLS, protocol or server refusals.
# imapclient's exceptions all derive from imaplib.IMAP4.error.
CONNECTION_ERRORS = (OSError, EOFError, imaplib.IMAP4.error)
_BYTES_REPR = re.compile(r"""^b(['"])(.*)\1$""")


class ImapConnection:
    def __init__(
        self,
        host: str,
        port: int,
        username: str,
        password: str,
        *,
        security: Security,
        folder: str,
        processed_folder: str,
        timeout: float,
        ssl_context: ssl.SSLContext | None,
        oauth: OAuthLogin | None,
    ) -> None:
        """With `oauth` the login is XOAUTH2 with its token and `password` is unused."""
        self.host = host
        self.port = port
        self.folder = folder
        self.processed_folder = processed_folder
        self.security = security
        self._username = username
        self._password = password
        self._timeout = timeout
        self._ssl_context = ssl_context or ssl.create_default_context()
        self._oauth = oauth
        self._conn: Any = None  # IMAPClient once connected; imapclient is untyped
        # A refused login is logged once per episode, not on every retry of a polling daemon.
        self._login_refused = False

    def client(self) -> Any:
        """The logged-in connection, opened (with the Processed folder in place) if need be."""
        if self._conn is None:
            self._conn = self._connect()
        return self._conn

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.logout()
        except CONNECTION_ERRORS:
            shutdown(conn)

    def open(self) -> Any:
        """Open, secure and log in one connection; the only place a client is created."""
        client = IMAPClient(
            self.host,
            port=self.port,
            ssl=self.security == "tls",
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
            if self.security == "starttls":
                client.starttls(self._ssl_context)
            self._login(client)
        except BaseException:
            shutdown(client)
            raise
        return client

    @contextlib.contextmanager
    def guard(self, action: str, folder: str = "") -> Iterator[None]:
        """Turn any connection failure into MailboxError and drop the connection.

        Dropping it means the next call reconnects from scratch; retry timing is the caller's.
        `folder`: the one the failure is named by, when not the inbox (the junk folder's).
        """
        try:
            yield
        except CONNECTION_ERRORS as exc:
            conn, self._conn = self._conn, None
            if conn is not None:
                shutdown(conn)
            if isinstance(exc, LoginError):
                raise self._login_error(exc) from None
            message = f"IMAP {action} on {self.where(folder)} failed: {self._describe(exc)}"
            advice = _advice(exc)
            message = f"{message}; {advice}" if advice else message
            # Every caller says a MailboxError itself (doctor's FAIL, run's "mailbox problem",
            # the daemon's log): said here too, one mistake would read as three.
            log.debug("%s", message)
            raise MailboxError(message) from None

    def where(self, folder: str = "") -> str:
        return f"{self.host}:{self.port}/{folder or self.folder}"

    def _connect(self) -> Any:
        client = self.open()
        try:
            if not client.folder_exists(self.processed_folder):
                client.create_folder(self.processed_folder)
        except BaseException:
            shutdown(client)
            raise
        if self._login_refused:
            log.warning("IMAP login for %s accepted again", self._account())
        self._login_refused = False
        log.info("Connected to IMAP %s (%s)", self.where(), self.security)
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
            message = f"IMAP login on {self.where()} failed: no OAuth token: {exc}"
            log.debug("%s", message)  # the caller says it
            raise MailboxError(message) from None

    def _token_refused(self, exc: BaseException) -> MailboxError:
        message = (
            f"IMAP login on {self.where()} refused the OAuth token for {self._username} "
            f"({self._describe(exc)}); check the app has IMAP.AccessAsApp with admin consent, "
            "an Exchange service principal and FullAccess to this mailbox"
        )
        log.debug("%s", message)  # the caller says it
        return MailboxError(message)

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


# OpenSSL's verify codes for a certificate issued to another name than the one asked for:
# OpenSSL's own words say that, and installing a CA certificate would not help.
_NAME_MISMATCH = (62, 64)


def _advice(exc: BaseException) -> str | None:
    """What to change, for the set-up mistakes whose raw TLS error does not say it."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        if exc.verify_code in _NAME_MISMATCH:
            return None
        return (
            "the server's certificate is not trusted by this machine: install the council's "
            "CA certificate in this machine's trusted certificates"
        )
    if isinstance(exc, ssl.SSLError) and exc.reason == "WRONG_VERSION_NUMBER":
        return (
            "the server did not answer in TLS on this port: check [mailbox.imap] port and "
            "security (tls is usually 993, starttls 143)"
        )
    if isinstance(exc, CapabilityError) and "STARTTLS" in str(exc):
        return 'the server does not offer STARTTLS: use security = "tls" on its TLS port'
    return None


def shutdown(conn: Any) -> None:
    """Close the socket without talking to a server that may be gone."""
    with contextlib.suppress(*CONNECTION_ERRORS):
        conn.shutdown()
