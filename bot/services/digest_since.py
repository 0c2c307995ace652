"""What is new since the last digest: cases opened, and what people wrote on case threads.

Counted by when each was recorded (a message's moment is when the bot read it, not when it
reached the mailbox), from the moment the previous digest was written, included, up to this
one's moment, left to the next: each moment is in exactly one digest. Something recorded after
a digest's moment but committed before it read (mail it waited for) is in the next one alone;
bot.adapters.db.digest_barrier makes sure nothing recorded before the moment was still
uncommitted when it read.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, SQLColumnExpression, func, select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, CaseEvent, OutboxMessage
from bot.app import App
from bot.services.attention import NEW_ON_CASE, agency_name
from bot.services.digest_types import NewCase, NewOnCase


def recorded_between(
    moment: SQLColumnExpression[datetime], since: datetime, now: datetime
) -> ColumnElement[bool]:
    """Recorded since the last digest (`since`, its moment, included) and before this one's
    (`now`, left to the next): each moment is in exactly one digest's span."""
    return (moment >= since) & (moment < now)


def new_cases(session: Session, since: datetime, now: datetime) -> list[NewCase]:
    """The cases opened since `since` (last_digest_at: whatever the gap, Christmas, Easter, a
    lost day) and before `now`, the moment of this digest."""
    rows = session.execute(
        select(Case.ref, Case.opened_at, Case.kind)
        .where(recorded_between(Case.opened_at, since, now))
        .order_by(Case.id)
    )
    labels = {"review": "SIN", "complaint": "Complaint", "escalation": "Escalation"}
    return [
        {"ref": ref, "opened_at": opened_at, "kind": labels.get(kind, kind)}
        for ref, opened_at, kind in rows
    ]


def last_digest_at(session: Session, now: datetime) -> datetime:
    """When the previous digest was written; without one, a span that covers a long weekend. A
    digest refused for good ("failed") was never read: it counts from the one before."""
    last = session.scalar(
        select(func.max(OutboxMessage.created_at)).where(
            OutboxMessage.event == "daily_digest",
            OutboxMessage.created_at < now,
            OutboxMessage.status != "failed",
        )
    )
    return last if last is not None else now - timedelta(days=4)


def new_on_cases(session: Session, app: App, since: datetime, now: datetime) -> list[NewOnCase]:
    """What people wrote on case threads since `since`, the last digest, recorded before `now`
    (bot.services.attention)."""
    rows = session.execute(
        select(Case.ref, CaseEvent)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(CaseEvent.what == NEW_ON_CASE, recorded_between(CaseEvent.at, since, now))
        .order_by(CaseEvent.at, CaseEvent.id)
    ).all()
    return [
        {
            "ref": ref,
            "at": e.arrived_at or e.at,
            "arrived": e.arrived_at is not None,
            "who": e.why or e.actor,
            "agency": agency_name(app, e.actor),
            "lines": e.detail.splitlines(),
        }
        for ref, e in rows
    ]
