"""`tscp-bot triage new-case N`: a SIN form on the triage list opened as a case of its own.

The order matters: the message's row is written first, so a second run at the same moment
waits and then finds the case the first opened (PostgreSQL's row lock, SQLite's one writer);
then everything is read (the message, its forms, the case it is on), decided once in
bot.core.triage_new_case, and applied in the same transaction, with the effects a new SIN's
plan uses (bot.services.effects): nothing is half done, and nothing is sent twice. A forward
is read as a new SIN's plan reads it (bot.services.snapshot_parts.forward_read).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.adapters.db.digest_barrier import reading_mail
from bot.adapters.db.models import StoredMessage
from bot.app import App
from bot.core import deadlines, forwarded_sin
from bot.core import triage_new_case as core
from bot.core.autoreply import answer_address, can_acknowledge
from bot.core.doctext import DocumentText
from bot.core.forms import Extraction, extract
from bot.core.message import MailMessage
from bot.core.plan_effects import Acknowledge, OpenCase
from bot.core.separate_forms import one_notification
from bot.core.working_days import day_zero
from bot.services.cases import add_event, find_case
from bot.services.effects import APPLY, Applying
from bot.services.forms import form_in, recorded_identity
from bot.services.held_rows import holding_rows
from bot.services.new_case import open_case
from bot.services.snapshot_parts import forward_read
from bot.services.store import FETCH_TIME

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Opened:
    """What the command did, for the one who ran it."""

    ref: str
    documents: tuple[str, ...]
    arrived: datetime
    arrival_known: bool  # False: the mailbox gave no arrival time, so it is when it was read
    first_sent: date | None  # a forwarded SIN counted from the day it was first sent
    screening_due: date
    overdue: bool
    linked: str | None
    acknowledged: bool
    invited: bool
    triage_reason: str | None  # why the message is still on the triage list, if it is


Outcome = Opened | core.AlreadyOpened | core.Refused


def open_new_case(app: App, number: int, wanted: str | None, actor: str) -> Outcome | None:
    """Open a case from message `number`'s SIN form, or say why not; None: no such message."""
    with app.sessions() as session:
        reading_mail(session)  # the digest's "New cases" waits for it (digest_barrier)
        row = locked_message(session, number)
        if row is None:
            return None
        now = app.clock.now()  # inside the barrier, as a message's moment is
        reading = _Reading.of(app, row) if row.size else _Reading()
        decision = core.decide(_facts(session, app, row, reading, wanted, now))
        if not isinstance(decision, core.Opening):
            session.rollback()
            return decision
        assert reading.msg is not None  # a form was read from it
        state = _ByHand(
            session,
            app,
            row,
            reading.msg,
            now,
            case=None,
            form=reading.form_of(app, decision.documents),
            ack_key=_ack_key(row, decision.documents),
            actor=actor,
            linked=row.case.ref if row.case is not None else None,
            documents=decision.documents,
        )
        done = _apply(state, decision)
        session.commit()
    return done


def locked_message(session: Session, number: int) -> StoredMessage | None:
    """The message's row, written as the transaction's first statement and then read afresh:
    a second run waits for this one to commit, and then reads the case it opened. None (the
    transaction rolled back) when there is no such message."""
    written = session.execute(
        update(StoredMessage)
        .where(StoredMessage.id == number)
        .values(needs_triage=StoredMessage.needs_triage)
        .execution_options(synchronize_session=False)
    )
    if not written.rowcount:  # type: ignore[attr-defined]
        session.rollback()
        return None
    return session.get(StoredMessage, number, populate_existing=True)


@dataclass
class _Reading:
    """The message and its SIN forms, each document read alone when it holds several."""

    msg: MailMessage | None = None
    whole: Extraction | None = None
    forms: tuple[core.FormRead, ...] = ()
    documents: list[DocumentText] = field(default_factory=list)
    problem: str = "it was never read from the mailbox"

    @classmethod
    def of(cls, app: App, row: StoredMessage) -> _Reading:
        try:
            msg = app.parse(row.raw)
            documents = app.read_documents(msg)
            found = form_in(app, documents, "sin")
            whole = one_notification(found, documents, app.vocabulary, "sin")
        except Exception as exc:  # a reader's failure is a refusal, never a traceback
            log.warning("message #%d could not be read (%s)", row.id, type(exc).__name__)
            return cls(problem=f"it could not be read: {type(exc).__name__}")
        return cls(msg, whole, _forms(app, whole, documents), documents, _no_form(whole))

    def form_of(self, app: App, names: tuple[str, ...]) -> Extraction:
        """The form of those documents read together; (WHOLE,): the message's form."""
        if names == (core.WHOLE,):
            assert self.whole is not None
            return self.whole
        kept = [doc for doc in self.documents if doc.source in names]
        return extract(kept, app.vocabulary, "sin")


def _forms(app: App, whole: Extraction, documents: list[DocumentText]) -> tuple[core.FormRead, ...]:
    if whole.form != "sin":
        return ()
    if not whole.separate:
        return (core.FormRead(core.WHOLE, whole),)
    return tuple(
        core.FormRead(doc.source, extract([doc], app.vocabulary, "sin"))
        for doc in documents
        if doc.source in whole.separate
    )


def _no_form(whole: Extraction) -> str:
    if whole.form is not None and whole.form != "sin":
        return "the form in it is not a SIN form"
    if any("blank template" in flag for flag in whole.flags):
        return "a blank SIN template, with no values filled in"
    if whole.unread:
        return f"could not read {', '.join(whole.unread)}"
    return "no SIN form in its text or attachments"


def _facts(
    session: Session,
    app: App,
    row: StoredMessage,
    reading: _Reading,
    wanted: str | None,
    now: datetime,
) -> core.Facts:
    tz = app.config.partnership.time_zone
    arrived = day_zero(row.received_at, tz)
    forward = forward_read(app, reading.msg, row.received_at) if reading.msg else None
    start = forwarded_sin.clocks_start(forward, arrived)
    case = row.case
    found = (row.classification or {}).get(OPENED_AS)
    own = frozenset({app.config.partnership.mailbox})
    answer = can_acknowledge(reading.msg, own) if reading.msg is not None else (False, "")
    return core.Facts(
        number=row.id,
        status=row.status,
        on_triage=row.needs_triage,
        read=bool(row.size),
        filed_on=case.ref if case is not None else None,
        filed_record=(
            recorded_identity(session, case) if case is not None and case.kind == "review" else None
        ),
        forms=reading.forms,
        no_form=reading.problem,
        opened={str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {},
        wanted=wanted,
        arrived=arrived,
        screening_due=deadlines.screening_meeting(start, app.calendar).due,
        today=day_zero(now, tz),
        can_acknowledge=answer[0],
        no_ack_reason=answer[1],
        reads_as_sin=(row.classification or {}).get("reads_as_sin") is True,
        forward=forward,
        answer_to=answer_address(reading.msg, own) if reading.msg is not None else "",
    )


OPENED_AS = "opened_as"  # in the message's classification: document -> the case opened from it


def _ack_key(row: StoredMessage, documents: tuple[str, ...]) -> str:
    """One acknowledgement per form opened, apart from the one its first case had."""
    which = hashlib.sha256("\n".join(documents).encode()).hexdigest()[:12]
    return f"ack:{row.sha256}:new-case:{which}"


@dataclass
class _ByHand(Applying):
    """What the steps hand on, as for a message's plan, and who ran the command."""

    actor: str = ""
    linked: str | None = None  # the case the message was filed on
    documents: tuple[str, ...] = ()  # the form's documents (WHOLE: the message's form)


def _apply(s: _ByHand, decision: core.Opening) -> Opened:
    with holding_rows(s.session):
        for step in decision.steps:
            (_STEPS.get(type(step)) or APPLY[type(step)])(s, step)
        # Off the triage list, unless something of it still waits for a person.
        s.row.needs_triage = bool(s.reasons)
        s.row.triage_reason = "; ".join(s.reasons) or None
    assert s.case is not None
    return Opened(
        ref=s.case.ref,
        documents=decision.documents,
        arrived=s.row.received_at,
        arrival_known=s.row.received_source != FETCH_TIME,
        first_sent=next(x.counted_from for x in decision.steps if isinstance(x, OpenCase)),
        screening_due=next(d.due for d in s.case.deadlines if d.name == "screening_meeting"),
        overdue=any(isinstance(step, core.OverdueFromStart) for step in decision.steps),
        linked=s.linked,
        acknowledged=any(isinstance(step, Acknowledge) for step in decision.steps),
        invited=s.meeting is not None,
        triage_reason=s.row.triage_reason,
    )


def _open_case(s: _ByHand, e: OpenCase) -> None:
    why = f"a SIN form on the triage list, opened as a case of its own by {s.actor}"
    s.case = open_case(
        s.session, s.app, s.row, s.now, why=why, counted_from=e.counted_from, doubt=e.doubt
    )


def _which(documents: tuple[str, ...]) -> str:
    return "the SIN form" if documents == (core.WHOLE,) else " and ".join(documents)


def _link_cases(s: _ByHand, e: core.LinkCases) -> None:
    other = find_case(s.session, e.other)
    if s.case is None or other is None:
        return
    which, n = _which(s.documents), s.row.id
    why = f"tscp-bot triage new-case {n}, by {s.actor}"
    add_event(
        s.session,
        s.case,
        s.now,
        "opened_from_other_case",
        f"Opened from {which} in message #{n}, which was filed on {other.ref}",
        why=why,
        actor=s.actor,
    )
    add_event(
        s.session,
        other,
        s.now,
        "message_opened_as_case",
        f"{which[0].upper()}{which[1:]} in message #{n} was opened as {s.case.ref}: a "
        "notification of its own, not this case's",
        why=why,
        actor=s.actor,
    )


def _mark_opened(s: _ByHand, e: core.MarkOpened) -> None:
    if s.case is None:
        return
    found: dict[str, object] = dict(s.row.classification or {})
    before = found.get(OPENED_AS)
    opened = dict(before) if isinstance(before, dict) else {}
    found[OPENED_AS] = {**opened, **{name: s.case.ref for name in e.documents}}
    s.row.classification = found


def _overdue(s: _ByHand, e: core.OverdueFromStart) -> None:
    if s.case is None:
        return
    fmt = deadlines.fmt_date
    add_event(
        s.session,
        s.case,
        s.now,
        "overdue_on_opening",
        f"screening_meeting was due {fmt(e.due)}, before the case was opened on {fmt(e.today)}: "
        "it is overdue from the start",
        why=f"its clocks count from {fmt(e.start)}, {_START[e.first_sent]}",
        actor=s.actor,
    )


_START = {False: "the day the SIN arrived", True: "the day the forwarded SIN was first sent"}


def _note_on_case(s: _ByHand, e: core.NoteOnCase) -> None:
    s.reasons.append(f"{s.case.ref}: {e.reason}" if s.case is not None else e.reason)


# The steps a new SIN's plan does not have, or does otherwise; the rest as it does them.
_STEPS: dict[type[Any], Callable[[Any, Any], None]] = {
    OpenCase: _open_case,
    core.LinkCases: _link_cases,
    core.MarkOpened: _mark_opened,
    core.OverdueFromStart: _overdue,
    core.NoteOnCase: _note_on_case,
}
