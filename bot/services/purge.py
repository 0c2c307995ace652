"""`purge`: gather the facts, let bot.core.retention decide, then delete in one transaction.

Each purged record leaves a row in purge_log (rule, reference, when, rows removed by table),
written in the same transaction as the deletion, so there is never a deletion without its
record nor a record of a deletion that did not happen. Purge never deletes from purge_log.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from bot.adapters.db.models import (
    ActionItem,
    AgencyRequest,
    Base,
    Case,
    CaseEvent,
    CaseField,
    ChronologyEntry,
    Deadline,
    Meeting,
    MeetingResponse,
    OutboxDeliveryFailure,
    OutboxMessage,
    PurgeRecord,
    StoredMessage,
    Vote,
)
from bot.app import App
from bot.core.lifecycle import Stage
from bot.core.retention import (
    CaseFacts,
    MessageFacts,
    OutboxFacts,
    PurgeDecision,
    RecordKind,
    RetentionPolicy,
    due_for_purge,
)
from bot.services.purge_facts import case_facts, message_facts, outbox_facts

# (table, condition on that table's rows for one record), in an order that deletes what
# refers to a row before the row. Each record kind lists every table it owns rows in.
Where = Callable[[int], ColumnElement[bool]]
_CASE_TABLES: tuple[tuple[type[Base], Where], ...] = (
    (
        MeetingResponse,
        lambda i: MeetingResponse.meeting_id.in_(select(Meeting.id).where(Meeting.case_id == i)),
    ),
    (Meeting, lambda i: Meeting.case_id == i),
    (
        OutboxDeliveryFailure,
        lambda i: OutboxDeliveryFailure.outbox_id.in_(
            select(OutboxMessage.id).where(OutboxMessage.case_id == i)
        ),
    ),
    (OutboxMessage, lambda i: OutboxMessage.case_id == i),
    (Vote, lambda i: Vote.case_id == i),
    (AgencyRequest, lambda i: AgencyRequest.case_id == i),
    (ActionItem, lambda i: ActionItem.case_id == i),
    (CaseField, lambda i: CaseField.case_id == i),
    (ChronologyEntry, lambda i: ChronologyEntry.case_id == i),
    (Deadline, lambda i: Deadline.case_id == i),
    (CaseEvent, lambda i: CaseEvent.case_id == i),
    (StoredMessage, lambda i: StoredMessage.case_id == i),
    (Case, lambda i: Case.id == i),
)
_OUTBOX_TABLES: tuple[tuple[type[Base], Where], ...] = (
    (OutboxDeliveryFailure, lambda i: OutboxDeliveryFailure.outbox_id == i),
    (OutboxMessage, lambda i: OutboxMessage.id == i),
)
_MESSAGE_TABLES: tuple[tuple[type[Base], Where], ...] = (
    (StoredMessage, lambda i: StoredMessage.id == i),
)
_TABLES = {
    RecordKind.CASE: _CASE_TABLES,
    RecordKind.OUTBOX: _OUTBOX_TABLES,
    RecordKind.MESSAGE: _MESSAGE_TABLES,
}
# Cases first (children, with higher ids, before their parents), then emails, then mail: a
# message of no case may be referred to by a purged case's rows or a purged email's bounce.
_ORDER = {RecordKind.CASE: 0, RecordKind.OUTBOX: 1, RecordKind.MESSAGE: 2}


@dataclass(frozen=True)
class PurgeItem:
    decision: PurgeDecision
    rule_setting: str  # "closed_cases_years=35"
    rows: dict[str, int]  # by table; only tables with rows


def plan_purge(app: App, now: datetime) -> list[PurgeItem]:
    """What `purge` would delete now, with row counts; changes nothing."""
    with app.sessions() as session:
        return [
            PurgeItem(d, _setting(app.config.retention, d), _count(session, d))
            for d in _decide(session, app.config.retention, now)
        ]


def purge(app: App, now: datetime, run_by: str) -> list[PurgeItem]:
    """Delete everything due, and log each record purged, in one transaction."""
    done = []
    with app.sessions.begin() as session:
        for d in _decide(session, app.config.retention, now):
            item = PurgeItem(d, _setting(app.config.retention, d), _delete(session, d))
            session.add(
                PurgeRecord(
                    purged_at=now,
                    rule=item.rule_setting,
                    kind=d.kind.value,
                    reference=d.reference,
                    since=d.since,
                    removed=dict(item.rows),
                    run_by=run_by,
                )
            )
            done.append(item)
    return done


def purge_history(app: App) -> list[PurgeRecord]:
    """Every purge recorded, oldest first."""
    with app.sessions() as session:
        return list(session.scalars(select(PurgeRecord).order_by(PurgeRecord.id)))


def _decide(session: Session, policy: RetentionPolicy, now: datetime) -> list[PurgeDecision]:
    cases: list[CaseFacts] = case_facts(session, Stage.CLOSED.value)
    messages: list[MessageFacts] = message_facts(session)
    outbox: list[OutboxFacts] = outbox_facts(session)
    decisions = due_for_purge(policy, now, cases, messages, outbox)
    return sorted(decisions, key=lambda d: (_ORDER[d.kind], -d.id))


def _setting(policy: RetentionPolicy, d: PurgeDecision) -> str:
    return f"{d.rule.value}={getattr(policy, d.rule.value)}"


def _count(session: Session, d: PurgeDecision) -> dict[str, int]:
    rows: dict[str, int] = defaultdict(int)
    for model, where in _TABLES[d.kind]:
        query = select(func.count()).select_from(model).where(where(d.id))
        rows[model.__tablename__] += session.scalar(query) or 0
    return {table: n for table, n in rows.items() if n}


def _delete(session: Session, d: PurgeDecision) -> dict[str, int]:
    rows: dict[str, int] = defaultdict(int)
    for model, where in _TABLES[d.kind]:
        result = session.execute(
            delete(model).where(where(d.id)).execution_options(synchronize_session=False)
        )
        rows[model.__tablename__] += int(getattr(result, "rowcount", 0) or 0)
    return {table: n for table, n in rows.items() if n}
