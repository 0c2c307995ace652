"""Queueing an email: render, build and write it to the outbox in the caller's transaction."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.parser import BytesHeaderParser
from email.utils import getaddresses
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, OutboxMessage, StoredMessage
from bot.adapters.email_builder import InlineImage, build_email, make_message_id
from bot.app import App
from bot.config import Config
from bot.core.stated_dates import Stated
from bot.core.wording import signed_as
from bot.services.batch import Batch
from bot.services.held_rows import email_held, hold_email


class DuplicateEmail(Exception):
    """An email that exists for one incoming message was already queued while that message was
    being processed for the first time: another transaction processed the same message."""


def base_context(app: App) -> dict[str, object]:
    return config_context(app.config)


def config_context(config: Config) -> dict[str, object]:
    """What every template may name: the partnership and its Business Manager."""
    p = config.partnership
    bm = config.people.business_manager
    return {
        "partnership": {"name": p.name, "mailbox": p.mailbox, "prefix": p.reference_prefix},
        "business_manager": {
            "name": bm.name,
            "email": bm.email,
            "signed": signed_as(bm.name, "Business Manager"),
        },
    }


def queue_email(
    session: Session,
    app: App,
    *,
    key: str,
    event: str,
    to: Sequence[str],
    context: Mapping[str, object],
    now: datetime,
    case: Case | None = None,
    cc: Sequence[str] = (),
    in_reply_to: str | None = None,
    ics: bytes | None = None,
    for_message: StoredMessage | None = None,
    images: Sequence[InlineImage] = (),
    unqueued: bool = False,
    stated: Stated | None = None,
    check: str | None = None,
) -> OutboxMessage | None:
    """Add one email to the outbox unless an email with this idempotency key already exists.

    Skipping an existing key is what scheduled mail relies on (a reminder, a digest or a
    case's request is queued once, however many passes ask). An email for one incoming
    message (for_message: its acknowledgement, its command result) is different: the first
    processing of that message cannot find it queued, and if it does another transaction
    processed the message too, so this one raises DuplicateEmail and rolls back. A message
    sent round again by `triage retry` (processed before) keeps the skip: the sender is not
    answered twice.

    Mail to an outside body named in the config's approval list is written as a draft and the
    Business Manager is asked to approve it; it is sent only after that.

    unqueued: the caller has already read, in this transaction, that no email has this key (the
    reminder tick reads all its cases' keys in one query), or knows none can (the invitation
    of a case this message opened is keyed by its new reference), so it is not asked; the
    outbox's unique key still refuses a duplicate at the commit.

    stated: the dates the email states to an outside body, looked at again just before it is
    sent (bot.services.send_checks).

    check: for a draft, what the Business Manager must look at before approving it (a date
    it states that falls on a day the partnership is closed); the approval request says it.
    """
    if not unqueued and _queued(session, key):
        if for_message is not None and for_message.processed_at is None:
            raise DuplicateEmail(key)
        return None
    email = _compose(
        app,
        key=key,
        event=event,
        to=to,
        cc=cc,
        context=context,
        now=now,
        in_reply_to=in_reply_to,
        ics=ics,
        images=images,
    )
    if stated is not None:
        email.values["stated"] = stated.as_json()
    return _add(session, app, email, case, now, check)


def queue_email_later(
    session: Session,
    app: App,
    batch: Batch,
    *,
    key: str,
    event: str,
    to: Sequence[str],
    context: Mapping[str, object],
    now: datetime,
    case: Case,
    cc: Sequence[str] = (),
) -> None:
    """queue_email(unqueued=True) for a periodic job that has read, in this transaction, that
    no email has this key, and never uses the row: it is written with the batch's other emails.

    A draft waiting for approval is still added to the session now, its id named in the
    request, after everything the batch holds so far (the rows keep the order they were
    queued in).
    """
    email = _compose(app, key=key, event=event, to=to, cc=cc, context=context, now=now)
    if email.needs_approval:
        batch.write(session)
        _add(session, app, email, case, now)
    else:
        batch.emails.append({**email.values, "case_id": case.id})


@dataclass(frozen=True)
class _Email:
    values: dict[str, Any]  # every column of the outbox row but its case
    text: str
    needs_approval: bool


def _compose(
    app: App,
    *,
    key: str,
    event: str,
    to: Sequence[str],
    cc: Sequence[str],
    context: Mapping[str, object],
    now: datetime,
    in_reply_to: str | None = None,
    ics: bytes | None = None,
    images: Sequence[InlineImage] = (),
) -> _Email:
    to, cc = _unique(to), [a for a in _unique(cc) if a not in to]
    rendered = app.templates.render(event, {**base_context(app), **context})
    partnership = app.config.partnership
    message_id = make_message_id(key, partnership.mailbox.split("@", 1)[1])
    raw = build_email(
        sender=partnership.mailbox,
        sender_name=partnership.name,
        to=to,
        cc=cc,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        message_id=message_id,
        in_reply_to=in_reply_to,
        references=[in_reply_to] if in_reply_to else [],
        date=now,
        ics=ics,
        images=images,
    )
    needs_approval = any(app.config.needs_approval(a) for a in (*to, *cc))
    values: dict[str, Any] = {
        "idempotency_key": key,
        "message_id": message_id.strip("<>"),
        "event": event,
        "sender": partnership.mailbox,
        "recipients": [*to, *cc],
        "subject": rendered.subject,
        "raw": raw,
        "created_at": now,
        "next_attempt_at": now,
        "status": "draft" if needs_approval else "pending",
        "requires_approval": needs_approval,
        "attempts": 0,
    }
    return _Email(values, rendered.text, needs_approval)


def _add(
    session: Session,
    app: App,
    email: _Email,
    case: Case | None,
    now: datetime,
    check: str | None = None,
) -> OutboxMessage:
    if not email.needs_approval and hold_email(session, case, email.values):
        return OutboxMessage(**email.values)  # written with the new case's other rows
    row = OutboxMessage(**email.values, case=case)
    session.add(row)
    if email.needs_approval:
        session.flush()
        _ask_approval(session, app, row, email.text, now, check=check)
    return row


def _queued(session: Session, key: str) -> bool:
    """Whether an email with this key is in the outbox or waiting in the session to go there.

    Asked without flushing (a Core query does not autoflush): the rows added since the last
    flush are looked for among the session's new objects instead (a key is never changed and
    outbox rows are never deleted through the session), so a message's effects are written in
    one flush, not one per email.
    """
    pending = (o for o in session.new if isinstance(o, OutboxMessage))
    if any(o.idempotency_key == key for o in pending) or email_held(session, key):
        return True
    # A Core statement built once: an ORM query built per email cost more than its answer.
    return session.connection().execute(_BY_KEY, {"key": key}).first() is not None


_OUTBOX = OutboxMessage.__table__
_BY_KEY = select(_OUTBOX.c.id).where(_OUTBOX.c.idempotency_key == bindparam("key")).limit(1)


def _unique(addresses: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(a.strip().lower() for a in addresses if a.strip()))


def restate_draft(
    session: Session,
    app: App,
    draft: OutboxMessage,
    context: Mapping[str, object],
    now: datetime,
    why: str,
    check: str | None = None,
) -> bool:
    """Write a draft still waiting for approval again from `context`; False when its words
    are unchanged. Changed, it is rewritten in place (the same id and Message-ID: it was never
    sent) and the Business Manager is sent the new words, and `why`, to approve."""
    email = _compose(
        app, key=draft.idempotency_key, event=draft.event, to=draft.recipients, cc=(),
        context=context, now=now,
    )  # fmt: skip
    if _same_words(email.text, app.parse(draft.raw).text):
        return False
    draft.raw, draft.subject = email.values["raw"], email.values["subject"]
    _ask_approval(session, app, draft, email.text, now, restated=why, check=check)
    return True


def rewrite_unsent(
    app: App,
    row: OutboxMessage,
    context: Mapping[str, object],
    now: datetime,
    stated: Stated,
    ics: bytes | None = None,
) -> None:
    """Write an email that has not gone again from `context`, as of `now`, in place: the same
    id and Message-ID (it was never sent), to the same people, in the same thread. For an
    email that needs no approval (an Appendix B request re-dated to the day it goes, an
    acknowledgement written again as of that day, an escalation worded for the day it goes);
    `ics`: its calendar entry, written again. Those it copied stay copied: an escalation says
    who is copied in."""
    headers = BytesHeaderParser(policy=policy.default).parsebytes(row.raw)
    replying = headers["In-Reply-To"]
    copied = {a.lower() for _, a in getaddresses([str(c) for c in headers.get_all("Cc", [])])}
    email = _compose(
        app, key=row.idempotency_key, event=row.event,
        to=[a for a in row.recipients if a not in copied],
        cc=[a for a in row.recipients if a in copied],
        context=context, now=now, in_reply_to=str(replying) if replying else None, ics=ics,
    )  # fmt: skip
    row.raw, row.subject, row.stated = (
        email.values["raw"],
        email.values["subject"],
        stated.as_json(),
    )


def _same_words(fresh: str, sent: str) -> bool:
    """The same words, however the text part was wrapped or its line ends written."""
    return fresh.split() == sent.split()


def _ask_approval(
    session: Session,
    app: App,
    draft: OutboxMessage,
    text: str,
    now: datetime,
    restated: str | None = None,
    check: str | None = None,
) -> None:
    # Asked again only for new words: the same words are never asked for twice.
    again = f":{hashlib.sha256(text.encode()).hexdigest()[:12]}" if restated else ""
    context = {
        "restated": restated,
        "check": check,
        "draft": {
            "id": draft.id,
            "event": draft.event,
            "recipients": draft.recipients,
            "subject": draft.subject,
            "text": text,
        },
        "how_to_approve": f"Reply to this email with the line: Approve {draft.id} "
        f"(or run: tscp-bot outbox approve {draft.id})",
    }
    queue_email(
        session,
        app,
        key=f"approval-request:{draft.idempotency_key}{again}",
        event="approval_request",
        to=[app.config.people.business_manager.email],
        context=context,
        now=now,
        case=draft.case,
    )
