"""Reading messages' MIME over Microsoft Graph (`GET /users/{u}/messages/{id}/$value`): one
call a message, and the error of one message told from the server's.

A message Graph will not give as MIME for a reason of its own (a 500
ErrorMimeContentConversionFailed for encrypted S/MIME, a 4xx; see _its_own) is handed on
unread: ingest keeps a placeholder on the triage list and reads the rest of the Inbox. One
refused by a 5xx that blames the server is handed on as Refused (see listing.Rounds.refused).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import quote

from bot.adapters.exchange_keys import message_key
from bot.adapters.graph_client import GraphClient
from bot.adapters.graph_error import GraphError
from bot.adapters.listing import Listed, any_whole
from bot.adapters.mail_source import (
    IncomingMail,
    Refused,
    Unreadable,
    the_message_is_at_fault,
    unread,
)

log = logging.getLogger(__name__)

READ_WRITE = "Mail.ReadWrite"
# users/{u}/<path> as a full URL, for the mailbox being read.
UserUrl = Callable[[str], str]


def read_message(client: GraphClient, url: UserUrl, item: Listed) -> IncomingMail | Refused | None:
    """The listed message; None when it was moved or deleted since the delta round (the next
    one says so). An error of the app's access or throttling fails the pass (GraphError), as
    does a 404 about the mailbox rather than the message: the mailbox not served since the
    listing hides no message, which a round read to its end would pass by until a full sweep."""
    key = message_key(item.ident, item.message_id)
    try:
        response = client.call(
            "GET",
            url(f"messages/{quote(item.ident, safe='')}/$value"),
            what="reading a message's MIME",
            permission=READ_WRITE,
        )
    except GraphError as exc:
        if exc.status == 404 and not exc.about_the_mailbox:
            return None
        facts = Unreadable(str(exc), item.message_id, item.subject, item.sender, exchange=True)
        if not _its_own(exc):
            if exc.status >= 500:  # may pass, or may be stuck: counted across passes
                return Refused(key, item.arrived, facts)
            raise  # the app's access, throttling: the pass fails, the next one reads it
        log.warning(
            "Graph cannot give a message (%d %s); it waits for a person", exc.status, exc.code
        )
        return unread(key, item.arrived, facts)
    return IncomingMail(key=key, raw=response.content, arrived_at=item.arrived)


def one_reads_whole(client: GraphClient, url: UserUrl, folder_id: str, folder: str) -> bool:
    """Whether a message of the folder reads whole: False when it holds none, or when Graph
    fails at this too (the witness of listing.Rounds.fetch)."""
    try:
        page = client.json(
            "GET",
            url(f"mailFolders/{quote(folder_id, safe='')}/messages"),
            what=f"listing a message of {folder}",
            permission=READ_WRITE,
            params={"$top": "1", "$select": "id"},
        )
        found = [str(m["id"]) for m in page.get("value") or [] if m.get("id")][:1]
        read = [read_message(client, url, Listed(ident, None)) for ident in found]
    except GraphError:
        return False
    return any_whole([r for r in read if r is not None])


def _its_own(exc: GraphError) -> bool:
    """Whether a message's `$value` error is that message's alone and lasting: a 4xx other
    than the app's access (401, 403: Mail.ReadBasic lists every message and refuses every
    body), gone (404), a timeout or throttling (408, 429); or a 500 with an Exchange code of
    the message's own (ErrorMimeContentConversionFailed, for S/MIME). 502-504, and a 500
    with no code or a generic one, may pass: Refused, counted across passes (stuck_messages)."""
    if 400 <= exc.status < 500:
        return exc.status not in (401, 403, 404, 408, 429)
    return exc.status == 500 and the_message_is_at_fault(exc.code)
