"""Gather a case's facts for bot.core.case_warnings, for the case view, the digest and replies."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from types import MappingProxyType

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from bot.adapters.db.models import AgencyRequest, Case, Deadline
from bot.core.case_warnings import CaseFacts, CaseWarning, ReturnFacts, case_warnings
from bot.services.case_view import agency_names as agency_names
from bot.services.case_view import review_facts

# Agency key -> plain name. Without it a sentence names the agency by its key.
Names = Mapping[str, str]
_NO_NAMES: Names = MappingProxyType({})


def warnings_for(session: Session, case: Case, names: Names = _NO_NAMES) -> list[CaseWarning]:
    if case.kind != "review":
        return []
    return case_warnings(facts_of(session, case, names))


def facts_of(session: Session, case: Case, names: Names = _NO_NAMES) -> CaseFacts:
    review = next((d for d in case.deadlines if d.name == "rapid_review"), None)
    requests = session.scalars(
        select(AgencyRequest).where(AgencyRequest.case_id == case.id).order_by(AgencyRequest.id)
    )
    return _facts(case, review.due if review else None, list(requests), names)


def warnings_where(
    session: Session, which: ColumnElement[bool], names: Names = _NO_NAMES
) -> list[tuple[str, list[CaseWarning]]]:
    """Each review case matching `which` (by reference, in id order) with its warnings, in
    three queries however many cases; only the columns the checks read, no case objects."""
    review = (Case.kind == "review") & which
    cases = session.execute(
        select(
            Case.id,
            Case.ref,
            Case.status,
            Case.decision,
            Case.notifiable,
            Case.notification_sent_on,
            Case.rr_report_on,
        )
        .where(review)
        .order_by(Case.id)
    ).all()
    due = dict(
        session.execute(
            select(Deadline.case_id, Deadline.due)
            .join(Case, Case.id == Deadline.case_id)
            .where(review, Deadline.name == "rapid_review")
        ).all()
    )
    returns: defaultdict[int, list[ReturnFacts]] = defaultdict(list)
    for case_id, agency, return_by, received_at in session.execute(
        select(
            AgencyRequest.case_id,
            AgencyRequest.agency_key,
            AgencyRequest.return_by,
            AgencyRequest.received_at,
        )
        .join(Case, Case.id == AgencyRequest.case_id)
        .where(review)
        .order_by(AgencyRequest.id)
    ):
        returns[case_id].append(
            ReturnFacts(agency, return_by, received_at is not None, names.get(agency, ""))
        )
    return [
        (
            ref,
            case_warnings(
                CaseFacts(
                    closed=status == "closed",
                    decision=decision,
                    notifiable=notifiable,
                    notification_sent_on=sent_on,
                    rapid_review_due=due.get(case_id),
                    rapid_review_submitted=report_on is not None,
                    returns=tuple(returns.get(case_id, ())),
                )
            ),
        )
        for case_id, ref, status, decision, notifiable, sent_on, report_on in cases
    ]


def _facts(
    case: Case, rapid_review_due: date | None, requests: list[AgencyRequest], names: Names
) -> CaseFacts:
    returns = ((r.agency_key, r.return_by, r.received_at) for r in requests)
    return review_facts(case, rapid_review_due, returns, names)


def sentences(session: Session, case: Case, names: Names = _NO_NAMES) -> list[str]:
    return [w.sentence for w in warnings_for(session, case, names)]
