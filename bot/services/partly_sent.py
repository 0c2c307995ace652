"""An email some recipients accepted and the mail server refused for others.

The accepted have it, so it is never sent again as it is (they would get a second copy); it
counts as sent. Each refused recipient then gets what the server's reply code asks for:

- 5xx, refused for good (no such user): recorded as not delivered on the email, as a bounce
  would be; the case view, `outbox list` and the digest's "Emails not delivered" show it, and
  the Business Manager is told at once (bot.services.undelivered).
- 4xx, put off ("try again later": greylisting, a full mailbox, the far side's DNS down):
  a copy addressed to those recipients alone is queued, under its own idempotency key
  (bot.core.resend_keys) and with its own Message-ID, and retried on the usual back-off until
  it goes or is refused for good. It is queued in the commit that marks the email sent, so it
  is made once, and it goes to nobody who already had the email. The case history says so.

Nobody accepted it, some refused for good and the rest put off (narrow_to_put_off): the
refused are recorded as not delivered at once, as above, and the email itself waits for the
others alone (no copy: nobody has it yet, so it stays the one email, with its Message-ID).
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import OutboxDeliveryFailure, OutboxMessage
from bot.adapters.email_builder import make_message_id
from bot.adapters.message_id_swap import with_message_id
from bot.adapters.outgoing import RecipientsRefusedError
from bot.app import App
from bot.core.backoff import retry_delay
from bot.core.refusal_words import put_off_copy_error, refused_list, said_for
from bot.core.resend_keys import resend_key
from bot.services.cases import add_event
from bot.services.undelivered import tell

log = logging.getLogger(__name__)
PUT_OFF_EVENT = "mail_put_off"


def record_refusals(
    app: App, session: Session, row: OutboxMessage, exc: RecipientsRefusedError
) -> None:
    """What becomes of each recipient `row` (just sent to the others) was refused for."""
    put_off = _put_off(exc)
    _record_refused_for_good(app, session, row, exc, put_off)
    if put_off:
        _send_again(app, session, row, put_off, exc)


def narrow_to_put_off(
    app: App, session: Session, row: OutboxMessage, exc: RecipientsRefusedError
) -> None:
    """`row` reached nobody: each recipient refused for good (5xx) is recorded as not
    delivered now, and the email is retried for those put off (4xx) alone, not for them."""
    put_off = _put_off(exc)
    gone = [address for address in exc.refused if address not in put_off]
    _record_refused_for_good(app, session, row, exc, put_off)
    row.recipients = [address for address in row.recipients if address in put_off]
    log.warning(
        "outbox #%d: %d recipient(s) refused for good, retried for %d put off",
        row.id, len(gone), len(put_off),
    )  # fmt: skip
    if row.case is not None:
        add_event(
            session,
            row.case,
            app.clock.now(),
            PUT_OFF_EVENT,
            f"Email #{row.id} ({row.event}) was refused for good for "
            f"{_codes(gone, exc)} (see Emails not delivered), and the mail server said to try "
            f"again later for {_codes(put_off, exc)}; it is retried for them alone until it goes",
            why="a 5xx reply is a refusal for good, a 4xx a refusal for now",
        )


def _put_off(exc: RecipientsRefusedError) -> list[str]:
    return [address for address, code in exc.refused.items() if 400 <= code < 500]


def _codes(addresses: list[str], exc: RecipientsRefusedError) -> str:
    """Each recipient with the server's words, "a@x.org (450 4.7.1 Greylisted, try again
    later)": the code alone does not tell greylisting from a full mailbox."""
    return refused_list({a: _said(a, exc) for a in addresses})


def _said(address: str, exc: RecipientsRefusedError) -> str:
    return said_for(address, exc.refused[address], exc.replies.get(address))


def _record_refused_for_good(
    app: App, session: Session, row: OutboxMessage, exc: RecipientsRefusedError,
    put_off: list[str],
) -> None:  # fmt: skip
    gone = [address for address in exc.refused if address not in put_off]
    for address in gone:
        _not_delivered(app, session, row, address, exc.refused[address], exc.replies.get(address))
    if gone:
        reason = exc.replies.get(gone[0]) or f"refused ({exc.refused[gone[0]]})"
        tell(app, session, row, tuple(gone), reason)


def _not_delivered(
    app: App, session: Session, row: OutboxMessage, address: str, code: int, reply: str | None
) -> None:
    session.add(
        OutboxDeliveryFailure(
            outbox=row,
            recipient=address,
            status=str(code),
            # The server's own words where it gave them ("550 5.1.1 No such user").
            diagnostic=reply or "refused by the mail server when sent",
            reported_at=app.clock.now(),
        )
    )


def _send_again(
    app: App, session: Session, row: OutboxMessage, put_off: list[str], exc: RecipientsRefusedError
) -> None:
    key = resend_key(row.idempotency_key)
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key)):
        return  # made already: never a second copy
    copy = _copy(app, row, key, put_off, exc)
    session.add(copy)
    session.flush()  # its number, for the case history
    log.warning(
        "outbox #%d: %d recipient(s) put off; sent again as #%d", row.id, len(put_off), copy.id
    )
    if row.case is not None:
        codes = _codes(put_off, exc)
        add_event(
            session,
            row.case,
            app.clock.now(),
            PUT_OFF_EVENT,
            f"Email #{row.id} ({row.event}) was sent, but the mail server said to try again "
            f"later for {codes}; email #{copy.id} sends it to them alone, retried until it goes",
            why="a 4xx reply is a refusal for now, not for good",
        )


def _copy(
    app: App, row: OutboxMessage, key: str, put_off: list[str], exc: RecipientsRefusedError
) -> OutboxMessage:
    """The same email (the same words, To and Cc) for the SMTP envelope of `put_off` alone,
    its first try counted as failed, so the digest lists it until it goes."""
    settings, now = app.config.outgoing, app.clock.now()
    message_id = make_message_id(key, row.sender.rpartition("@")[2])
    # The server's words (bot.core.refusal_words: no address in them), each said once.
    said = "; ".join(dict.fromkeys(_said(a, exc) for a in put_off))
    return OutboxMessage(
        idempotency_key=key,
        message_id=message_id.strip("<>"),
        case=row.case,
        event=row.event,
        sender=row.sender,
        recipients=put_off,
        subject=row.subject,
        raw=with_message_id(row.raw, message_id),
        created_at=now,
        status="pending",
        attempts=1,
        next_attempt_at=now
        + retry_delay(
            1, base_seconds=settings.retry_base_seconds, max_seconds=settings.retry_max_seconds
        ),
        last_error=put_off_copy_error(said, row.id),
        requires_approval=row.requires_approval,
        approved_by=row.approved_by,
        approved_at=row.approved_at,
        stated=dict(row.stated) if row.stated is not None else None,
    )
