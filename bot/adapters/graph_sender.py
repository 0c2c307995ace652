"""MailSender over Microsoft Graph: the bot's own MIME, sent with `sendMail`.

Graph's "Send mail" takes a message in MIME format: the RFC 5322 bytes, base64-encoded, as a
`text/plain` body ("Send Outlook messages in MIME format"). The Message-ID, In-Reply-To,
References and calendar parts are therefore exactly the ones the bot built; Exchange keeps a
copy in the mailbox's Sent Items. Graph sends to the addresses in the To, Cc and Bcc headers,
so a recipient the headers do not name is added as Bcc.
"""

from __future__ import annotations

import base64
import logging
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses
from urllib.parse import quote

from bot.adapters.graph_client import GraphClient
from bot.adapters.graph_error import GraphError
from bot.adapters.outgoing import SEND_SECONDS, SendError
from bot.adapters.send_deadline import ending_within

log = logging.getLogger(__name__)


class GraphSender:
    def __init__(
        self, client: GraphClient, user: str, *, send_seconds: float = SEND_SECONDS
    ) -> None:
        self._client = client
        self.user = user
        self._send_seconds = send_seconds

    def send(self, raw: bytes, sender: str, recipients: list[str]) -> None:
        if not recipients:
            raise SendError("no recipients given")
        mime = _addressed(raw, recipients)
        try:
            with ending_within(self._send_seconds):  # a token fetch too, not only Graph's waits
                self._call(mime)
        except GraphError as exc:
            # maybe_sent: the request went and no answer came, so the outbox looks in Sent
            # Items first.
            raise SendError(
                _worded(exc),
                permanent=_for_good(exc),
                maybe_sent=exc.maybe_done,
                server=_every_email(exc),
            ) from None
        # Counts only: addresses are personal data and the outbox already records them.
        log.info("sent message via Graph as %s to %d recipient(s)", self.user, len(recipients))

    def _call(self, mime: bytes) -> None:
        self._client.call(
            "POST",
            self._client.url(f"users/{quote(self.user, safe='@')}/sendMail"),
            what="sendMail",
            permission="Mail.Send",
            data=base64.b64encode(mime),
            headers={"Content-Type": "text/plain"},
            # The outbox's claim on the email outlasts this; Graph's waits must not.
            deadline=self._client.deadline_in(self._send_seconds),
        )

    def close(self) -> None:
        self._client.close()


# sendMail's answers about the app or the sending mailbox, never about one email
# (learn.microsoft.com/graph/errors and "Resolve Microsoft Graph authorization errors"): 401
# InvalidAuthenticationToken, the token refused though fresh from Entra ID (consent revoked,
# the app's credential no longer accepted); 403 ErrorAccessDenied, the app without Mail.Send or the
# mailbox outside its RBAC scope or access policy; 404, the one resource the call names, the
# sending mailbox: ErrorInvalidUser, or MailboxNotEnabledForRESTAPI (inactive, soft-deleted,
# unlicensed or on-premises).
_APP_OR_MAILBOX = (401, 403, 404)


def _every_email(exc: GraphError) -> bool:
    """Whether every email fails alike until someone mends the app, the mailbox or the network:
    no token, Graph not reached, or an answer about the app or the mailbox. Not throttling or a
    busy service (429, 503: Graph asks for a retry after a wait, and it mends by itself), nor
    anything about one email (400 ErrorInvalidRecipients, 413 too large)."""
    return exc.no_token or exc.unreachable or exc.status in _APP_OR_MAILBOX


def _for_good(exc: GraphError) -> bool:
    """Whether Graph refused this email for good. An answer about the app or the mailbox is
    refused for every email alike: it is retried, as a refused SMTP login is, so the queue goes
    out once an administrator mends the access, and nothing waits on a person retrying each
    email by hand."""
    return exc.permanent and exc.status not in _APP_OR_MAILBOX


def _worded(exc: GraphError) -> str:
    """Graph's words, and for a 404 where to look: the only thing sendMail names is the sending
    mailbox (a 401 or a 403 already says what the app needs)."""
    if exc.status != 404:
        return str(exc)
    return (
        f"{exc} (the sending mailbox: check [outgoing.graph] user is an Exchange Online "
        "mailbox, licensed and not on-premises)"
    )


def _addressed(raw: bytes, recipients: list[str]) -> bytes:
    """The MIME Graph should send: every recipient named in To, Cc or Bcc, and no one else."""
    headers = BytesHeaderParser(policy=compat32).parsebytes(raw)
    named = {
        address.casefold()
        for field in ("To", "Cc", "Bcc")
        for _, address in getaddresses([str(v) for v in headers.get_all(field) or []])
        if address
    }
    wanted = {r.casefold() for r in recipients}
    if named - wanted:
        # Graph would deliver to them too: a partial resend cannot be expressed as MIME.
        raise SendError(
            f"the email names {len(named - wanted)} address(es) in its headers that are not "
            "among its recipients; Graph sends to every address in the headers",
            permanent=True,
        )
    extra = [r for r in recipients if r.casefold() not in named]
    if not extra:
        return raw
    newline = b"\r\n" if b"\r\n" in raw[:2000] else b"\n"
    return b"Bcc: " + ", ".join(extra).encode("ascii", "replace") + newline + raw
