"""The Screening Panel's outcome emailed to the Business Manager and the Scrutineer: when it is
decided or changed, and when a partner votes against it afterwards."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, Vote
from bot.app import App
from bot.core.screening_vote import CHOICE_LABELS, ROLE_LABELS
from bot.services.mailout import queue_email
from bot.services.review.common import case_ctx


def tell_dissent(session: Session, app: App, case: Case, given: Vote, now: datetime) -> None:
    """A partner votes against the decision after it was made: it stands (the majority holds),
    but the Scrutineer, whose view is asked on the outcome, and the Business Manager are told,
    with every vote, so no one takes the first email's votes for all of them."""
    tell_outcome(session, app, case, f"later:{given.id}", vote_ctx(app, given), now)


def tell_outcome(
    session: Session,
    app: App,
    case: Case,
    key: str,
    later_vote: dict[str, object] | None,
    now: datetime,
) -> None:
    assert case.decision is not None
    votes = session.scalars(select(Vote).where(Vote.case_id == case.id, ~Vote.superseded))
    people = app.config.people
    queue_email(
        session,
        app,
        key=f"screening-outcome:{case.ref}:{key}",
        event="screening_outcome",
        to=[people.business_manager.email, people.independent_scrutineer.email],
        now=now,
        case=case,
        context={
            "case": case_ctx(case),
            "decision": {"choice": case.decision, "label": CHOICE_LABELS[case.decision]},
            "decided_by": case.decided_by or "",
            "votes": [vote_ctx(app, v) for v in votes],
            "later_vote": later_vote,
            "notifiable": case.notifiable,
            "scrutineer_hint": "Independent Scrutineer: reply with Agree, or with "
            "Disagree: <your reason> to ask for a meeting with the panel.",
            "next_steps": _next_steps(case.decision),
        },
    )


def vote_ctx(app: App, v: Vote) -> dict[str, object]:
    return {
        "role_label": ROLE_LABELS[v.role],
        "agency": app.config.statutory_agency(v.role).name,  # type: ignore[arg-type]
        "choice_label": CHOICE_LABELS[v.choice],
        "at": v.at,
    }


def _next_steps(choice: str) -> list[str]:
    if choice == "rapid_review":
        return [
            "Business Manager: reply with Notifiable: yes or no, and Notified: <date> when "
            "the local authority has notified the National Panel.",
            "Business Manager: reply with Agencies: <keys>, Review period: <from> to <to> "
            "and Return by: <date> to send the Appendix B requests.",
        ]
    if choice == "local_review":
        return [
            "Business Manager: agree the audit, learning or assurance activity with the "
            "partners and record actions with Action: <text>; owner: <agency>; due: <date>."
        ]
    return ["No further review. Business Manager: reply Close: <reason> when the case is done."]
