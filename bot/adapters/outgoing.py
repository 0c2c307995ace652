"""The one small interface every outgoing mail backend implements."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Protocol, runtime_checkable

# The longest one send may take, everything included (connecting, logging in, every wait a
# throttling server asks for, the last reply): each sender gives up past it, as nothing sent
# when it can tell, as maybe sent when the email had gone. The outbox's claim on an email is
# several times this (bot.services.outbox_claim), so no other instance can take an email while
# a send of it is still going on.
SEND_SECONDS = 240.0


class SendError(Exception):
    """Sending failed; the outbox keeps the message and retries later.

    permanent: the server refused it for good (5xx for every recipient); retrying cannot help.
    Everything else (connection refused, timeouts, 4xx, a login refused) is worth retrying.
    maybe_sent: the whole message had gone to the server when the connection failed, so the
    server may have accepted it; look before sending it again.
    server: the mail server could not be reached, or refused the bot's login, its token or its
    mailbox (Graph: the app's access; EWS: the sending mailbox), before any email was handed
    over: every email fails alike until someone mends it (the message names no email, so it
    may be shown and logged as it is).
    """

    def __init__(
        self,
        message: str,
        *,
        permanent: bool = False,
        maybe_sent: bool = False,
        server: bool = False,
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.maybe_sent = maybe_sent
        self.server = server


class RecipientsRefusedError(SendError):
    """The relay refused some recipients; the others may already have received the message.

    `refused` maps each refused address to the server's reply code, so a caller can decide
    whether a retry would only duplicate the mail for those who got it; `replies` to the
    server's words, where it gave them ("550 5.1.1 No such user").
    """

    def __init__(
        self,
        message: str,
        refused: dict[str, int],
        accepted: list[str],
        replies: dict[str, str] | None = None,
    ) -> None:
        # For good only when nobody got it and every refusal was a 5xx, not a 4xx "try later".
        for_good = not accepted and all(code >= 500 for code in refused.values())
        super().__init__(message, permanent=for_good)
        self.refused = refused
        self.accepted = accepted
        self.replies = replies or {}


class MailSender(Protocol):
    def send(self, raw: bytes, sender: str, recipients: list[str]) -> None:
        """Deliver one already-built RFC 5322 message or raise SendError, within
        SEND_SECONDS."""
        ...


@runtime_checkable
class BatchingSender(Protocol):
    """A sender that can carry several emails over one connection (SMTP): the outbox sends
    each drain inside batch()."""

    def batch(self) -> AbstractContextManager[None]: ...


class SentLookup(Protocol):
    """Where the mail server keeps what it sent (Exchange: the mailbox's Sent Items), asked
    before re-sending an email whose earlier attempt may have reached the server."""

    # How long the server may take to file what it sent there (zero: it files at once). Until
    # then "not there" is not "not sent" (bot.core.unconfirmed_send).
    files_within: timedelta
    # The folder's name as a person finds it in the mailbox, for the words she is told: the
    # folder searched may be named by an id (Exchange's "sentitems").
    folder_name: str

    def was_sent(self, message_id: str) -> bool:
        """True when a message with this Message-ID (without <>) is there; SendError when the
        place cannot be searched now."""
        ...

    def close(self) -> None: ...


@runtime_checkable
class ProbedSender(Protocol):
    """A sender `doctor` can try without sending: connect, secure, log in, quit."""

    def probe(self) -> str:
        """What was done, in words; raises SendError saying what failed."""
        ...
