"""Deliver outgoing mail through an SMTP relay (the council's, or Microsoft 365's)."""

from __future__ import annotations

import logging
import smtplib
import socket
import ssl
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Literal

from bot.adapters.oauth_tokens import OAuthLogin, Token, TokenError, xoauth2
from bot.adapters.outgoing import SEND_SECONDS, RecipientsRefusedError, SendError
from bot.adapters.send_deadline import until
from bot.adapters.smtp_timed import TimedSMTP, TimedSMTPSSL, time_left
from bot.adapters.smtp_transaction import (
    AfterData,
    DataRefused,
    MessageRefused,
    Refused,
    transaction,
)
from bot.core.refusal_words import MESSAGE_REFUSED, REFUSED_HEAD, refusal_words, refused_list

__all__ = ["RecipientsRefusedError", "SmtpSender"]

log = logging.getLogger(__name__)

Security = Literal["tls", "starttls", "plain"]
# Exchange Server's receive connectors accept 20 messages on one connection by default; a
# relay that allows more loses little by a fresh connection every 20.
MESSAGES_PER_CONNECTION = 20


class SmtpSender:
    def __init__(
        self,
        host: str,
        port: int,
        *,
        security: Security = "starttls",
        username: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
        ssl_context: ssl.SSLContext | None = None,
        oauth: OAuthLogin | None = None,
        messages_per_connection: int = MESSAGES_PER_CONNECTION,
        send_seconds: float = SEND_SECONDS,
    ) -> None:
        """With `oauth` the login is AUTH XOAUTH2 as `username`, and `password` is unused."""
        if security not in ("tls", "starttls", "plain"):
            raise ValueError(f"unknown SMTP security {security!r}")
        self._host = host
        self._port = port
        self._security = security
        self._username = username
        self._password = password
        self._timeout = timeout
        self._ssl_context = ssl_context
        self._oauth = oauth
        self._per_connection = max(1, messages_per_connection)
        self._send_seconds = send_seconds
        # While send() runs: when it must have ended (time.monotonic), however slow the relay.
        self._deadline: float | None = None
        # Inside batch(): the connection kept between emails, and how many it has carried.
        self._batching = False
        self._kept: TimedSMTP | TimedSMTPSSL | None = None
        self._kept_sent = 0

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Within it, successive emails share one logged-in connection (a fresh one every
        `messages_per_connection`), closed at the end: draining the outbox does not connect,
        STARTTLS and log in once per email. Outside it, each send has its own connection."""
        self._batching = True
        try:
            yield
        finally:
            self._batching = False
            self._drop()

    def send(self, raw: bytes, sender: str, recipients: list[str]) -> None:
        if not recipients:
            raise SendError("no recipients given")
        if not sender.isascii():
            raise SendError(f"{self._where()}: the sender address is not ASCII", permanent=True)
        self._deadline = time.monotonic() + self._send_seconds
        try:
            with until(self._deadline):  # an OAuth token fetched for the login too
                refused = self._deliver(raw, sender, recipients)
        except AfterData as exc:
            raise SendError(
                f"{self._where()}: {_describe(exc.cause)} waiting for the reply to the message",
                maybe_sent=True,
            ) from None
        except (MessageRefused, DataRefused) as exc:
            # 5xx: the relay will never take this message (its content, its size, a policy on
            # its sender or recipients, said to DATA or to the body); 4xx: later.
            words = refusal_words(exc.smtp_code, _text(exc.smtp_error))
            why = f"{MESSAGE_REFUSED} ({words})"
            raise SendError(f"{self._where()}: {why}", permanent=exc.smtp_code >= 500) from None
        except smtplib.SMTPRecipientsRefused as exc:
            raise self._refused(exc.recipients, recipients) from None
        except smtplib.SMTPSenderRefused as exc:
            raise self._sender_refused(exc) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise SendError(f"{self._where()}: {_describe(exc)}", server=_server(exc)) from None
        finally:
            self._deadline = None
            if self._kept is not None:
                self._kept.deadline = None  # QUIT at the end of a batch has its own timeout
        if refused:
            raise self._refused(refused, recipients)
        # Counts only: addresses are personal data and the outbox already records them.
        log.info("sent message via %s to %d recipient(s)", self._where(), len(recipients))

    def probe(self) -> str:
        """Connect, secure and log in as a send would, then QUIT without sending: what `doctor`
        reports. Returns what was done, e.g. "STARTTLS, AUTH as bot@example.org"."""
        try:
            with self._connect() as smtp:
                if self._oauth is not None:
                    self._xoauth2(smtp, self._oauth)
                    how = f"XOAUTH2 as {self._username}"
                elif self._username is not None:
                    smtp.login(self._username, self._password or "")
                    how = f"AUTH as {self._username}"
                else:
                    smtp.ehlo_or_helo_if_needed()
                    how = "no login configured"
        except (smtplib.SMTPException, OSError) as exc:
            raise SendError(f"{self._where()}: {_describe(exc)}") from None
        security = {"tls": "TLS", "starttls": "STARTTLS", "plain": "no encryption"}
        return f"{self._where()} ({security[self._security]}), {how}"

    def _deliver(self, raw: bytes, sender: str, recipients: list[str]) -> Refused:
        if not self._batching:
            with self._logged_in() as smtp:
                return transaction(smtp, raw, sender, recipients)
        if self._kept is not None:
            try:
                return self._on_kept(raw, sender, recipients)
            except OSError as exc:  # smtplib's errors are OSErrors too, refusals included
                if not _closed_by_relay(exc):
                    raise
                # A relay closes idle or used-up connections. Nothing of this email went
                # (the body is AfterData), so it goes again on a fresh one; no probe before
                # each email costs a round trip.
                log.info("the relay closed the kept connection; connecting again")
        self._keep(self._logged_in())
        return self._on_kept(raw, sender, recipients)

    def _on_kept(self, raw: bytes, sender: str, recipients: list[str]) -> Refused:
        assert self._kept is not None
        self._kept.deadline = self._deadline
        try:
            refused = transaction(self._kept, raw, sender, recipients)
        except BaseException:
            self._drop()  # whatever state the session is in, the next email starts afresh
            raise
        self._kept_sent += 1
        if self._kept_sent >= self._per_connection:
            self._drop()
        return refused

    def _logged_in(self) -> TimedSMTP | TimedSMTPSSL:
        smtp = self._connect()
        try:
            if self._oauth is not None:
                self._xoauth2(smtp, self._oauth)
            elif self._username is not None:
                smtp.login(self._username, self._password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _keep(self, smtp: TimedSMTP | TimedSMTPSSL) -> None:
        self._kept, self._kept_sent = smtp, 0

    def _drop(self) -> None:
        smtp, self._kept = self._kept, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()

    def _xoauth2(self, smtp: smtplib.SMTP, oauth: OAuthLogin) -> None:
        smtp.ehlo_or_helo_if_needed()
        # A cached token the server refuses (revoked, permissions changed) gets one retry
        # with a fresh one; a fresh token refused is a set-up problem, and says so.
        token = self._token(oauth.token)
        try:
            smtp.auth("XOAUTH2", _answer(self._username or "", token.value))
            return
        except smtplib.SMTPAuthenticationError as exc:
            if not token.from_cache:
                raise self._token_refused(exc) from None
        token = self._token(oauth.fresh_token)
        try:
            smtp.auth("XOAUTH2", _answer(self._username or "", token.value))
        except smtplib.SMTPAuthenticationError as exc:
            raise self._token_refused(exc) from None

    def _token(self, get: Callable[[], Token]) -> Token:
        try:
            return get()
        except TokenError as exc:
            raise SendError(f"{self._where()}: no OAuth token: {exc}", server=True) from None

    def _token_refused(self, exc: smtplib.SMTPAuthenticationError) -> SendError:
        return SendError(
            f"{self._where()}: the server refused the OAuth token for {self._username} "
            f"({exc.smtp_code} {_text(exc.smtp_error)}); check the app has SMTP.SendAsApp with "
            "admin consent, an Exchange service principal with access to this mailbox, and "
            "SMTP AUTH enabled for the mailbox",
            server=True,
        )

    def _connect(self) -> TimedSMTP | TimedSMTPSSL:
        smtp: TimedSMTP | TimedSMTPSSL
        timeout = time_left(self._deadline, self._timeout)
        if self._security == "tls":
            smtp = TimedSMTPSSL(self._host, self._port, timeout=timeout, context=self._context())
        else:
            smtp = TimedSMTP(self._host, self._port, timeout=timeout)
        smtp.deadline = self._deadline
        if self._security == "starttls":
            try:
                smtp.ehlo()
                smtp.starttls(context=self._context())
                smtp.ehlo()
            except BaseException:
                smtp.close()  # the with-block has not started yet, so close it ourselves
                raise
        return smtp

    def _context(self) -> ssl.SSLContext:
        return self._ssl_context or ssl.create_default_context()

    def _where(self) -> str:
        return f"SMTP {self._host}:{self._port}"

    def _sender_refused(self, exc: smtplib.SMTPSenderRefused) -> SendError:
        """The relay refused the address every email comes from. A 5xx refuses each email
        alike until the bot's login may send as it: mail server trouble (the emails wait and
        `run --once` says so), as Exchange's ErrorSendAsDenied is, not one email failed."""
        if exc.smtp_code < 500:
            return SendError(f"{self._where()}: {_describe(exc)}")
        return SendError(
            f"{self._where()}: {_describe(exc)}; allow the bot's login to send as "
            f"{exc.sender} on the relay (Send As on an Exchange mailbox)",
            server=True,
        )

    def _refused(
        self, refused: dict[str, tuple[int, bytes]], recipients: list[str]
    ) -> RecipientsRefusedError:
        codes = {address: code for address, (code, _) in refused.items()}
        accepted = [r for r in recipients if r not in codes]
        # The server's words, not the code alone, go on record: "450" does not say greylisting
        # from a full mailbox; without addresses, as they are shown and mailed on.
        replies = {a: refusal_words(code, _text(reply), a) for a, (code, reply) in refused.items()}
        return RecipientsRefusedError(
            f"{self._where()}: {REFUSED_HEAD}{refused_list(replies)}",
            codes,
            accepted,
            replies,
        )


def _answer(user: str, token: str) -> Callable[..., str]:
    """smtplib's authobject: the XOAUTH2 string first; to a challenge after it (the server's
    error detail) an empty reply, which ends the exchange as RFC 7628 asks."""

    def answer(challenge: bytes | None = None) -> str:
        return xoauth2(user, token) if challenge is None else ""

    return answer


def _closed_by_relay(exc: OSError) -> bool:
    """Whether a kept connection failed, before the body, because the relay had closed it: a
    dropped connection (smtplib words a read timeout the same way; one more try costs no more
    than a probe before each email would), or 421, the relay's notice that it is closing.

    Any other reply is the relay, still there, refusing this email: asked again at once, a
    recipient put off (450 greylisting, which wants minutes) is only put off again, so the
    email waits for the outbox's back-off instead. A reply to the body is never a closed
    connection: the relay heard all of it."""
    if isinstance(exc, MessageRefused):
        return False
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return any(code == 421 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code == 421
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    # The socket's own failure is the connection gone; smtplib's other errors (a command the
    # relay does not offer) leave it open.
    return not isinstance(exc, smtplib.SMTPException)


def _server(exc: BaseException) -> bool:
    """Whether the server could not be reached or refused the login, before any email was
    handed over: no email gets further until someone mends it."""
    return isinstance(
        exc,
        smtplib.SMTPAuthenticationError
        | smtplib.SMTPConnectError
        | ConnectionRefusedError
        | ssl.SSLError
        | socket.gaierror,
    )


def _describe(exc: BaseException) -> str:
    """One readable line for the outbox and the daily digest; never includes the password."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"login refused ({exc.smtp_code} {_text(exc.smtp_error)})"
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return f"sender {exc.sender} refused ({exc.smtp_code} {_text(exc.smtp_error)})"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"server replied {exc.smtp_code} {_text(exc.smtp_error)}"
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, ssl.SSLError):
        return f"TLS error: {exc.reason or exc}"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused (is the mail server running?)"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return _text(str(exc)) or type(exc).__name__


def _text(value: bytes | str) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return " ".join(value.split())
