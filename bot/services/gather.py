"""Everything the decision about one message needs, read once: the frozen snapshot the core
plans from (bot.core.snapshot), and the rows and values the effects act with. Each query is
asked only of the mail that needs it, as the comments say: most mail costs none of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.adapters.db.models import Case
from bot.app import App
from bot.core import autoreply
from bot.core.agencies import stranger_on_case
from bot.core.autoreply import answer_address, can_acknowledge, returned_mail_reason
from bot.core.case_refs import loose_case_refs
from bot.core.commands import ParsedCommands
from bot.core.form_summary import summarise
from bot.core.forms import Extraction
from bot.core.forwarded import answerable_writer, first_written, is_forwarded
from bot.core.forwarded_sin import Forward
from bot.core.message import MailMessage, carries_document
from bot.core.message_plan import Snapshot
from bot.core.rules import Classification, ClassifyContext, labelled_automatic
from bot.core.working_days import day_zero
from bot.services.cases import find_case
from bot.services.commands import command_givers, commands_in, none_theirs
from bot.services.forms import read_form, sin_identity
from bot.services.intake import (
    REPLY_TO_KINDS,
    case_awaiting_return,
    open_complaint_from,
    our_addresses,
    sender_agency_key,
)
from bot.services.loops import GUARDED_KINDS, acknowledged_since
from bot.services.meeting_replies import case_of_calendar_reply
from bot.services.near_commands import lines_like_commands
from bot.services.return_requests import form_agency, replied_request_agency
from bot.services.threads import case_of_approved_draft, crossed_thread, thread_case_ref
from bot.services.unfiled_commands import commands_allowed, several_cases


def context_for(session: Session, app: App, msg: MailMessage) -> ClassifyContext:
    return ClassifyContext(
        reference_prefix=app.config.partnership.reference_prefix,
        own_addresses=frozenset({app.config.partnership.mailbox}),
        agency_domains=app.config.agency_domains,
        thread_case_ref=thread_case_ref(session, msg),
    )


@dataclass(frozen=True)
class Gathered:
    """Every read about one message, made once: the snapshot the core decides on, and the
    rows and values the effects need to act."""

    classification: Classification
    snapshot: Snapshot
    case: Case | None
    form: Extraction | None
    parsed: ParsedCommands | None


def _has_commands(parsed: ParsedCommands | None, from_giver: bool) -> bool:
    """Lines to carry out; or, from someone who gives commands, lines that start like a command
    but cannot be read ("Answered: 31/02/2027"): they get the reason back, never filed unread."""
    if parsed is None:
        return False
    return bool(parsed.commands) or (bool(parsed.errors) and from_giver)


def gather(
    session: Session | None,
    app: App,
    msg: MailMessage,
    result: Classification,
    arrived: datetime,
    *,
    reused: bool = False,
    copy_of: int | None = None,
    number: int | None = None,
) -> Gathered:
    """Read once what the decision needs; without a database, plan as if no case exists.
    `arrived`: when the message reached the mailbox, the day its commands were given;
    `number`: its stored row, which the triage list shows (None: a file, stored nowhere)."""
    form = read_form(app, msg, str(result.kind)) if _may_carry_form(result.kind) else None
    summary = summarise(form, app.vocabulary, app.config.partnership.reference_prefix)
    ref = result.case_ref or (summary.case_ref if summary else None)
    case = find_case(session, ref) if session is not None else None
    if session is not None and case is None:
        case = case_of_calendar_reply(session, result.kind, msg)  # by the invitation's UID
    if session is not None and case is None and ref is None and result.kind == "appendix_b":
        # A return sent as a fresh email: match it by the agency's one outstanding request.
        case = case_awaiting_return(session, app, msg.from_addr)
    own = frozenset({app.config.partnership.mailbox})
    forward = forward_read(app, msg, arrived)
    forwarded = forward is not None
    again = None
    if session is not None and case is None and result.kind == "complaint" and not forwarded:
        again = open_complaint_from(session, answer_address(msg, own))
        case, ref = again, (again.ref if again is not None else ref)
    parsed = commands_in(app, msg, arrived) if result.kind != "auto_reply" else None
    if session is not None and case is None and ref is None and parsed is not None:
        # "Approve 12" names its draft, and so its case, even in a reply without the tag.
        case = case_of_approved_draft(session, parsed)
    answered_at_reply_to = result.kind in REPLY_TO_KINDS
    ok, why_not = can_acknowledge(msg, own, reply_to=answered_at_reply_to)
    answer_to = answer_address(msg, own) if answered_at_reply_to else msg.from_addr
    per_day = app.config.ingest.max_acknowledgements_per_day
    mine = (
        case is not None
        and case.kind == "complaint"
        and case.referrer_email == answer_address(msg, own)
    )
    from_giver = msg.from_addr.lower() in command_givers(app)
    # Asked only when commands from one who gives them found no case: a query and a header
    # check spared on all other mail.
    unfiled = from_giver and case is None and _has_commands(parsed, from_giver)
    crossed = (
        crossed_thread(session, msg, ref) if case and _has_commands(parsed, from_giver) else None
    )
    near = lines_like_commands(app, msg, parsed, arrived) if from_giver and case else ()
    below = parsed.below_signature if parsed is not None and from_giver and case else ()
    identity = sin_identity(session, case, form) if session is not None else None
    # Asked only of a return on a case: a query spared on all other mail.
    returning = case is not None and _may_be_return(result, form)
    request = None
    if session is not None and case is not None and returning:
        request = replied_request_agency(session, case, msg)
    snapshot = Snapshot(
        kind=str(result.kind),
        rule_hits=result.hits,
        case_ref=ref,
        case_exists=case is not None,
        can_acknowledge=ok,
        no_ack_reason=why_not,
        message_id_reused=reused,
        case_ref_in_body=result.case_ref_in_body,
        copy_of=copy_of,
        has_commands=_has_commands(parsed, from_giver),
        form=summary,
        case_kind=case.kind if case is not None else None,
        sender_agency=sender_agency_key(app, msg.from_addr),
        request_agency=request,
        form_agency=form_agency(app, form) if returning else None,
        has_attachments=bool(msg.attachments),
        has_document=carries_document(msg),
        case_open=case is None or case.status == "open",
        from_business_manager=msg.from_addr in app.config.people.business_manager.command_addresses,
        from_command_giver=from_giver,
        labelled_automatic=labelled_automatic(result),
        returned_mail=result.kind == "auto_reply" and returned_mail_reason(msg, own) is not None,
        automatic=autoreply.machine_sent_reason(msg, own) or "",
        automatic_answer=autoreply.answer_by_headers(msg),
        too_large=tuple(a.filename for a in msg.attachments if a.too_large),
        # Asked as if it were filed on a case; the plan uses it only when it is.
        stranger=None
        if mine
        else stranger_on_case(msg.from_addr, str(result.kind), True, app.config.known_senders),
        from_complainant=mine,
        several_cases=unfiled and ref is None and several_cases(session, app, msg),
        commands_allowed=(unfiled or crossed is not None or bool(near or below))
        and commands_allowed(app, msg),
        crossed_thread=crossed,
        form_differs=identity.differs if identity else (),
        form_same_child=identity is not None and identity.same_child,
        answer_to=answer_to,
        # Asked only of mail that may be acknowledged: a query spared on all other mail.
        acknowledged_today=(
            acknowledged_since(session, answer_to, arrived, per_day)
            if ok and (result.kind in GUARDED_KINDS or returning)
            else 0
        ),
        acknowledgements_per_day=per_day,
        forwarded=forwarded,
        complaint_again=again is not None,
        commands_not_theirs=from_giver and none_theirs(app, msg.from_addr, parsed),
        first_written=forward.first_written if forward is not None else None,
        first_writer=forward.first_writer if forward is not None else None,
        forwarded_by_us=forward is not None and forward.by_us,
        arrived_on=day_zero(arrived, app.config.partnership.time_zone),
        reads_as_sin=result.reads_as_sin,
        sin_forms=form.separate if form is not None else (),
        ref_like=_ref_like(app, msg) if result.kind == "sin" and case is None else (),
        stored_as=number,
        near_commands=near,
        below_signature=below,
    )
    return Gathered(result, snapshot, case, form, parsed)


def forward_read(app: App, msg: MailMessage, arrived: datetime) -> Forward | None:
    """What a forward passes on, read once for a new SIN's plan and for `triage new-case`:
    when it was first sent, who wrote it, and whether the partnership passed it on."""
    own = frozenset({app.config.partnership.mailbox})
    if not is_forwarded(msg, own):
        return None
    tz, by_us = app.config.partnership.time_zone, our_addresses(app)
    writer = answerable_writer(msg, own | by_us, app.config.agency_domains)
    return Forward(day_zero(arrived, tz), first_written(msg, tz), writer, msg.from_addr in by_us)


def _ref_like(app: App, msg: MailMessage) -> tuple[str, ...]:
    prefix = app.config.partnership.reference_prefix
    return tuple(loose_case_refs(f"{msg.subject}\n{msg.text}", prefix))


def _may_be_return(result: Classification, form: Extraction | None) -> bool:
    read = form is not None and form.form == "appendix_b"
    return result.kind == "appendix_b" or (result.kind == "case_reply" and read)


def _may_carry_form(kind: str) -> bool:
    # A corrected SIN or a return sent as a reply is classified case_reply: read its attachment
    # or its body (a return pasted in). Unclassified mail is read before it is given up on.
    return kind in ("sin", "appendix_b", "case_reply", "unclassified")
