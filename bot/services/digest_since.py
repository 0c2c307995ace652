"""What is new since the last digest: cases opened, and what people wrote on case threads.

Counted from when the previous digest was written; bot.adapters.db.digest_barrier makes sure
nothing recorded before that moment was still uncommitted when it was written.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, CaseEvent, OutboxMessage
from bot.app import App
from bot.services.attention import NEW_ON_CASE, agency_name
from bot.services.digest_types import NewCase, NewOnCase


def new_cases(session: Session, since: datetime) -> list[NewCase]:
    """The cases opened since `since` (last_digest_at: whatever the gap, Christmas, Easter, a
    lost day)."""
    rows = session.execute(
        select(Case.ref, Case.opened_at, Case.kind).where(Case.opened_at >= since).order_by(Case.id)
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


def new_on_cases(session: Session, app: App, since: datetime) -> list[NewOnCase]:
    """What people wrote on case threads since `since`, the last digest (bot.services
    .attention)."""
    rows = session.execute(
        select(Case.ref, CaseEvent)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(CaseEvent.what == NEW_ON_CASE, CaseEvent.at >= since)
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
