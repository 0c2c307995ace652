"""An Appendix B request that could not go on the day it was written (the mail server down,
the bot stopped), written again, just before it goes, with the day it really goes.

It said "This request was sent on <the day it was asked for>" and "return by <day>": sent days
later, the first is untrue and the second may be gone. bot.core.stated_dates re-dates it: sent
on the day it goes, with as many working days to return as it first gave, counted from then,
never a return date earlier than the first. Here that is carried out under the outbox's claim,
in the commit that records the attempt: the email rewritten in place (the same Message-ID: it
was never sent), the agency's request and its return clock re-timed to the same days (so the
reminders follow the new date, and one queued for the old date is withdrawn unsent), and the
Business Manager told what changed in one line.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import AgencyRequest, OutboxMessage
from bot.app import App
from bot.core import deadlines
from bot.core.return_rounds import request_agency
from bot.core.stated_dates import Stated, Verdict
from bot.services.cases import set_deadline
from bot.services.held_emails import hold, redated
from bot.services.mailout import rewrite_unsent
from bot.services.review.rapid_review import request_context


def redate_request(
    session: Session, app: App, row: OutboxMessage, verdict: Verdict, now: datetime
) -> bool:
    """Re-date the request `row` (claimed by the caller) as `verdict` says; False when it
    cannot be written again (its agency is no longer configured), and it is held instead."""
    case, key = row.case, request_agency(row.idempotency_key)
    agency = app.config.agency(key) if key else None
    on, by, how = verdict.requested_on, verdict.return_by, verdict.redating
    assert on is not None and by is not None and how is not None
    if case is None or agency is None:
        line = (
            f"Appendix B request #{row.id} was not sent: {verdict.untrue}, and its agency "
            f"({key}) is no longer in [[agencies]] to write it again; ask again"
        )
        hold(session, app, row, line, now)
        return False
    context = request_context(case, agency, on, by)
    counted = how.first_counted or None  # how its first date was set, should it go later still
    rewrite_unsent(app, row, context, now, Stated(written_on=on, return_by=by, counted=counted))
    request = session.scalar(
        select(AgencyRequest).where(
            AgencyRequest.case_id == case.id, AgencyRequest.agency_key == agency.key
        )
    )
    if request is not None:
        request.requested_on, request.return_by = on, by
    clock = set_deadline(
        session,
        case,
        deadlines.appendix_b(agency.key, on, by, app.calendar, named=agency.name, redating=how),
        now,
    )
    if clock.state == "overdue":
        clock.state = "open"  # its new day is still to come
    line = f"Appendix B request #{row.id} to {agency.name}: {verdict.untrue}; {verdict.todo}."
    redated(session, app, row, line, now)
    return True
