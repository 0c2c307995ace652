"""The dates an outbox email states and the case as it stands, gathered for
bot.core.stated_dates (and bot.core.stated_acks), which decides whether the email may still
go as written."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import cast

from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.orm import object_session

from bot.adapters.db.models import Case, Deadline, Meeting, OutboxMessage
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


_CASES, _MEETINGS, _DEADLINES = (cast(Table, m.__table__) for m in (Case, Meeting, Deadline))
_LATEST_SCREENING = (
    select(func.max(_MEETINGS.c.id))
    .where(_MEETINGS.c.case_id == _CASES.c.id, _MEETINGS.c.purpose == "screening")
    .correlate(_CASES)
    .scalar_subquery()
)
# Built once, not per email: building the statement cost more than running it. The tables'
# columns, not the ORM's Case with its deadlines and meeting: the email needs a few values,
# and loading those objects (or even ORM columns) cost more than the statement.
_CASE_NOW = (
    select(
        _CASES.c.sin_received_on,
        _CASES.c.decision,
        _MEETINGS.c.start,
        _MEETINGS.c.cancelled_at,
        _DEADLINES.c.name,
        _DEADLINES.c.due,
        _DEADLINES.c.met_at,
    )
    .select_from(_CASES)
    .outerjoin(_MEETINGS, _MEETINGS.c.id == _LATEST_SCREENING)
    .outerjoin(_DEADLINES, _DEADLINES.c.case_id == _CASES.c.id)
    .where(_CASES.c.id == bindparam("case_id"))
)


def case_now(app: App, row: OutboxMessage) -> CaseNow | None:
    """What an acknowledgement or invitation would say if written now: the complaint's
    receipt and unanswered response date, the panel's start, the key dates. None when it is
    on no case. The case, its deadlines and its latest screening meeting are read in one
    statement: every acknowledgement and invitation sent asks."""
    session = object_session(row)
    if session is None or row.case_id is None:
        return None
    rows = session.execute(_CASE_NOW, {"case_id": row.case_id}).all()
    if not rows:
        return None
    first = rows[0]
    # The outer join gives one row with no deadline's columns to a case without deadlines.
    deadlines = [r for r in rows if r.name is not None]
    response = next((d for d in deadlines if d.name == "complaint_response"), None)
    reply_due = response.due if response is not None and response.met_at is None else None
    at = first.start if first.cancelled_at is None else None
    return CaseNow(
        received=first.sin_received_on,
        reply_due=reply_due,
        meeting_at=at.astimezone(app.config.partnership.time_zone) if at else None,
        # In no order: bot.core.stated_acks sorts them.
        key_dates=tuple((d.due, d.met_at is not None) for d in deadlines),
        decided=first.decision is not None,
    )
