"""Drafts to outside bodies: approved by the Business Manager, by email or at the terminal."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, OutboxMessage
from bot.services.cases import add_event


class ApprovalError(Exception):
    """The draft does not exist or is not waiting for approval."""


def drafts(session: Session, case: Case | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.status == "draft")
    if case is not None:
        query = query.where(OutboxMessage.case_id == case.id)
    return list(session.scalars(query.order_by(OutboxMessage.id)))


def approve(
    session: Session, draft_id: int | None, *, actor: str, now: datetime, case: Case | None = None
) -> OutboxMessage:
    """Release one draft to the outbox; with no id, the only draft waiting on the case."""
    if draft_id is None:
        waiting = drafts(session, case)
        if len(waiting) != 1:
            raise ApprovalError(
                f"{len(waiting)} drafts are waiting; say which one, e.g. Approve "
                f"{waiting[0].id if waiting else 'N'}"
            )
        row = waiting[0]
    else:
        found = session.get(OutboxMessage, draft_id)
        if found is None or found.status != "draft":
            raise ApprovalError(f"email #{draft_id} is not a draft waiting for approval")
        row = found
    row.status, row.approved_by, row.approved_at, row.next_attempt_at = (
        "pending",
        actor,
        now,
        now,
    )
    if row.case is not None:
        add_event(
            session,
            row.case,
            now,
            "draft_approved",
            f"Email #{row.id} ({row.event}) to {', '.join(row.recipients)} approved",
            actor=actor,
            why="outside bodies receive mail only after the Business Manager approves it",
        )
    return row
