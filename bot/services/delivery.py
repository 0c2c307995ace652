"""Bounces: which outbox email did not reach whom, recorded and shown; never answered.

Called for every processed message after the plan is applied (the bounce is already classified
auto_reply, so nothing answers it). The core (bot.core.bounces) reads the report and pairs each
failed recipient with the outbox email; here the pairs are stored, and a failure on an email
tied to a case becomes a case event the digest lists under "needs your attention", and the
report stays on the triage list (in the inbox) until a person has reached the recipient; the
Business Manager is told at once (bot.services.undelivered), once per email. A report
about mail the bot did not send, or one it cannot read, goes to triage: nothing is silent.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, OutboxDeliveryFailure, OutboxMessage, StoredMessage
from bot.adapters.delivery_report import report_parts
from bot.app import App
from bot.core.bounces import (
    DeliveryReport,
    SentEmail,
    Undelivered,
    match_report,
    not_delivered,
    read_report,
    reason,
)
from bot.core.message import MailMessage
from bot.services.cases import add_event
from bot.services.digest_types import NotDelivered
from bot.services.undelivered import tell

NOT_DELIVERED_EVENT = "mail_not_delivered"


def note_delivery_report(
    session: Session, app: App, row: StoredMessage, msg: MailMessage, now: datetime
) -> None:
    if row.kind != "auto_reply":
        return
    report = read_report(msg, report_parts(row.raw))
    if report is None:
        return
    if not report.failures and not report.machine_readable:
        _needs_person(session, row, "delivery failure report: no failed recipient could be read")
    recorded: dict[int, list[Undelivered]] = {}
    for item in match_report(report, _candidates(session, report)):
        if item.outbox_id is None:
            _not_ours(session, row, report, item, now)
        elif _record(session, row, item, now):
            recorded.setdefault(item.outbox_id, []).append(item)
    for outbox_id, items in recorded.items():
        _tell(session, app, row, outbox_id, items, now)


def _tell(
    session: Session, app: App, row: StoredMessage, outbox_id: int, items: list[Undelivered],
    now: datetime,
) -> None:  # fmt: skip
    """One notice to the Business Manager per email the report is about, now: the report
    waits on the triage list, the digest may be a day away."""
    outbox = session.get(OutboxMessage, outbox_id)
    if outbox is not None:
        first = items[0]
        words = reason(first.status, first.diagnostic)
        recipients = tuple(item.recipient for item in items)
        tell(app, session, outbox, recipients, words, report_id=row.id, now=now)


def _candidates(session: Session, report: DeliveryReport) -> list[SentEmail]:
    wanted: list[ColumnElement[bool]] = []
    if report.original_ids:
        wanted.append(OutboxMessage.message_id.in_(report.original_ids))
    if report.original_subject:
        wanted.append(OutboxMessage.subject == report.original_subject)
    if not wanted:
        return []
    rows = session.scalars(select(OutboxMessage).where(or_(*wanted)).order_by(OutboxMessage.id))
    return [SentEmail(r.id, r.message_id, tuple(r.recipients), r.subject, r.sent_at) for r in rows]


def _record(session: Session, row: StoredMessage, item: Undelivered, now: datetime) -> bool:
    """Store the failure; False when it was stored already (the same report read again, or
    another report on the same recipient)."""
    outbox = session.get(OutboxMessage, item.outbox_id)
    if outbox is None or _already(session, outbox.id, item.recipient):
        return False
    session.add(
        OutboxDeliveryFailure(
            outbox=outbox,
            recipient=item.recipient,
            status=item.status,
            diagnostic=item.diagnostic,
            reported_at=now,
            message_id=row.id,
        )
    )
    line = f"Email #{outbox.id} ({outbox.event}) " + not_delivered(
        item.recipient, item.status, item.diagnostic
    )
    # Someone was not told what the bot said they were (an acknowledgement, an invitation):
    # only a person can reach them, so the report stays in the inbox until one has.
    _needs_person(session, row, f"{line}: correct the address and send it again by hand")
    if outbox.case is not None:
        row.case = row.case or outbox.case
        _flag(session, outbox.case, row, line, now)
    return True


def _already(session: Session, outbox_id: int, recipient: str) -> bool:
    found = session.scalar(
        select(OutboxDeliveryFailure.id).where(
            OutboxDeliveryFailure.outbox_id == outbox_id,
            OutboxDeliveryFailure.recipient == recipient,
        )
    )
    return found is not None


def _not_ours(
    session: Session, row: StoredMessage, report: DeliveryReport, item: Undelivered, now: datetime
) -> None:
    """A report on mail the bot has no record of sending (a person's own mail, a copy)."""
    about = f"'{report.original_subject}'" if report.original_subject else "an email"
    line = not_delivered(item.recipient, item.status, item.diagnostic)
    detail = f"Delivery report on {about}, not sent by the bot: {line}"
    if row.case is not None:
        _flag(session, row.case, row, detail, now)
    else:
        _needs_person(session, row, detail)


def _flag(session: Session, case: Case, row: StoredMessage, detail: str, now: datetime) -> None:
    add_event(session, case, now, NOT_DELIVERED_EVENT, detail, why=f"delivery report #{row.id}")


def _needs_person(session: Session, row: StoredMessage, reason: str) -> None:
    earlier = [row.triage_reason] if row.triage_reason else []
    row.needs_triage, row.triage_reason = True, "; ".join([*earlier, reason])


def recent_failures(session: Session, app: App, today: date) -> list[NotDelivered]:
    """Failures reported in the last 5 working days, for the digest."""
    since_day = app.calendar.add_working_days(today, -5)
    since = datetime.combine(since_day, datetime.min.time(), app.config.partnership.time_zone)
    rows = session.execute(
        select(OutboxDeliveryFailure, OutboxMessage)
        .join(OutboxMessage, OutboxMessage.id == OutboxDeliveryFailure.outbox_id)
        .where(OutboxDeliveryFailure.reported_at >= since)
        .order_by(OutboxDeliveryFailure.id)
    ).all()
    return [
        {
            "id": o.id,
            "ref": o.case.ref if o.case else None,
            "subject": o.subject,
            "reported_at": f.reported_at,
            "line": not_delivered(f.recipient, f.status, f.diagnostic),
        }
        for f, o in rows
    ]
