"""`tscp-bot triage new-case N` on a fresh complaint flagged as maybe a new one, or on a
complaint naming a reference no case has and so filed on none (bot.core.complaint_again):
opened as its own complaint record, its 20 working days counted from the day the email
arrived (never the day she decides), the complainant acknowledged as any new complaint is;
the complaint it was filed on, if any, and the new record name each other."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, CaseEvent, StoredMessage
from bot.app import App
from bot.core.autoreply import answer_address, can_acknowledge
from bot.core.complaint_again import MAYBE_NEW, refusal, unfiled_refusal
from bot.core.triage_new_case import AlreadyOpened, Refused
from bot.core.working_days import day_zero
from bot.services.cases import add_event
from bot.services.complaint_again import message_why
from bot.services.intake import open_complaint, opened_by
from bot.services.triage_new_case import locked_message


@dataclass(frozen=True)
class Opened:
    ref: str
    arrived: date
    due: date
    acknowledged: bool
    # Why it is still on the triage list: read too late to promise a day, or no one to answer.
    waiting: str | None


def open_new_complaint(
    app: App, number: int, actor: str
) -> Opened | Refused | AlreadyOpened | None:
    """Open message `number`, flagged as maybe a new complaint or a complaint filed on no case
    (it named a reference no case has), as its own complaint record; or why not; None when it
    is no such message (a SIN form's `new-case`)."""
    now = app.clock.now()
    with app.sessions() as session:
        row = locked_message(session, number)
        if row is None:
            return None
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
    if row.kind != "complaint" or row.status != "processed":
        return None
    opened = old.ref if old is not None and opened_by(old, row) else None
    if old is not None and opened is None:
        return None  # filed on a case: more of it, as the plan decided
    return unfiled_refusal(row.id, row.needs_triage, opened), None


def _open(
    session: Session, app: App, row: StoredMessage, old: Case | None, now: datetime, actor: str
) -> Opened:
    msg = app.parse(row.raw)
    own = frozenset({app.config.partnership.mailbox})
    ack, no_ack = can_acknowledge(msg, own)
    record, late = open_complaint(session, app, row, ack, now, answer_to=answer_address(msg, own))
    why = f"tscp-bot triage new-case {row.id}, by {actor}"
    if old is not None:
        said = f"Message #{row.id}, filed on {old.ref}, was opened as complaint {record.ref}"
        add_event(session, old, now, "message_opened_as_complaint", said, why=why, actor=actor)
        add_event(session, record, now, "opened_from_other_case", said, why=why, actor=actor)
    else:
        said = f"Message #{row.id}, on the triage list, was opened as complaint {record.ref}"
        add_event(session, record, now, "opened_from_triage", said, why=why, actor=actor)
    row.case = record
    # Nothing is silent: a complainant the bot cannot answer is answered another way.
    unanswered = None if ack else f"not acknowledged ({no_ack}): answer the sender another way"
    reasons = [r for r in (late, unanswered) if r is not None]
    row.needs_triage, row.triage_reason = bool(reasons), "; ".join(reasons) or None
    return Opened(
        record.ref,
        day_zero(row.received_at, app.config.partnership.time_zone),
        next(d.due for d in record.deadlines if d.name == "complaint_response"),
        ack,
        row.triage_reason,
    )
