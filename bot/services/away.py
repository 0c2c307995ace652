"""Out-of-office answers to an Appendix B request whose return is still awaited.

The answer is shown once, under "New on your cases"; the reminders then go on to the same
away mailbox. Named beside the awaited return (in the digest) and in the escalation to the
safeguarding lead, it tells the reader why no one has replied and that someone else at the
agency must be asked.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import AgencyRequest, Case, CaseEvent
from bot.app import App
from bot.services.attention import AUTOMATIC_REPLY, NEW_ON_CASE

AwayKey = tuple[int, str]  # (case id, agency key)


def away_since_request(session: Session, app: App) -> dict[AwayKey, date]:
    """For each return awaited on an open case, the day the latest out-of-office from its
    agency came, if one came on or after the day it was asked for."""
    rows = session.execute(
        select(AgencyRequest.case_id, AgencyRequest.agency_key, AgencyRequest.requested_on)
        .join(Case, Case.id == AgencyRequest.case_id)
        .where(AgencyRequest.received_at.is_(None), Case.status == "open")
    ).all()
    if not rows:
        return {}
    asked = {(case_id, agency): on for case_id, agency, on in rows}
    found: dict[AwayKey, date] = {}
    for case_id, actor, at in session.execute(
        select(CaseEvent.case_id, CaseEvent.actor, CaseEvent.at)
        .where(CaseEvent.what == NEW_ON_CASE, CaseEvent.why.endswith(AUTOMATIC_REPLY))
        .where(CaseEvent.case_id.in_({case_id for case_id, _ in asked}))
    ):
        agency = app.config.agency_for_address(actor)
        key = (case_id, agency.key if agency else "")
        day = _local_day(app, at)
        if key in asked and day >= asked[key] and day >= found.get(key, day):
            found[key] = day
    return found


def _local_day(app: App, at: datetime) -> date:
    return at.astimezone(app.config.partnership.time_zone).date()
