"""Gather a case's facts for bot.core.case_warnings, for the case view, the digest and replies."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import AgencyRequest, Case
from bot.core.case_warnings import CaseFacts, CaseWarning, ReturnFacts, case_warnings


def warnings_for(session: Session, case: Case) -> list[CaseWarning]:
    if case.kind != "review":
        return []
    return case_warnings(facts_of(session, case))


def facts_of(session: Session, case: Case) -> CaseFacts:
    review = next((d for d in case.deadlines if d.name == "rapid_review"), None)
    requests = session.scalars(
        select(AgencyRequest).where(AgencyRequest.case_id == case.id).order_by(AgencyRequest.id)
    )
    return CaseFacts(
        closed=case.status == "closed",
        decision=case.decision,
        notifiable=case.notifiable,
        notification_sent_on=case.notification_sent_on,
        rapid_review_due=review.due if review else None,
        # The report's date is the event; a met deadline alone may mean "not required".
        rapid_review_submitted=case.rr_report_on is not None,
        returns=tuple(
            ReturnFacts(r.agency_key, r.return_by, r.received_at is not None) for r in requests
        ),
    )


def sentences(session: Session, case: Case) -> list[str]:
    return [w.sentence for w in warnings_for(session, case)]
