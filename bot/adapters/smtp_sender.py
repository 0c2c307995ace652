"""Deliver outgoing mail through an SMTP relay (the council's, or Microsoft 365's)."""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Callable
from typing import Literal

from bot.adapters.oauth_tokens import OAuthLogin, Token, TokenError, xoauth2
from bot.adapters.outgoing import RecipientsRefusedError, SendError

__all__ = ["RecipientsRefusedError", "SmtpSender"]

log = logging.getLogger(__name__)

Security = Literal["tls", "starttls", "plain"]


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

    def send(self, raw: bytes, sender: str, recipients: list[str]) -> None:
        if not recipients:
            raise SendError("no recipients given")
        if not sender.isascii():
            raise SendError(f"{self._where()}: the sender address is not ASCII", permanent=True)
        try:
            refused = self._deliver(raw, sender, recipients)
        except _AfterData as exc:
            raise SendError(
                f"{self._where()}: {_describe(exc.cause)} waiting for the reply to the message",
                maybe_sent=True,
            ) from None
        except smtplib.SMTPRecipientsRefused as exc:
            raise self._refused(exc.recipients, recipients) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise SendError(f"{self._where()}: {_describe(exc)}") from None
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

    def _deliver(
        self, raw: bytes, sender: str, recipients: list[str]
    ) -> dict[str, tuple[int, bytes]]:
        with self._connect() as smtp:
            if self._oauth is not None:
                self._xoauth2(smtp, self._oauth)
            elif self._username is not None:
                smtp.login(self._username, self._password or "")
            refused = _envelope(smtp, sender, recipients)
            try:
                code, reply = smtp.data(raw)
            except (smtplib.SMTPServerDisconnected, OSError) as exc:
                raise _AfterData(exc) from None
            if code != 250:
                raise smtplib.SMTPDataError(code, reply)
            return refused

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
            raise SendError(f"{self._where()}: no OAuth token: {exc}") from None

    def _token_refused(self, exc: smtplib.SMTPAuthenticationError) -> SendError:
        return SendError(
            f"{self._where()}: the server refused the OAuth token for {self._username} "
            f"({exc.smtp_code} {_text(exc.smtp_error)}); check the app has SMTP.SendAsApp with "
            "admin consent, an Exchange service principal with access to this mailbox, and "
            "SMTP AUTH enabled for the mailbox"
        )

    def _connect(self) -> smtplib.SMTP:
        if self._security == "tls":
            return smtplib.SMTP_SSL(
                self._host, self._port, timeout=self._timeout, context=self._context()
            )
        smtp = smtplib.SMTP(self._host, self._port, timeout=self._timeout)
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

    def _refused(
        self, refused: dict[str, tuple[int, bytes]], recipients: list[str]
    ) -> RecipientsRefusedError:
        codes = {address: code for address, (code, _) in refused.items()}
        listed = ", ".join(f"{address} ({code})" for address, code in codes.items())
        accepted = [r for r in recipients if r not in codes]
        return RecipientsRefusedError(
            f"{self._where()}: recipient(s) refused: {listed}", codes, accepted
        )


def _answer(user: str, token: str) -> Callable[..., str]:
    """smtplib's authobject: the XOAUTH2 string first; to a challenge after it (the server's
    error detail) an empty reply, which ends the exchange as RFC 7628 asks."""

    def answer(challenge: bytes | None = None) -> str:
        return xoauth2(user, token) if challenge is None else ""

    return answer


class _AfterData(Exception):
    """The connection failed once the message was on its way: it may have been accepted."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.cause = cause


def _envelope(
    smtp: smtplib.SMTP, sender: str, recipients: list[str]
) -> dict[str, tuple[int, bytes]]:
    """MAIL FROM and RCPT TO as smtplib's sendmail does them; done here so that a failure
    after DATA, when the server may have the message, can be told from one before."""
    smtp.ehlo_or_helo_if_needed()
    code, reply = smtp.mail(sender)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    refused: dict[str, tuple[int, bytes]] = {}
    for address in recipients:
        if not address.isascii():
            # smtplib can only write ASCII commands; without SMTPUTF8 no server could take it,
            # so it is refused for good here rather than failing the whole send for everyone.
            refused[address] = (553, b"address is not ASCII (needs SMTPUTF8)")
            continue
        code, reply = smtp.rcpt(address)
        if code not in (250, 251):
            refused[address] = (code, reply)
    if len(refused) == len(recipients):
        raise smtplib.SMTPRecipientsRefused(refused)
    return refused


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
