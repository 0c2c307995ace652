"""Complaints, escalations and Appendix B returns arriving by email."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import AgencyRequest, Case, StoredMessage
from bot.app import App
from bot.core import deadlines
from bot.core.arrival import with_assumption
from bot.core.forwarded import counted_from
from bot.core.lifecycle import Stage
from bot.core.stated_dates import Stated
from bot.core.working_days import day_zero
from bot.services.cases import add_event, next_reference, set_deadline
from bot.services.mailout import queue_email
from bot.services.store import receipt_note

# The kinds acknowledged at a usable Reply-To (bot.core.autoreply.answer_address), even when
# From is a no-reply address: a web form's mailer sends From itself, Reply-To the person who
# filled the form in. Not a SIN: its referrer is an agency's address, answered there.
REPLY_TO_KINDS = ("complaint", "escalation")

OMBUDSMAN = {
    "name": "Local Government and Social Care Ombudsman",
    "phone": "0300 061 0614",
    "website": "www.lgo.org.uk",
}


def _opened_from(row: StoredMessage) -> str:
    return f"Opened from message #{row.id}"


def opened_by(record: Case, row: StoredMessage) -> bool:
    """Whether message `row` opened `record` (on arrival or by `triage new-case`)."""
    said = _opened_from(row)
    return any(e.what == f"{record.kind}_opened" and e.detail == said for e in record.events)


def _new_record(
    session: Session,
    app: App,
    row: StoredMessage,
    kind: str,
    now: datetime,
    parent: Case | None = None,
    received: date | None = None,
) -> Case:
    """`received`: the day it counts as received, when not its arrival in the mailbox."""
    received = received or day_zero(row.received_at, app.config.partnership.time_zone)
    ref, number = next_reference(session, app.config.partnership.reference_prefix, received.year)
    record = Case(
        ref=ref,
        year=received.year,
        number=number,
        opened_at=now,
        sin_received_on=received,
        referrer_email=row.from_addr,
        kind=kind,
        stage=Stage(kind).value,
        parent_id=parent.id if parent else None,
    )
    session.add(record)
    add_event(
        session,
        record,
        now,
        f"{kind}_opened",
        _opened_from(row),
        why=f"classified as {kind} by rule {row.rule}",
    )
    return record


def open_complaint(
    session: Session,
    app: App,
    row: StoredMessage,
    acknowledge: bool,
    now: datetime,
    linked: Case | None = None,
    *,
    first_written: date | None = None,
    doubt: str | None = None,
    answer_to: str | None = None,
    forward_writer: str | None = None,
) -> tuple[Case, str | None]:
    """The complaint's record, and why the Business Manager must look at it now, if so.
    `first_written`: the day a forwarded complaint's writer sent it, if read; its clock runs
    from then when that is earlier than the forward's arrival (never later, nor a year
    before); `doubt`: why that day is unsure, when its zone letters are the cause, said with
    the clock counted from the forward. `answer_to`: the complainant's address when it is not
    the From (a web form's Reply-To); `forward_writer`: a forward's complainant, "" unknown."""
    arrived = day_zero(row.received_at, app.config.partnership.time_zone)
    earlier = counted_from(first_written, arrived)
    record = _new_record(session, app, row, "complaint", now, parent=linked, received=earlier)
    # A forward's complainant not read for sure is "": the forwarder never stands for them.
    complainant = forward_writer if forward_writer is not None else answer_to or row.from_addr
    record.referrer_email = complainant
    if linked is not None:
        add_event(
            session,
            linked,
            now,
            "complaint_raised",
            f"Complaint {record.ref} raised about this case",
            why=f"message #{row.id}: a complaint on the case thread has its own record",
        )
    deadline = with_assumption(
        deadlines.complaint_response(record.sin_received_on, app.calendar),
        receipt_note(row, app.config.partnership.time_zone) if earlier is None else None,
    )
    if earlier is not None:
        deadline = with_assumption(deadline, forwarded_note(earlier, arrived))
    elif doubt is not None:
        deadline = with_assumption(deadline, unsure_note(arrived, doubt))
    set_deadline(session, record, deadline, now)
    today = now.astimezone(app.config.partnership.time_zone).date()
    # Read too late to keep the 20 working days: the complainant is not given a day gone by.
    reply_by = deadline.due if deadlines.may_promise(deadline.due, today) else None
    late = (
        None
        if reply_by is not None
        else (
            f"complaint {record.ref} was read on {deadlines.fmt_date(today)}, and its written "
            f"response was due {deadlines.fmt_date(deadline.due)}: it is already overdue; "
            "the acknowledgement gave no date and said a response will follow as soon as "
            "possible"
        )
    )
    if late is not None:
        add_event(
            session, record, now, "complaint_overdue_on_arrival", late, why=f"message #{row.id}"
        )
    if acknowledge:
        queue_email(
            session,
            app,
            key=f"complaint-ack:{row.sha256}",
            for_message=row,
            event="complaint_acknowledgement",
            to=[complainant],
            now=now,
            case=record,
            in_reply_to=f"<{row.message_id}>",
            context=complaint_ack_context(record, reply_by),
            # Looked at again the day it goes: a reply date come by then is not given.
            stated=Stated(written_on=today, received=record.sin_received_on, promised=reply_by),
        )
    return record, late


def complaint_ack_context(record: Case, reply_by: date | None) -> dict[str, object]:
    """The acknowledgement's words: `reply_by` None when no response date may be promised."""
    return {
        "complaint": {"ref": record.ref},
        "received_on": record.sin_received_on,
        "reply_by": reply_by,
        "ombudsman": OMBUDSMAN,
    }


def forwarded_note(written: date, arrived: date, writer: str = "the complainant") -> str:
    return (
        f"counted from {deadlines.fmt_date(written)}, the day the forwarded email says "
        f"{writer} sent it, not {deadlines.fmt_date(arrived)}, when the forward arrived."
    )


def unsure_note(arrived: date, doubt: str) -> str:
    return (
        f"counted from {deadlines.fmt_date(arrived)}, when the forward arrived, as the day "
        f"the forwarded email was sent could not be read for sure: {doubt}."
    )


def open_escalation(
    session: Session,
    app: App,
    row: StoredMessage,
    linked: Case | None,
    acknowledge: bool,
    now: datetime,
    *,
    answer_to: str | None = None,
    held_back: bool = False,
) -> Case:
    """`answer_to`: the writer's address when it is not the From (a web form's Reply-To).
    `held_back`: not acknowledged because the address had its day's share (a loop guard)."""
    record = _new_record(session, app, row, "escalation", now, parent=linked)
    writer = answer_to or row.from_addr
    record.referrer_email = writer
    if linked is not None:
        add_event(
            session,
            linked,
            now,
            "escalation_raised",
            f"Escalation {record.ref} raised about this case",
            why=f"message #{row.id} from {row.from_addr.partition('@')[2]}",
        )
    if acknowledge:
        queue_email(
            session,
            app,
            key=f"escalation-ack:{row.sha256}",
            for_message=row,
            event="escalation_acknowledgement",
            to=[writer],
            now=now,
            case=record,
            in_reply_to=f"<{row.message_id}>",
            context={
                "escalation": {"ref": record.ref},
                "linked_case_ref": linked.ref if linked else None,
            },
        )
    people = app.config.people
    queue_email(
        session,
        app,
        key=f"escalation-alert:{row.sha256}",
        for_message=row,
        event="escalation_alert",
        to=[people.business_manager.email, people.independent_scrutineer.email],
        now=now,
        case=record,
        context={
            "escalation": {"ref": record.ref},
            "linked_case_ref": linked.ref if linked else None,
            "from_domain": row.from_addr.partition("@")[2],
            "from_agency": sender_agency_name(app, row.from_addr),
            "received_at": row.received_at.astimezone(app.config.partnership.time_zone),
            # No subject: the sender's may name the child, and the Scrutineer is outside the
            # council; the email itself is in the mailbox.
            "acknowledged": acknowledge,
            "held_back": held_back,
        },
    )
    return record


def sender_agency_name(app: App, address: str) -> str | None:
    agency = app.config.agency_for_address(address)
    return agency.name if agency else None


def our_addresses(app: App) -> frozenset[str]:
    """The Business Manager's addresses and the mailbox, lower-cased: mail one of them passes
    on was sent to the partnership by someone else."""
    people = app.config.people.business_manager.command_addresses
    return frozenset(a.lower() for a in (*people, app.config.partnership.mailbox))


def sender_agency_key(app: App, address: str) -> str | None:
    agency = app.config.agency_for_address(address)
    return agency.key if agency else None


def open_complaint_from(session: Session, address: str) -> Case | None:
    """The complainant's own complaint still open, the newest if several: a complaint sent
    again ("I sent this last week...") is more of it, not a second record."""
    return session.scalar(
        select(Case)
        .where(Case.kind == "complaint", Case.status == "open", Case.referrer_email == address)
        .order_by(Case.opened_at.desc(), Case.id.desc())
        .limit(1)
    )


def complainant_writes(case: Case | None, address: str) -> bool:
    """Whether mail from `address` on `case` is its complainant writing on their complaint."""
    return case is not None and case.kind == "complaint" and case.referrer_email == address


def case_awaiting_return(session: Session, app: App, address: str) -> Case | None:
    """The one open case whose Appendix B request to the sender's agency is unanswered."""
    key = sender_agency_key(app, address)
    if key is None:
        return None
    cases = list(
        session.scalars(
            select(Case)
            .join(AgencyRequest, AgencyRequest.case_id == Case.id)
            .where(
                AgencyRequest.agency_key == key,
                AgencyRequest.received_at.is_(None),
                Case.status == "open",
            )
        )
    )
    return cases[0] if len(cases) == 1 else None


def record_return(
    session: Session,
    app: App,
    case: Case,
    row: StoredMessage,
    now: datetime,
    *,
    agency_key: str | None = None,
    on: date | None = None,
    why: str = "sent on by the Business Manager (Return from:)",
) -> str | None:
    """Mark the agency's request received; None when no request matches. The agency is the
    sender's unless `agency_key` names it (a return the Business Manager sent on, or a reply
    to the request sent that agency: `why` says which), and the day it counts as received is
    the mailbox's unless `on` says the agency sent it earlier."""
    key = agency_key or sender_agency_key(app, row.from_addr)
    request = (
        session.scalar(
            select(AgencyRequest).where(
                AgencyRequest.case_id == case.id, AgencyRequest.agency_key == key
            )
        )
        if key
        else None
    )
    if request is None:
        return f"Appendix B from {row.from_addr.partition('@')[2]}: no request to that agency"
    first = request.received_at is None
    # A return that reached the mailbox on its due day is on time, however late it is read.
    if first:
        request.received_at, request.message_id = row.received_at, row.id
    for d in case.deadlines:
        if d.name == f"{deadlines.APPENDIX_B}:{key}" and d.met_at is None:
            d.met_at, d.state = row.received_at, "met"
            d.met_on = on or day_zero(row.received_at, app.config.partnership.time_zone)
    add_event(
        session,
        case,
        now,
        "return_received" if first else "return_updated",
        f"Appendix B from {key} received (message #{row.id})",
        why=why if agency_key else f"classified appendix_b by rule {row.rule}",
    )
    return None
