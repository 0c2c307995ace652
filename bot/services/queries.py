"""Read-only views of cases and messages for the command line and the JSON output."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import (
    ActionItem,
    AgencyRequest,
    Case,
    CaseField,
    Deadline,
    Meeting,
    OutboxMessage,
    StoredMessage,
    Vote,
)
from bot.core.digest import deadline_state
from bot.core.screening_vote import screening_status
from bot.services.case_list import case_summaries
from bot.services.case_warnings import sentences
from bot.services.delivery import failures_by_outbox

__all__ = ["case_detail", "case_summaries"]  # the list lives in bot.services.case_list

NOT_REQUIRED = "not required"


def _review_state(session: Session, case: Case) -> dict[str, object]:
    votes = list(session.scalars(select(Vote).where(Vote.case_id == case.id).order_by(Vote.id)))
    returns = session.scalars(
        select(AgencyRequest).where(AgencyRequest.case_id == case.id).order_by(AgencyRequest.id)
    )
    actions = session.scalars(
        select(ActionItem).where(ActionItem.case_id == case.id).order_by(ActionItem.number)
    )
    read = session.scalars(
        select(CaseField)
        .where(CaseField.case_id == case.id)
        .order_by(CaseField.scope, CaseField.id)
    )
    return {
        "fields": [
            {
                "scope": f.scope,
                "name": f.name,
                "value": f.value,
                "where": f.where,
                "confidence": f.confidence,
                "problem": f.problem,
            }
            for f in read
        ],
        "sin_received_on": case.sin_received_on,
        "la_aware_on": case.la_aware_on,
        "aware_source": case.aware_source,
        "bm_aware_on": case.bm_aware_on,
        "bm_aware_reason": case.bm_aware_reason,
        "decision": case.decision,
        "decided_by": case.decided_by,
        # "no majority: the partners must agree" when three partners voted three ways.
        "screening": screening_status(
            case.decision, {v.role: v.choice for v in votes if not v.superseded}
        ),
        "notifiable": case.notifiable,
        "notification_sent_on": case.notification_sent_on,
        "cspr": case.cspr,
        "planned_publication": case.planned_publication,
        "published_on": case.published_on,
        "votes": [
            {
                "role": v.role,
                "voter": v.voter,
                "choice": v.choice,
                "at": v.at,
                "superseded": v.superseded,
            }
            for v in votes
        ],
        "returns": [
            {
                "agency": r.agency_key,
                "requested_on": r.requested_on,
                "return_by": r.return_by,
                "received_at": r.received_at,
            }
            for r in returns
        ],
        "actions": [
            {
                "number": a.number,
                "text": a.text,
                "owner": a.owner_key,
                "due": a.due,
                "done_at": a.done_at,
            }
            for a in actions
        ],
    }


def _summary(case: Case) -> dict[str, object]:
    open_deadlines = [d for d in case.deadlines if d.met_at is None]
    nxt = min(open_deadlines, key=lambda d: d.due, default=None)
    return {
        "ref": case.ref,
        "kind": case.kind,
        "status": case.status,
        "stage": case.stage,
        "opened_at": case.opened_at,
        "next_deadline": nxt.name if nxt else None,
        "next_due": nxt.due if nxt else None,
    }


def _state(d: Deadline, today: date) -> str:
    if d.state == "not_required":
        return NOT_REQUIRED
    return deadline_state(d.due, d.met_at is not None, today)


def case_detail(
    session: Session, case: Case, today: date, agencies: Mapping[str, str]
) -> dict[str, object]:
    meetings = session.scalars(select(Meeting).where(Meeting.case_id == case.id))
    messages = session.scalars(
        select(StoredMessage).where(StoredMessage.case_id == case.id).order_by(StoredMessage.id)
    )
    outgoing = session.scalars(
        select(OutboxMessage).where(OutboxMessage.case_id == case.id).order_by(OutboxMessage.id)
    )
    undelivered = failures_by_outbox(session, case.id)
    return {
        **_summary(case),
        "warnings": sentences(session, case, agencies),
        **_review_state(session, case),
        "deadlines": [
            {
                "name": d.name,
                "due": d.due,
                "state": _state(d, today),
                # The day the event happened ("not required" is never shown as met); met_at
                # is when it was recorded.
                "met": NOT_REQUIRED if d.state == "not_required" else d.met_on,
                "met_on": d.met_on,
                "met_at": d.met_at,
                "start": d.start,
                "explanation": d.explanation,
                "assumption": d.assumption,
            }
            for d in case.deadlines
        ],
        "meetings": [
            {
                "purpose": m.purpose,
                "start": m.start,
                "end": m.end,
                "location": m.location,
                "within_deadline": m.within_deadline,
            }
            for m in meetings
        ],
        "events": [
            {"at": e.at, "actor": e.actor, "what": e.what, "detail": e.detail, "why": e.why}
            for e in case.events
        ],
        "messages": [
            {
                "id": m.id,
                "received_at": m.received_at,
                "from": m.from_addr,
                "subject": m.subject,
                "kind": m.kind,
                "rule": m.rule,
            }
            for m in messages
        ],
        "outgoing": [
            {
                "id": o.id,
                "event": o.event,
                "to": o.recipients,
                "subject": o.subject,
                "status": o.status,
                "sent_at": o.sent_at,
                "not_delivered": undelivered.get(o.id, []),
            }
            for o in outgoing
        ],
    }
