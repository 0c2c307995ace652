"""`tscp-bot triage new-case N` on a fresh complaint flagged as maybe a new one, or on a
complaint or an escalation naming a reference no case has and so filed on none
(bot.core.complaint_again): opened as its own record, as it would have been on arrival. A
complaint's 20 working days count from the day the email arrived (never the day she decides),
the complainant acknowledged as any new complaint is; a forwarded one's from the day its
writer sent it, when read for sure, acknowledged to no one and left on the triage list for a
person to answer the complainant, as on arrival. An escalation is opened linked to no case,
its writer acknowledged and the Business Manager and the Scrutineer alerted. The complaint it
was filed on, if any, and the new record name each other."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.digest_barrier import reading_mail
from bot.adapters.db.models import Case, CaseEvent, StoredMessage
from bot.app import App
from bot.core.autoreply import answer_address, can_acknowledge
from bot.core.complaint_again import MAYBE_NEW, refusal, unfiled_refusal
from bot.core.forwarded import forwarded_complaint
from bot.core.loop_guard import held_back
from bot.core.triage_new_case import AlreadyOpened, Refused
from bot.core.working_days import day_zero
from bot.services.cases import add_event
from bot.services.complaint_again import message_why
from bot.services.intake import open_complaint, open_escalation, opened_by
from bot.services.loops import acknowledged_since
from bot.services.snapshot_parts import forward_read
from bot.services.triage_new_case import locked_message


@dataclass(frozen=True)
class Opened:
    ref: str
    arrived: date
    due: date
    acknowledged: bool
    # Why it is still on the triage list: read too late to promise a day, no one to answer, or
    # forwarded (the complainant is answered by a person).
    waiting: str | None
    # The day its clock counts from: `arrived`, or a forward's earlier day, its writer's.
    counted: date
    forwarded: bool


@dataclass(frozen=True)
class OpenedEscalation:
    ref: str
    acknowledged: bool
    waiting: str | None  # no one to answer: a person answers the writer another way


def open_new_complaint(
    app: App, number: int, actor: str
) -> Opened | OpenedEscalation | Refused | AlreadyOpened | None:
    """Open message `number`, flagged as maybe a new complaint or a complaint filed on no case
    (it named a reference no case has), as its own complaint record; or why not; None when it
    is no such message (a SIN form's `new-case`)."""
    with app.sessions() as session:
        reading_mail(session)  # the digest's "New cases" waits for it (digest_barrier)
        row = locked_message(session, number)
        if row is None:
            return None
        now = app.clock.now()  # inside the barrier, as a message's moment is
        decided = _decided(session, row)
        if decided is None or decided[0] is not None:
            session.rollback()
            return None if decided is None else decided[0]
        done = _open(session, app, row, decided[1], now, actor)
        session.commit()
    return done


def _decided(
    session: Session, row: StoredMessage
) -> tuple[Refused | AlreadyOpened | None, Case | None] | None:
    """Why it opens nothing, or None and the case it is filed on; None: not a complaint this
    command opens (a SIN form's `new-case` says why, as for any message)."""
    flagged = session.scalar(
        select(Case)
        .join(CaseEvent, CaseEvent.case_id == Case.id)
        .where(CaseEvent.what == MAYBE_NEW, CaseEvent.why == message_why(row.id))
        .limit(1)
    )
    old = row.case
    if flagged is not None and old is not None:
        return refusal(row.id, row.needs_triage, old.ref, flagged.ref), old
    if row.kind not in ("complaint", "escalation") or row.status != "processed":
        return None
    opened = old.ref if old is not None and opened_by(old, row) else None
    if old is not None and opened is None:
        return None  # filed on a case: more of it, as the plan decided
    return unfiled_refusal(row.id, row.needs_triage, opened), None


def _open(
    session: Session, app: App, row: StoredMessage, old: Case | None, now: datetime, actor: str
) -> Opened | OpenedEscalation:
    msg = app.parse(row.raw)
    own = frozenset({app.config.partnership.mailbox})
    ack, no_ack = can_acknowledge(msg, own)
    # Nothing is silent: a writer the bot cannot answer is answered another way.
    unanswered = None if ack else f"not acknowledged ({no_ack}): answer the sender another way"
    answer_to = answer_address(msg, own)
    forward = None if row.kind == "escalation" else forward_read(app, msg, row.received_at)
    held = _held_back(session, app, answer_to, now) if ack and forward is None else None
    if held is not None:
        ack, unanswered = False, held
    if row.kind == "escalation":
        escalation = open_escalation(
            session, app, row, None, ack, now, answer_to=answer_to, held_back=held is not None
        )
        _opened_events(session, row, old, escalation, now, actor)
        _still_waiting(row, unanswered)
        return OpenedEscalation(escalation.ref, ack, row.triage_reason)
    if forward is None:
        record, late = open_complaint(session, app, row, ack, now, answer_to=answer_to)
    else:
        # As on arrival (bot.core.message_plan): the forwarder is not the complainant, so no
        # one is acknowledged, and its clock counts from the day its writer sent it if read.
        record, late = open_complaint(
            session,
            app,
            row,
            False,
            now,
            first_written=forward.first_written,
            doubt=forward.doubt,
            answer_to=answer_to,
            forward_writer=forward.complainant,
        )
        unanswered = forwarded_complaint(forward.doubt, bool(forward.complainant))
    _opened_events(session, row, old, record, now, actor)
    _still_waiting(row, late, unanswered)
    return Opened(
        record.ref,
        day_zero(row.received_at, app.config.partnership.time_zone),
        next(d.due for d in record.deadlines if d.name == "complaint_response"),
        ack and forward is None,
        row.triage_reason,
        record.sin_received_on,
        forward is not None,
    )


def _held_back(session: Session, app: App, answer_to: str, now: datetime) -> str | None:
    """Why the writer is not acknowledged, if their address had its day's share: the limit
    arrival keeps (bot.core.loop_guard), counted back from now, when this one would be sent,
    so a flood opened by hand is no more answered than one opened on arrival."""
    per_day = app.config.ingest.max_acknowledgements_per_day
    return held_back(answer_to, acknowledged_since(session, answer_to, now, per_day), per_day)


def _opened_events(
    session: Session, row: StoredMessage, old: Case | None, record: Case, now: datetime, actor: str
) -> None:
    """The records name each other, or the new one says it came from the triage list; the
    message moves to it."""
    why = f"tscp-bot triage new-case {row.id}, by {actor}"
    if old is not None:
        said = f"Message #{row.id}, filed on {old.ref}, was opened as complaint {record.ref}"
        add_event(session, old, now, "message_opened_as_complaint", said, why=why, actor=actor)
        add_event(session, record, now, "opened_from_other_case", said, why=why, actor=actor)
    else:
        said = f"Message #{row.id}, on the triage list, was opened as {record.kind} {record.ref}"
        add_event(session, record, now, "opened_from_triage", said, why=why, actor=actor)
    row.case = record


def _still_waiting(row: StoredMessage, *why: str | None) -> None:
    reasons = [r for r in why if r is not None]
    row.needs_triage, row.triage_reason = bool(reasons), "; ".join(reasons) or None
