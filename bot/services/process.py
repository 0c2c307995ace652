"""Processing one stored message: parse, classify, decide, apply, all in one transaction."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, OutboxMessage, StoredMessage
from bot.app import App
from bot.core.autoreply import can_acknowledge
from bot.core.commands import Approve, ParsedCommands
from bot.core.forms import Extraction, extract
from bot.core.message import MailMessage
from bot.core.rules import Classification, ClassifyContext, classify
from bot.core.threading import thread_ids
from bot.core.workflow import IngestPlan, MessageFacts, plan_for
from bot.services.cases import add_event, find_case
from bot.services.commands import commands_in, handle_email_commands
from bot.services.forms import apply_return, apply_sin_form, missing_labels
from bot.services.intake import (
    case_awaiting_return,
    open_complaint,
    open_escalation,
    record_return,
    sender_agency_key,
)
from bot.services.meeting_replies import case_of_calendar_reply, record_calendar_replies
from bot.services.screening import acknowledge, book_screening, open_case

log = logging.getLogger(__name__)


def process_message(app: App, row_id: int) -> bool:
    """True when the message was dealt with (or quarantined); False when it will be retried."""
    now = app.clock.now()
    with app.sessions() as session:
        row = session.get(StoredMessage, row_id)
        if row is None or row.status != "stored":
            return True
        try:
            _process(session, app, row, now)
            session.commit()
            return True
        except Exception as exc:
            session.rollback()
            error = f"{type(exc).__name__}: {exc}"[:500]
    log.warning("message #%d could not be processed (%s)", row_id, error.partition(":")[0])
    return _record_failure(app, row_id, error, now)


def _record_failure(app: App, row_id: int, error: str, now: datetime) -> bool:
    with app.sessions() as session:
        row = session.get(StoredMessage, row_id)
        if row is None:
            return True
        row.attempts += 1
        row.last_error = error
        quarantined = row.attempts >= app.config.ingest.max_attempts
        if quarantined:
            row.status, row.processed_at = "quarantined", now
            row.needs_triage = True
            row.triage_reason = f"quarantined after {row.attempts} failed attempts: {error}"
        session.commit()
    return quarantined


def context_for(session: Session, app: App, msg: MailMessage) -> ClassifyContext:
    return ClassifyContext(
        reference_prefix=app.config.partnership.reference_prefix,
        own_addresses=frozenset({app.config.partnership.mailbox}),
        agency_domains=app.config.agency_domains(),
        thread_case_ref=thread_case_ref(session, msg),
    )


def thread_case_ref(session: Session, msg: MailMessage) -> str | None:
    """The case a reply belongs to, from In-Reply-To/References matching mail we hold or sent."""
    ids = thread_ids(msg)
    if not ids:
        return None
    inbound = session.scalar(
        select(Case.ref)
        .join(StoredMessage, StoredMessage.case_id == Case.id)
        .where(StoredMessage.message_id.in_(ids))
        .limit(1)
    )
    if inbound:
        return inbound
    return session.scalar(
        select(Case.ref)
        .join(OutboxMessage, OutboxMessage.case_id == Case.id)
        .where(OutboxMessage.message_id.in_(ids))
        .limit(1)
    )


def _process(session: Session, app: App, row: StoredMessage, now: datetime) -> None:
    msg = app.parse(row.raw)
    result = classify(msg, app.rules, context_for(session, app, msg))
    _record_classification(row, msg, result)
    case = find_case(session, result.case_ref)
    case = case or case_of_calendar_reply(session, result.kind, msg)  # by the invitation's UID
    if case is None and result.case_ref is None and result.kind == "appendix_b":
        # A return sent as a fresh email: match it by the agency's one outstanding request.
        case = case_awaiting_return(session, app, msg.from_addr)
    ok, why_not = can_acknowledge(msg, frozenset({app.config.partnership.mailbox}))
    reused = _message_id_reused(session, row)
    form = read_form(app, msg) if _may_carry_form(result.kind, msg) else None
    parsed = commands_in(app, msg, now) if result.kind != "auto_reply" else None
    if case is None and result.case_ref is None and parsed is not None:
        # "Approve 12" names its draft, and so its case, even in a reply without the tag.
        case = case_of_approved_draft(session, parsed)
    facts = MessageFacts(
        kind=str(result.kind),
        case_ref=result.case_ref,
        case_exists=case is not None,
        can_acknowledge=ok,
        no_ack_reason=why_not,
        message_id_reused=reused,
        has_commands=bool(parsed and parsed.commands),
        blank_form=form is not None and is_blank_template(form),
    )
    if reused:
        row.flags = [*row.flags, "message_id_reused"]
    _apply(session, app, row, msg, plan_for(facts), case, now, parsed, form)
    record_calendar_replies(session, app, row, msg, now)
    row.status, row.processed_at = "processed", now


def read_form(app: App, msg: MailMessage) -> Extraction | None:
    """The form in the message, if any; a reader failure never stops the message's processing."""
    try:
        return extract(app.read_documents(msg), app.vocabulary)
    except Exception as exc:
        log.warning("form could not be read (%s)", type(exc).__name__)
        return Extraction(
            None, {}, (), (), (), (), (f"form could not be read ({type(exc).__name__})",)
        )


def _may_carry_form(kind: str, msg: MailMessage) -> bool:
    # A corrected SIN or a return sent as a reply is classified case_reply; read its attachment.
    return kind in ("sin", "appendix_b") or (kind == "case_reply" and bool(msg.attachments))


def is_blank_template(form: Extraction) -> bool:
    return form.form is None and any("blank template" in f for f in form.flags)


def case_of_approved_draft(session: Session, parsed: ParsedCommands) -> Case | None:
    ids = {c.outbox_id for c in parsed.commands if isinstance(c, Approve) and c.outbox_id}
    if len(ids) != 1 or len(parsed.commands) != 1:
        return None
    draft = session.get(OutboxMessage, ids.pop())
    return draft.case if draft is not None and draft.status == "draft" else None


def _record_classification(row: StoredMessage, msg: MailMessage, result: Classification) -> None:
    row.kind, row.rule = str(result.kind), result.rule
    row.classification = {
        "reasons": list(result.reasons),
        "hits": list(result.hits),
        "misses": list(result.misses),
        "case_ref": result.case_ref,
    }
    row.subject, row.from_addr = msg.subject[:1000], msg.from_addr
    row.flags = list(msg.defects)


def _message_id_reused(session: Session, row: StoredMessage) -> bool:
    earlier = session.scalar(
        select(StoredMessage.id)
        .where(StoredMessage.message_id == row.message_id, StoredMessage.id < row.id)
        .limit(1)
    )
    return earlier is not None


def _apply(
    session: Session,
    app: App,
    row: StoredMessage,
    msg: MailMessage,
    plan: IngestPlan,
    case: Case | None,
    now: datetime,
    parsed: ParsedCommands | None = None,
    form: Extraction | None = None,
) -> None:
    if plan.open_case:
        case = open_case(session, app, row, now)
    sin_form = form is not None and (row.kind == "sin" or form.form == "sin")
    if case is not None and form is not None and sin_form and case.kind == "review":
        apply_sin_form(session, app, case, row, form, now)
    if case is not None and (plan.file_on_case or plan.open_case):
        row.case = case
        add_event(
            session,
            case,
            now,
            "message_filed",
            f"Message #{row.id} ({row.kind}) from {msg.from_addr.partition('@')[2]}",
            why=f"rule {row.rule}; {plan.note}".rstrip("; "),
        )
    if plan.open_case and case is not None:
        meeting = book_screening(session, app, case, now) if plan.book_screening else None
        if plan.acknowledge:
            missing = missing_labels(form) if form is not None else []
            acknowledge(session, app, case, row, meeting, now, missing)
    reasons = [plan.triage_reason] if plan.triage_reason else []
    if case is not None and plan.run_commands and parsed is not None:
        handle_email_commands(session, app, case, row, msg, parsed, now)
    late_return = row.kind == "case_reply" and form is not None and form.form == "appendix_b"
    if case is not None and (plan.record_return or late_return):
        problem = record_return(session, app, case, row, now)
        reasons += [problem] if problem else []
        agency = sender_agency_key(app, row.from_addr)
        if form is not None and agency is not None and problem is None:
            apply_return(session, case, agency, row, form, now)
    if plan.open_complaint:
        row.case = open_complaint(session, app, row, plan.acknowledge, now)
    if plan.open_escalation:
        row.case = open_escalation(session, app, row, case, plan.acknowledge, now)
    too_large = [a.filename for a in msg.attachments if a.too_large]
    if too_large:
        reasons.append("attachment over the size limit, kept but not read: " + ", ".join(too_large))
    if reasons:
        earlier = [row.triage_reason] if row.triage_reason else []
        row.needs_triage, row.triage_reason = True, "; ".join(earlier + reasons)
