"""`Return from: gmp [date]`: an agency's Appendix B that reached the Business Manager, sent on
by her to the mailbox with this line at the top.

Her address says nothing of whose return it is, so without the line the email is triaged and
the agency goes on being chased for a return it gave. With it, the return is recorded as if
the agency had sent it: its deadline met, its form read into the chronology. It counts as
received the day the mailbox had it unless she gives the day the agency sent it, which may
only be earlier: a return is never recorded later than it arrived, and a day before the
request could not have answered it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import AgencyRequest, Case, StoredMessage
from bot.app import App
from bot.core import commands as c
from bot.core.deadlines import APPENDIX_B, fmt_date
from bot.core.form_summary import expecting
from bot.core.message import carries_document
from bot.core.working_days import day_zero

# The module, not its names: bot.services.forms itself imports from this package.
from bot.services import forms
from bot.services.cases import add_event
from bot.services.intake import record_return
from bot.services.review.common import (
    Actor,
    CommandRefused,
    deadline_row,
    note,
    resolve_agency,
)

_HOW = (
    "send the agency's email on to the mailbox, with the return attached (or pasted in) and "
    "Return from: <agency> at the top"
)


def return_from(
    session: Session, app: App, case: Case, cmd: c.ReturnFrom, actor: Actor, now: datetime
) -> str:
    agency = resolve_agency(app, cmd.agency)
    request = session.scalar(
        select(AgencyRequest).where(
            AgencyRequest.case_id == case.id, AgencyRequest.agency_key == agency.key
        )
    )
    if request is None:
        raise CommandRefused(f"no Appendix B was requested from {agency.name} on this case")
    if cmd.nil:
        return nil_return(session, app, case, request, cmd, actor, now)
    row = session.get(StoredMessage, actor.message_id) if actor.message_id else None
    if row is None:
        raise CommandRefused(f"the return is read from the email that carries it: {_HOW}")
    msg = app.parse(row.raw)
    form = expecting(forms.read_form(app, msg, "appendix_b"), app.vocabulary, "appendix_b")
    if not carries_document(msg) and form.form != "appendix_b":
        # A return pasted into the agency's email is carried in her forward's body.
        raise CommandRefused(
            f"this email has no document attached to record as the return: {_HOW}; if "
            f"{agency.name} wrote that it had no involvement, write Return from: {agency.key} nil"
        )
    arrived = day_zero(row.received_at, app.config.partnership.time_zone)
    on = _received_on(cmd.on, arrived, request.requested_on)
    problem = record_return(session, app, case, row, now, agency_key=agency.key, on=on)
    if problem is not None:
        raise CommandRefused(problem)
    said = f"Appendix B from {agency.name} recorded as received on {fmt_date(on)}"
    if form.form == "appendix_b":
        forms.apply_return(session, case, agency.key, row, form, now)
    else:
        said += ", but " + forms.unreadable_return(session, case, agency.key, row, form, now)
    note(session, case, now, "return_sent_on", said, actor, cmd.line)
    if cmd.on is None:
        said += f" (the day it reached the mailbox; if {agency.name} sent it earlier, write "
        said += f"Return from: {agency.key} <date>)"
    return said


def _received_on(
    given: date | None,
    arrived: date,
    requested: date,
    given_when: str = "this email reached the mailbox",
) -> date:
    if given is None:
        return arrived
    if given > arrived:
        raise CommandRefused(
            f"{fmt_date(given)} is after {given_when} ({fmt_date(arrived)}): give the day the "
            "agency sent its return"
        )
    if given < requested:
        raise CommandRefused(
            f"{fmt_date(given)} is before the return was requested ({fmt_date(requested)}): "
            "check the year"
        )
    return given


def nil_return(
    session: Session,
    app: App,
    case: Case,
    request: AgencyRequest,
    cmd: c.ReturnFrom,
    actor: Actor,
    now: datetime,
) -> str:
    """`Return from: gmp nil`: the agency wrote, in an email with no form, that it had no
    involvement. Nothing is read; the request is answered, so the agency is not chased. It
    counts as received the day the command was given unless she gives the earlier day the
    agency wrote, as a forwarded return does."""
    agency = resolve_agency(app, cmd.agency)
    clock = deadline_row(case, f"{APPENDIX_B}:{agency.key}")
    if request.received_at is not None or (clock is not None and clock.met_at is not None):
        raise CommandRefused(
            f"{agency.name}'s return was already recorded; a nil return does not replace it"
        )
    if clock is None:
        raise CommandRefused(f"no Appendix B request to {agency.name} awaits a return")
    said_on = day_zero(actor.said_at, app.config.partnership.time_zone)
    on = _received_on(cmd.on, said_on, request.requested_on, given_when="you gave this command")
    request.received_at, request.message_id = actor.said_at, actor.message_id
    clock.met_at, clock.met_on, clock.state = actor.said_at, on, "met"
    said = f"Appendix B from {agency.name} recorded as a nil return, received on {fmt_date(on)}"
    # The digest lists it among the returns recorded by this event's detail (digest_cases).
    detail = f"{forms.RETURN_FROM}{agency.key} received: a nil return written in an email, no form"
    add_event(session, case, now, "return_received", detail, why=f"{actor.via}: {cmd.line}")
    note(session, case, now, "return_sent_on", said, actor, cmd.line)
    if cmd.on is None:
        said += f" (the day you gave this; if {agency.name} wrote earlier, write Return from: "
        said += f"{agency.key} nil <date>)"
    return said
