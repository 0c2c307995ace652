"""MailSender over Exchange Web Services: the bot's own MIME, sent with CreateItem.

exchangelib's `Message(mime_content=...).send_and_save()` is one CreateItem with
MessageDisposition="SendAndSaveCopy" and the MIME content as the item ("CreateItem operation
(email message)"): the bytes are the bot's own, unchanged, so the Message-ID, threading headers
and calendar part are the ones it built; the InternetMessageId is also given explicitly (as
Thunderbird's EWS sender does) so the copy Exchange files in Sent Items carries it. Exchange
sends to the To and Cc the MIME names; a recipient it does not name goes as BccRecipients,
never as a header.
"""

from __future__ import annotations

import logging
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses
from typing import Any

from bot.adapters.ews_connection import EwsConnection, EwsLogin, EwsUnusable, unusable
from bot.adapters.mail_source import MailboxError
from bot.adapters.outgoing import SEND_SECONDS, SendError

log = logging.getLogger(__name__)


class EwsSender:
    def __init__(self, connection: EwsConnection, *, send_seconds: float = SEND_SECONDS) -> None:
        self._ews = connection
        self._send_seconds = send_seconds

    def send(self, raw: bytes, sender: str, recipients: list[str]) -> None:
        if not recipients:
            raise SendError("no recipients given")
        message_id, bcc = _envelope(raw, recipients)
        from exchangelib import Mailbox, Message
        from exchangelib.errors import EWSError

        from bot.adapters.ews_deadline import ending_within

        try:
            # Every request of the send (a version probe, the CreateItem) ends within it, so
            # the outbox's claim on the email outlasts the send.
            with ending_within(self._send_seconds), self._ews.guard("sending"):
                account = self._ews.account()
                try:
                    Message(
                        account=account,
                        folder=_sent_items(account),
                        mime_content=raw,
                        message_id=message_id or None,
                        bcc_recipients=[Mailbox(email_address=a) for a in bcc] or None,
                        is_read=True,  # the copy in Sent Items, not new mail for anyone
                    ).send_and_save()
                except EWSError as exc:
                    if unusable(exc):
                        raise  # the guard words it: login or mailbox refused, not reached
                    raise _not_sent(self._ews.login, exc) from None
        except MailboxError as exc:
            # EwsUnusable: not reached, or the login, the token or the mailbox refused. Nothing
            # was sent, and no email goes until someone mends it (run --once exits 1).
            raise SendError(str(exc), server=isinstance(exc, EwsUnusable)) from None
        # Counts only: addresses are personal data and the outbox already records them.
        log.info("sent message via EWS to %d recipient(s)", len(recipients))

    def probe(self) -> str:
        """Log in and find Sent Items, where each sent copy is filed; nothing is sent."""
        try:
            with self._ews.guard("checking sending"):
                account = self._ews.account()
                account.sent.refresh()
        except MailboxError as exc:
            raise SendError(str(exc), server=isinstance(exc, EwsUnusable)) from None
        return f"{self._ews.login.describe()} (Sent Items found)"

    def close(self) -> None:
        self._ews.close()


def _not_sent(login: EwsLogin, exc: Exception) -> SendError:
    """A failure of this one send, once Exchange was reached and took the login."""
    from exchangelib.errors import ErrorMessageSizeExceeded, ResponseMessageError, TransportError

    where = login.describe()
    if isinstance(exc, ErrorMessageSizeExceeded):
        return SendError(f"{where}: {exc}", permanent=True)
    if isinstance(exc, ResponseMessageError):
        return _refused(login, exc)
    if isinstance(exc, TransportError):  # includes a refusal _refused did not know
        # The request may have reached Exchange before the connection failed: the outbox
        # looks in Sent Items before sending it again.
        return SendError(f"{where}: the server did not confirm sending ({exc})", maybe_sent=True)
    return SendError(f"{where}: {type(exc).__name__} while sending ({exc})")


# Refusals of one email that no retry mends: its recipients, its MIME.
_REFUSED_FOR_GOOD = frozenset({"ErrorInvalidRecipients", "ErrorMimeContentConversionFailed"})
# The login may not send as the address the emails come from. Every email comes from the
# mailbox, so every one would be refused alike until the right is granted: mail server
# trouble (the emails wait), not one email failed for good after another.
_SEND_AS_DENIED = "ErrorSendAsDenied"


def _refused(login: EwsLogin, exc: Exception) -> SendError:
    """An answer exchangelib files under TransportError. A refusal no retry mends fails the
    email for good (as Graph's 400 does): Exchange sent nothing. Any other (ErrorServerBusy,
    which is also what exchangelib makes of a bare 503) may have followed the send: the
    outbox looks in Sent Items before it tries again. The login not allowed to send as the
    mailbox stops every email alike (SendError.server)."""
    where = login.describe()
    code = type(exc).__name__
    if code == _SEND_AS_DENIED:
        grant = f"give {login.username or 'the app'} Send As on the mailbox"
        return SendError(f"{where}: Exchange refused sending: {code} ({exc}); {grant}", server=True)
    if code in _REFUSED_FOR_GOOD:
        return SendError(f"{where}: Exchange refused to send it: {code} ({exc})", permanent=True)
    return SendError(f"{where}: the server did not confirm sending ({exc})", maybe_sent=True)


def _sent_items(account: Any) -> Any:
    """Sent Items by its distinguished id, as SavedItemFolderId: sending asks for no folder
    first (one CreateItem), so it works while reading the mailbox does not."""
    from exchangelib import Mailbox
    from exchangelib.folders import Root, SentItems
    from exchangelib.properties import DistinguishedFolderId

    where = DistinguishedFolderId(
        id=SentItems.DISTINGUISHED_FOLDER_ID,
        mailbox=Mailbox(email_address=account.primary_smtp_address),
    )
    return SentItems(_distinguished_id=where, root=Root(account=account))


def _envelope(raw: bytes, recipients: list[str]) -> tuple[str, list[str]]:
    """The MIME's Message-ID, and the recipients its To and Cc do not name (sent as Bcc).

    Exchange sends to every address the headers name, so one that is not among the
    recipients (a partial resend) cannot be expressed: refused for good."""
    headers = BytesHeaderParser(policy=compat32).parsebytes(raw)
    named = {
        address.casefold()
        for field in ("To", "Cc", "Bcc")
        for _, address in getaddresses([str(v) for v in headers.get_all(field) or []])
        if address
    }
    wanted = {r.casefold() for r in recipients}
    if named - wanted:
        raise SendError(
            f"the email names {len(named - wanted)} address(es) in its headers that are not "
            "among its recipients; Exchange sends to every address in the headers",
            permanent=True,
        )
    message_id = " ".join(str(headers.get("Message-ID") or "").split())
    return message_id, [r for r in recipients if r.casefold() not in named]
