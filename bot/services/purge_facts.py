"""The facts bot.core.retention decides on, read from the database without any raw message
bytes or personal data (ids, references, states and times only)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.adapters.db.models import (
    AgencyRequest,
    Case,
    CaseEvent,
    CaseField,
    ChronologyEntry,
    Meeting,
    MeetingResponse,
    OutboxDeliveryFailure,
    OutboxMessage,
    StoredMessage,
    Vote,
)
from bot.core.retention import CaseFacts, MessageFacts, OutboxFacts, RecordKind

Owner = tuple[RecordKind, int]
_HANDLED = ("processed", "quarantined")
_FINISHED = ("sent", "failed", "withdrawn")  # withdrawn: a chase that will never go


def case_facts(session: Session, closed_stage: str) -> list[CaseFacts]:
    latest = _latest_activity(session)
    rows = session.execute(select(Case.id, Case.ref, Case.stage, Case.parent_id, Case.opened_at))
    cases = list(rows)
    linked: dict[int, set[int]] = defaultdict(set)
    for case_id, _ref, _stage, parent_id, _opened in cases:
        if parent_id is not None:
            linked[case_id].add(parent_id)
            linked[parent_id].add(case_id)
    return [
        CaseFacts(
            id=case_id,
            ref=ref,
            closed=stage == closed_stage,
            last_activity=max([opened, *latest.get(case_id, [])]),
            linked=frozenset(linked[case_id]),
        )
        for case_id, ref, stage, _parent, opened in cases
    ]


def _latest_activity(session: Session) -> dict[int, list[datetime]]:
    """Per case, the latest event (closing is one), message received and email queued."""
    latest: dict[int, list[datetime]] = defaultdict(list)
    for case_col, at_col in (
        (CaseEvent.case_id, CaseEvent.at),
        (StoredMessage.case_id, StoredMessage.received_at),
        (OutboxMessage.case_id, OutboxMessage.created_at),
    ):
        query = select(case_col, func.max(at_col)).where(case_col.is_not(None)).group_by(case_col)
        for case_id, at in session.execute(query):
            if case_id is not None and at is not None:
                latest[case_id].append(at)  # max() keeps the column's type: aware UTC
    return latest


def message_facts(session: Session) -> list[MessageFacts]:
    refs = _message_references(session)
    rows = session.execute(
        select(
            StoredMessage.id,
            StoredMessage.case_id,
            StoredMessage.status,
            StoredMessage.needs_triage,
            StoredMessage.received_at,
        )
    )
    return [
        MessageFacts(
            id=mid,
            case_id=case_id,
            handled=status in _HANDLED and not needs_triage,
            arrived=received_at,
            referenced_by=frozenset(refs[mid]),
        )
        for mid, case_id, status, needs_triage, received_at in rows
    ]


def _message_references(session: Session) -> dict[int, set[Owner]]:
    """Which records own rows that refer to each message (a vote, a form field, a bounce)."""
    refs: dict[int, set[Owner]] = defaultdict(set)
    for model in (Vote, AgencyRequest, CaseField, ChronologyEntry):
        query = select(model.message_id, model.case_id).where(model.message_id.is_not(None))
        for mid, case_id in session.execute(query):
            _refers(refs, mid, (RecordKind.CASE, case_id))
    responses = select(MeetingResponse.message_id, Meeting.case_id).join(
        Meeting, Meeting.id == MeetingResponse.meeting_id
    )
    for mid, case_id in session.execute(responses.where(MeetingResponse.message_id.is_not(None))):
        _refers(refs, mid, (RecordKind.CASE, case_id))
    bounces = select(
        OutboxDeliveryFailure.message_id, OutboxMessage.case_id, OutboxMessage.id
    ).join(OutboxMessage, OutboxMessage.id == OutboxDeliveryFailure.outbox_id)
    for bounce, on_case, outbox_id in session.execute(
        bounces.where(OutboxDeliveryFailure.message_id.is_not(None))
    ):
        if on_case is None:
            _refers(refs, bounce, (RecordKind.OUTBOX, outbox_id))
        else:
            _refers(refs, bounce, (RecordKind.CASE, on_case))
    return refs


def _refers(refs: dict[int, set[Owner]], message_id: int | None, owner: Owner) -> None:
    if message_id is not None:
        refs[message_id].add(owner)


def outbox_facts(session: Session) -> list[OutboxFacts]:
    rows = session.execute(
        select(
            OutboxMessage.id,
            OutboxMessage.case_id,
            OutboxMessage.status,
            OutboxMessage.sent_at,
            OutboxMessage.created_at,
            OutboxMessage.event,
        )
    )
    return [
        OutboxFacts(
            id=oid,
            case_id=case_id,
            finished=status in _FINISHED,
            finished_at=sent_at or created_at,
            event=event,
        )
        for oid, case_id, status, sent_at, created_at, event in rows
    ]
