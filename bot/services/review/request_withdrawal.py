"""`Withdraw request: gmp [because <reason>]`: an Appendix B request made by mistake, taken
back before its return came (the wrong case, the wrong agency, an agency asked again that had
already returned).

Left standing, its clock would have the agency chased, and escalated about, for a return it
never owed: the bot telling an outside body something untrue. So the request is undone as if
it had not been made: its clock goes (a queued reminder or escalation finds no deadline and
is withdrawn unsent), the request email is withdrawn if it has not gone, and where the agency
had returned before, that return's clock takes back its name and the request its dates, so
the digest, the case warnings and the Board's timeliness report read it as before. The case
history keeps both the request and its withdrawal.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import AgencyRequest, Case, Deadline, OutboxMessage, StoredMessage
from bot.app import App
from bot.core import commands as c
from bot.core import return_rounds as rounds
from bot.core.deadlines import APPENDIX_B, fmt_date
from bot.core.working_days import day_zero
from bot.services.outbox_claim import being_sent
from bot.services.review.common import (
    Actor,
    CommandRefused,
    deadline_row,
    note,
    resolve_agency,
)
from bot.services.stale_chases import WITHDRAWN


def withdraw_request(
    session: Session, app: App, case: Case, cmd: c.WithdrawRequest, actor: Actor, now: datetime
) -> str:
    agency = resolve_agency(app, cmd.agency)
    live = f"{APPENDIX_B}:{agency.key}"
    request = session.scalar(
        select(AgencyRequest).where(
            AgencyRequest.case_id == case.id, AgencyRequest.agency_key == agency.key
        )
    )
    clock = deadline_row(case, live)
    if request is None or clock is None:
        raise CommandRefused(f"no Appendix B was requested from {agency.name} on this case")
    if clock.met_at is not None:
        raise CommandRefused(
            f"{agency.name}'s return to the request due {fmt_date(clock.due)} was already "
            "recorded: there is no request awaiting it to withdraw"
        )
    email = _withdraw_email(session, case, agency.key, request)
    case.deadlines.remove(clock)  # delete-orphan: the row goes with the flush
    session.flush()  # the live name is free before an earlier return's clock takes it back
    earlier = _restore_earlier(session, app, case, request, live)
    said = f"Appendix B request to {agency.name} (due {fmt_date(clock.due)}) withdrawn"
    because = f" because {cmd.reason}" if cmd.reason else ""
    note(session, case, now, "return_request_withdrawn", said + because, actor, cmd.line)
    return f"{said}: {agency.name} will not be chased for it. {earlier} {email}"


def _withdraw_email(session: Session, case: Case, agency: str, request: AgencyRequest) -> str:
    """Take the request email back if it has not gone; what the reply says of it."""
    kept = sum(1 for d in case.deadlines if d.name.startswith(f"{APPENDIX_B}:{agency}:"))
    key = rounds.request_key(case.ref, agency, request.return_by, kept)
    row = session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == key))
    if row is None or row.status == "sent":
        return "The request email had already gone: tell the agency it is withdrawn."
    if row.status == "pending" and not being_sent(session, row):
        row.status, row.last_error = WITHDRAWN, "the request was withdrawn before it went"
        return "The request email had not gone, and will not."
    return "Check the request email in `tscp-bot outbox list`: it may be on its way."


def _restore_earlier(
    session: Session, app: App, case: Case, request: AgencyRequest, live: str
) -> str:
    """The agency's earlier request and its return, as they were before the mistaken one; or,
    for a first request, no request at all."""
    kept = [d for d in case.deadlines if d.name.startswith(f"{live}:")]
    if not kept:
        session.delete(request)
        return "No request to it is open on this case now."
    last = max(kept, key=lambda d: rounds.request_number(d.name) or 0)
    assert last.met_at is not None  # kept only once met (bot.core.return_rounds)
    last.name = live
    request.requested_on, request.return_by = last.start, last.due
    request.received_at, request.message_id = last.met_at, _return_message(session, case, last)
    returned = last.met_on or day_zero(last.met_at, app.config.partnership.time_zone)
    return f"Its return of {fmt_date(returned)} stands as before."


def _return_message(session: Session, case: Case, clock: Deadline) -> int | None:
    """The message that met the kept clock: its time is the clock's (intake.record_return)."""
    return session.scalar(
        select(StoredMessage.id)
        .where(StoredMessage.case_id == case.id, StoredMessage.received_at == clock.met_at)
        .order_by(StoredMessage.id)
        .limit(1)
    )
