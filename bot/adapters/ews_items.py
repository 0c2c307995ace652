"""Reading listed items' MIME content over EWS (GetItem): one answer per item, in order.

GetItem answers each requested item with a response message of its own. exchangelib hands an
item's own error (ErrorItemNotFound, ErrorMimeContentConversionFailed, ErrorItemCorrupt) back
in that item's place, but raises one that blames the server (ErrorInternalServerError), and
the answer ends there. The item it was raised at is then handed on as Refused when the code
may be that item's lasting trouble (bot.services.stuck_messages counts it across passes), and
the items after it are asked for again: whether the server gives them is what tells one
item's trouble from an outage (bot.adapters.listing.Rounds.refused). Any other error that
blames the server fails the fetch, as before.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.adapters.exchange_keys import message_key
from bot.adapters.listing import Listed
from bot.adapters.mail_source import (
    IncomingMail,
    MailboxError,
    Refused,
    Unreadable,
    looks_like_an_outage,
    may_be_stuck,
    the_message_is_at_fault,
    unread,
)

log = logging.getLogger(__name__)


def read_items(account: Any, wanted: list[Listed]) -> list[IncomingMail | Refused]:
    """The listed items' messages, in order, leaving out those moved or deleted since; the
    reading stops early when it looks like an outage (mail_source.looks_like_an_outage)."""
    found: list[IncomingMail | Refused] = []
    rest = wanted
    while rest and not looks_like_an_outage(found):
        got, rest = _read_until_refused(account, rest)
        found += got
    return found


def _read_until_refused(
    account: Any, wanted: list[Listed]
) -> tuple[list[IncomingMail | Refused], list[Listed]]:
    """One GetItem: the messages up to the first item exchangelib raised an error for (that
    one as Refused, if its code may be its own), and the items after it, still to be read."""
    from exchangelib.errors import EWSError

    ids = [(item.ident, None) for item in wanted]  # reading needs no current ChangeKey
    answers = iter(account.fetch(ids=ids, only_fields=["mime_content", "message_id"]))
    found: list[IncomingMail | Refused] = []
    for position, item in enumerate(wanted):
        try:
            full = next(answers)
        except EWSError as exc:
            if not may_be_stuck(type(exc).__name__):
                raise
            return [*found, _refused(item, exc)], wanted[position + 1 :]
        one = _one(item, full)
        if one is not None:
            found.append(one)
    return found, []


def _one(item: Listed, full: Any) -> IncomingMail | Refused | None:
    """One GetItem answer: the message; None when it was moved or deleted since the sync
    (the next one says so); unread, for a person, when Exchange cannot give it for a reason
    of its own (ErrorMimeContentConversionFailed, ErrorItemCorrupt, no MIME content)."""
    from exchangelib.errors import ErrorItemNotFound

    if isinstance(full, ErrorItemNotFound):
        return None
    if isinstance(full, Exception):
        code = type(full).__name__
        if may_be_stuck(code):
            return _refused(item, full)
        if not the_message_is_at_fault(code):
            # The server's trouble, not the message's: the pass fails, the next reads it.
            raise MailboxError(f"EWS {code} while reading a message ({full})") from None
        return _unread(item, code, f"EWS {code}: {full}")
    mime = getattr(full, "mime_content", None)
    if not mime:
        return _unread(item, "no MIME content", "EWS gave the message with no MIME content")
    raw = mime if isinstance(mime, bytes) else str(mime).encode()
    key = message_key(item.ident, str(full.message_id or item.message_id or ""))
    return IncomingMail(key=key, raw=raw, arrived_at=item.arrived)


def _refused(item: Listed, exc: Exception) -> Refused:
    error = f"EWS {type(exc).__name__} while reading a message ({exc})"
    facts = Unreadable(error, item.message_id, item.subject, item.sender, exchange=True)
    return Refused(message_key(item.ident, item.message_id), item.arrived, facts)


def _unread(item: Listed, code: str, error: str) -> IncomingMail:
    log.warning("EWS cannot give a message (%s); it waits for a person", code)
    key = message_key(item.ident, item.message_id)
    facts = Unreadable(error, item.message_id, item.subject, item.sender, exchange=True)
    return unread(key, item.arrived, facts)
