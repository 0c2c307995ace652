"""Telling the Business Manager at once of an email that did not reach someone outside the bot:
refused for good by the mail server (whole, or for some recipients) or bounced. Which ones, and
the facts, are decided by bot.core.undelivered; here the notice is queued in the caller's
transaction, under its idempotency key, so a retry, a second pass or another instance never
queues it twice."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy.orm import Session

from bot.adapters.db.models import OutboxMessage
from bot.adapters.outgoing import RecipientsRefusedError, SendError
from bot.app import App
from bot.config import Config
from bot.core.undelivered import NOTICE_EVENT, Notice, NotReached, notice_for
from bot.services.digest_names import email_name
from bot.services.mailout import queue_email


def refused_for_good(app: App, session: Session, row: OutboxMessage, exc: SendError) -> None:
    """`row` was just failed: the server refused it for good, for everyone or as a message."""
    if isinstance(exc, RecipientsRefusedError) and exc.refused:
        recipients = tuple(exc.refused)
        first = recipients[0]
        reason = exc.replies.get(first) or f"refused ({exc.refused[first]})"
    else:
        recipients, reason = tuple(row.recipients), str(exc)
    tell(app, session, row, recipients, reason, failed=True)


def tell(
    app: App,
    session: Session,
    row: OutboxMessage,
    recipients: tuple[str, ...],
    reason: str,
    *,
    failed: bool = False,
    report_id: int | None = None,
    now: datetime | None = None,
) -> None:
    """Queue the Business Manager's notice that `row` did not reach `recipients`, if it
    warrants one."""
    email = NotReached(
        row.id, row.event, row.case.ref if row.case else None, recipients, reason, failed, report_id
    )
    notice = notice_for(email, own_addresses(app.config), roles_by_address(app.config))
    if notice is None:
        return
    queue_notice_about(
        session,
        app,
        row,
        key=_key(notice),
        event=NOTICE_EVENT,
        now=now or app.clock.now(),
        facts={
            "recipients": list(notice.recipients),
            "reason": notice.reason,
            "failed": notice.failed,
            "report_id": notice.report_id,
            "statutory": notice.statutory,
        },
    )


def queue_notice_about(
    session: Session,
    app: App,
    row: OutboxMessage,
    *,
    key: str,
    event: str,
    now: datetime,
    facts: dict[str, object],
) -> None:
    """Queue a notice to the Business Manager about the outbox email `row`: its case, number,
    kind in words and subject, and the notice's own `facts`."""
    queue_email(
        session,
        app,
        key=key,
        event=event,
        to=[app.config.people.business_manager.email],
        now=now,
        case=row.case,
        context={
            "case": {"ref": row.case.ref if row.case else ""},
            "email": {"id": row.id, "what": email_name(row.event), "subject": row.subject},
            **facts,
        },
    )


def _key(notice: Notice) -> str:
    """One notice per email and set of recipients not reached, however many passes, retries
    or instances see the failure."""
    said = hashlib.sha256(",".join(notice.addresses).encode()).hexdigest()[:12]
    return f"not-delivered:{notice.outbox_id}:{said}"


def own_addresses(config: Config) -> tuple[str, ...]:
    """The partnership's own addresses: the Business Manager, the mailbox, her digest cover."""
    bm = config.people.business_manager.email
    return (bm, config.partnership.mailbox, *config.digest.cc)


def roles_by_address(config: Config) -> dict[str, str]:
    """Each outside body's address with its name, for a notice to the Business Manager to say
    whom an email was to; an agency's safeguarding lead by the agency's name."""
    p = config.people
    named = {
        p.national_panel.email: "the National Panel",
        p.ofsted.email: "Ofsted",
        p.dfe.email: "the Department for Education",
        p.secretary_of_state.email: "the Secretary of State",
        p.independent_scrutineer.email: "the Independent Scrutineer",
    }
    for agency in config.agencies:
        for person in (agency.dsp, *agency.contacts):
            if person is not None:
                named.setdefault(person.email, agency.name)
    return {address.casefold(): role for address, role in named.items()}
