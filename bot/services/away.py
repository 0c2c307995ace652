"""Answers from an agency whose Appendix B return is still awaited: an out-of-office, or an
email a person wrote that did not bring the return ("our lead is away; it will follow").

Each is shown once, under "New on your cases"; the reminders then go on to the same mailbox.
The out-of-office is named beside the awaited return (in the digest); both are named in the
escalation to the safeguarding lead, which tells the reader why no return came and never says
"no reply recorded" when someone at the agency replied (bot.core.agency_answers).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import AgencyRequest, Case, CaseEvent
from bot.app import App
from bot.core.agency_answers import Answer, Answers, since_request
from bot.services.attention import AUTOMATIC_REPLY, NEW_ON_CASE

AwayKey = tuple[int, str]  # (case id, agency key)


def away_since_request(session: Session, app: App) -> dict[AwayKey, date]:
    """For each return awaited on an open case, the day the latest out-of-office from its
    agency came, if one came on or after the day it was asked for."""
    return answers_since_request(session, app).away


def answers_since_request(session: Session, app: App) -> Answers:
    """For each return awaited on an open case, the latest out-of-office and the latest email
    a person wrote from its agency on the case, on or after the day it was asked for."""
    rows = session.execute(
        select(AgencyRequest.case_id, AgencyRequest.agency_key, AgencyRequest.requested_on)
        .join(Case, Case.id == AgencyRequest.case_id)
        .where(AgencyRequest.received_at.is_(None), Case.status == "open")
    ).all()
    return answers_since(session, app, {(case_id, agency): on for case_id, agency, on in rows})


def answers_since(session: Session, app: App, asked: Mapping[AwayKey, date]) -> Answers:
    """For each (case, agency) of `asked`, the latest out-of-office and the latest email a
    person at the agency wrote on the case, on or after the day given: on a closed case too."""
    if not asked:
        return Answers()
    events = session.execute(
        select(
            CaseEvent.case_id, CaseEvent.actor, CaseEvent.at, CaseEvent.arrived_at, CaseEvent.why
        )
        .where(CaseEvent.what == NEW_ON_CASE)
        .where(CaseEvent.case_id.in_({case_id for case_id, _ in asked}))
    )
    return since_request(asked, (_answer(app, *event) for event in events))


def _answer(
    app: App, case_id: int, actor: str, at: datetime, arrived: datetime | None, why: str
) -> Answer:
    people = app.config.people
    # The Scrutineer writes from the council's domain, but is no one at the agency chased.
    ours = actor.lower() in {
        p.email.lower() for p in (people.business_manager, people.independent_scrutineer)
    }
    agency = None if ours else app.config.agency_for_address(actor)
    # The day it reached the mailbox, as "received" says; when it was read if unknown.
    day = _local_day(app, arrived or at)
    return Answer((case_id, agency.key if agency else ""), day, why.endswith(AUTOMATIC_REPLY))


def _local_day(app: App, at: datetime) -> date:
    return at.astimezone(app.config.partnership.time_zone).date()
