"""The dates an outbox email states and the case as it stands, gathered for
bot.core.stated_dates (and bot.core.stated_acks), which decides whether the email may still
go as written."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload, object_session

from bot.adapters.db.models import Case, Meeting, OutboxMessage
from bot.app import App
from bot.core.deadlines import APPENDIX_B
from bot.core.resend_keys import original_key
from bot.core.return_rounds import request_agency
from bot.core.stated_acks import CaseNow, on_sending_ack
from bot.core.stated_dates import (
    ACKNOWLEDGEMENTS,
    APPENDIX_B_REQUEST,
    CHECKED,
    DELAY_NOTICE,
    ReturnClock,
    Stated,
    Verdict,
    on_sending,
)
from bot.services.cases import key_dates


def day_of(app: App, moment: datetime) -> date:
    return moment.astimezone(app.config.partnership.time_zone).date()


def stated_of(app: App, row: OutboxMessage) -> Stated | None:
    """What the email says about time, as kept with it. A delay notice or an Appendix B
    request queued before that was kept says what its key says: the day the review is
    expected by (rr-delay:<ref>:<expected>:...), or the return date the request asked for
    (appendix-b:<ref>:<agency>:<return by>[:<n>]), written the day it was queued."""
    found = Stated.from_json(row.stated)
    if found is not None or row.event not in (DELAY_NOTICE, APPENDIX_B_REQUEST):
        return found
    parts = row.idempotency_key.split(":")
    written = day_of(app, row.created_at)
    try:
        if row.event == DELAY_NOTICE:
            return Stated(written_on=written, promised=date.fromisoformat(parts[2]))
        return Stated(written_on=written, return_by=date.fromisoformat(parts[3]))
    except (IndexError, ValueError):
        return None


def verdict_for(app: App, row: OutboxMessage, now: datetime) -> Verdict | None:
    """Whether `row` may go as written today; None when it may (or states nothing checked)."""
    if row.event not in CHECKED:
        return None
    stated = stated_of(app, row)
    if stated is None:
        return None
    if row.event in ACKNOWLEDGEMENTS:
        live = case_now(app, row)
        if live is None:
            return None
        if stated.kept.get("start_unsure"):  # it states no key dates: none to go untrue
            live = replace(live, key_dates=())
        return on_sending_ack(row.event, stated, now, day_of(app, now), live)
    case = row.case
    return on_sending(
        row.event,
        stated,
        day_of(app, now),
        app.calendar,
        report_sent_on=case.report_sent_on if case is not None else None,
        clock=_return_clock(app, row, case),
    )


def _return_clock(app: App, row: OutboxMessage, case: Case | None) -> ReturnClock | None:
    """The live return clock an Appendix B request is for; None for other emails, and when
    the case is closed or the clock gone (its request withdrawn)."""
    agency = request_agency(original_key(row.idempotency_key))  # a copy's too
    if row.event != APPENDIX_B_REQUEST or case is None or agency is None:
        return None
    if case.status != "open":
        return None
    live = next((d for d in case.deadlines if d.name == f"{APPENDIX_B}:{agency}"), None)
    if live is None or live.state == "not_required":
        return None
    met_on = live.met_on or (day_of(app, live.met_at) if live.met_at is not None else None)
    return ReturnClock(due=live.due, met_on=met_on)


_LATEST_SCREENING = (
    select(func.max(Meeting.id))
    .where(Meeting.case_id == Case.id, Meeting.purpose == "screening")
    .correlate(Case)
    .scalar_subquery()
)
# Built once, not per email: building the statement cost more than running it.
_CASE_NOW = (
    select(Case, Meeting)
    .outerjoin(Meeting, Meeting.id == _LATEST_SCREENING)
    .options(joinedload(Case.deadlines))
    .where(Case.id == bindparam("case_id"))
)


def case_now(app: App, row: OutboxMessage) -> CaseNow | None:
    """What an acknowledgement or invitation would say if written now: the complaint's
    receipt and unanswered response date, the panel's start, the key dates. None when it is
    on no case. The case, its deadlines and its latest screening meeting are read in one
    statement: every acknowledgement and invitation sent asks."""
    session = object_session(row)
    if session is None or row.case_id is None:
        return None
    found = session.execute(_CASE_NOW, {"case_id": row.case_id})
    first = found.unique().first()
    if first is None:
        return None
    case, meeting = first
    response = next((d for d in case.deadlines if d.name == "complaint_response"), None)
    reply_due = response.due if response is not None and response.met_at is None else None
    at = meeting.start if meeting is not None and meeting.cancelled_at is None else None
    return CaseNow(
        received=case.sin_received_on,
        reply_due=reply_due,
        meeting_at=at.astimezone(app.config.partnership.time_zone) if at else None,
        key_dates=key_dates(case),
        decided=case.decision is not None,
    )
