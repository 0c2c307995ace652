"""The parts of a message's snapshot (bot.core.snapshot.Snapshot), each gathered by one
function: what the message is, the case found, its sender, its commands, its form, its
acknowledgement, its forward. bot.services.gather puts them together into one Snapshot, and
mypy checks each field a part fills against the Snapshot's own type, and that no two parts
fill the same one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TypedDict

from sqlalchemy.orm import Session

from bot.adapters.db.models import Case
from bot.app import App
from bot.core import autoreply
from bot.core.agencies import stranger_on_case
from bot.core.autoreply import acknowledgeable, answer_address, returned_mail_reason
from bot.core.case_refs import loose_case_refs
from bot.core.commands import ParsedCommands
from bot.core.forms import Extraction
from bot.core.forwarded import answerable_writer, complainant_of, is_forwarded, written
from bot.core.forwarded import first_writer as quoted_writer
from bot.core.forwarded_sin import Forward
from bot.core.message import MailMessage, carries_document
from bot.core.near_commands import NearLine
from bot.core.rules import Classification, labelled_automatic
from bot.core.unread_mail import why_read_whole
from bot.core.working_days import day_zero
from bot.services.commands import command_givers, none_theirs
from bot.services.forms import sin_identity
from bot.services.intake import REPLY_TO_KINDS, our_addresses, sender_agency_key
from bot.services.loops import GUARDED_KINDS, acknowledged_since
from bot.services.near_commands import lines_like_commands
from bot.services.return_requests import form_agency, replied_request_agency
from bot.services.threads import crossed_thread
from bot.services.unfiled_commands import commands_allowed, several_cases


def own_addresses(app: App) -> frozenset[str]:
    """The partnership's mailbox: mail from it is our own, never a person writing."""
    return frozenset({app.config.partnership.mailbox})


@dataclass(frozen=True)
class FoundCase:
    """The case the message is on, if one, and the reference it goes by."""

    case: Case | None
    ref: str | None
    complaint_again: bool = False  # the case is the sender's complaint still open
    ref_not_held: str | None = None  # and the reference it names, which no case has


class MessageFacts(TypedDict):
    kind: str
    rule_hits: tuple[str, ...]
    case_ref_in_body: bool
    reads_as_sin: bool
    labelled_automatic: str | None
    returned_mail: bool
    automatic: str
    automatic_answer: bool
    has_attachments: bool
    has_document: bool
    too_large: tuple[str, ...]
    read_whole: str | None


def about_message(app: App, msg: MailMessage, result: Classification) -> MessageFacts:
    """What the message is, by its rules, its headers and its attachments."""
    own = own_addresses(app)
    return MessageFacts(
        kind=str(result.kind),
        rule_hits=result.hits,
        case_ref_in_body=result.case_ref_in_body,
        reads_as_sin=result.reads_as_sin,
        labelled_automatic=labelled_automatic(result),
        returned_mail=result.kind == "auto_reply" and returned_mail_reason(msg, own) is not None,
        automatic=autoreply.machine_sent_reason(msg, own) or "",
        automatic_answer=autoreply.answer_by_headers(msg),
        has_attachments=bool(msg.attachments),
        has_document=carries_document(msg),
        too_large=tuple(a.filename for a in msg.attachments if a.too_large),
        read_whole=why_read_whole(msg, automatic=result.kind == "auto_reply"),
    )


class CaseFacts(TypedDict):
    case_ref: str | None
    case_exists: bool
    case_kind: str | None
    case_open: bool
    complaint_again: bool
    ref_not_held: str | None
    ref_like: tuple[str, ...]


def about_case(app: App, msg: MailMessage, kind: str, found: FoundCase) -> CaseFacts:
    """The case found; for a SIN on none, the references it writes however typed."""
    case = found.case
    return CaseFacts(
        case_ref=found.ref,
        case_exists=case is not None,
        case_kind=case.kind if case is not None else None,
        case_open=case is None or case.status == "open",
        complaint_again=found.complaint_again,
        ref_not_held=found.ref_not_held,
        ref_like=_ref_like(app, msg) if kind == "sin" and case is None else (),
    )


class SenderFacts(TypedDict):
    sender_agency: str | None
    from_business_manager: bool
    from_command_giver: bool
    from_complainant: bool
    stranger: str | None


def about_sender(app: App, msg: MailMessage, kind: str, case: Case | None) -> SenderFacts:
    """Who wrote it: an agency, one who gives commands, the case's complainant, a stranger."""
    mine = (
        case is not None
        and case.kind == "complaint"
        and case.referrer_email == answer_address(msg, own_addresses(app))
    )
    return SenderFacts(
        sender_agency=sender_agency_key(app, msg.from_addr),
        from_business_manager=msg.from_addr in app.config.people.business_manager.command_addresses,
        from_command_giver=msg.from_addr.lower() in command_givers(app),
        from_complainant=mine,
        # Asked as if it were filed on a case; the plan uses it only when it is.
        stranger=None
        if mine
        else stranger_on_case(msg.from_addr, str(kind), True, app.config.known_senders),
    )


class CommandFacts(TypedDict):
    has_commands: bool
    crossed_thread: str | None
    near_commands: tuple[NearLine, ...]
    below_signature: tuple[str, ...]
    several_cases: bool
    commands_allowed: bool
    commands_not_theirs: bool


def about_commands(
    session: Session | None,
    app: App,
    msg: MailMessage,
    found: FoundCase,
    parsed: ParsedCommands | None,
    arrived: datetime,
    *,
    from_giver: bool,
) -> CommandFacts:
    """The command lines, and whether they may be carried out on the case found."""
    case, ref = found.case, found.ref
    has_commands = _has_commands(parsed, from_giver)
    # Commands below the signature, on a case or not: none is carried out, and each is told.
    below = parsed.below_signature if parsed is not None and from_giver else ()
    # Asked only when commands from one who gives them found no case: a query and a header
    # check spared on all other mail.
    unfiled = from_giver and case is None and (has_commands or bool(below))
    crossed = crossed_thread(session, msg, ref) if case is not None and has_commands else None
    near = lines_like_commands(app, msg, parsed, arrived) if from_giver and case else ()
    return CommandFacts(
        has_commands=has_commands,
        crossed_thread=crossed,
        near_commands=near,
        below_signature=below,
        several_cases=unfiled and ref is None and several_cases(session, app, msg),
        commands_allowed=(unfiled or crossed is not None or bool(near or below))
        and commands_allowed(app, msg),
        commands_not_theirs=from_giver and none_theirs(app, msg.from_addr, parsed),
    )


class FormFacts(TypedDict):
    form_differs: tuple[str, ...]
    form_same_child: bool
    sin_forms: tuple[str, ...]
    request_agency: str | None
    form_agency: str | None


def about_form(
    session: Session | None,
    app: App,
    msg: MailMessage,
    case: Case | None,
    form: Extraction | None,
    *,
    returning: bool,
) -> FormFacts:
    """A SIN form against the case's child and incident; a return's agency, by the request
    it answers and by its own Agency field."""
    identity = sin_identity(session, case, form) if session is not None else None
    # Asked only of a return on a case: a query spared on all other mail.
    request = None
    if session is not None and case is not None and returning:
        request = replied_request_agency(session, case, msg)
    return FormFacts(
        form_differs=identity.differs if identity else (),
        form_same_child=identity is not None and identity.same_child,
        sin_forms=form.separate if form is not None else (),
        request_agency=request,
        form_agency=form_agency(app, form) if returning else None,
    )


class AcknowledgementFacts(TypedDict):
    can_acknowledge: bool
    no_ack_reason: str
    answer_to: str
    acknowledged_today: int
    acknowledgements_per_day: int


def about_acknowledgement(
    session: Session | None,
    app: App,
    msg: MailMessage,
    kind: str,
    arrived: datetime,
    *,
    returning: bool,
    automatic: str,
) -> AcknowledgementFacts:
    """Whether the sender may be answered, at which address, and how many answers that
    address had in the day before: past a few, an answer may be feeding a loop.
    `automatic`: the snapshot's, why the message reads as machine-sent ("" when it does not)."""
    own = own_addresses(app)
    at_reply_to = kind in REPLY_TO_KINDS
    ok, why_not = acknowledgeable(msg, own, automatic or None, reply_to=at_reply_to)
    answer_to = answer_address(msg, own) if at_reply_to else msg.from_addr
    per_day = app.config.ingest.max_acknowledgements_per_day
    # Asked only of mail that may be acknowledged: a query spared on all other mail.
    guarded = ok and (kind in GUARDED_KINDS or returning)
    today = acknowledged_since(session, answer_to, arrived, per_day) if guarded else 0
    return AcknowledgementFacts(
        can_acknowledge=ok,
        no_ack_reason=why_not,
        answer_to=answer_to,
        acknowledged_today=today,
        acknowledgements_per_day=per_day,
    )


class ForwardFacts(TypedDict):
    forwarded: bool
    first_written: date | None
    first_written_doubt: str | None
    first_writer: str | None
    forwarded_by_us: bool
    quoted_writer: str | None
    forwarded_complainant: str


def forward_read(app: App, msg: MailMessage, arrived: datetime) -> Forward | None:
    """What a forward passes on, read once for a new SIN's plan and for `triage new-case`:
    when it was first sent, who wrote it, and whether the partnership passed it on."""
    own = own_addresses(app)
    if not is_forwarded(msg, own):
        return None
    tz, by_us = app.config.partnership.time_zone, our_addresses(app)
    writer = answerable_writer(msg, own | by_us, app.config.agency_domains)
    sent = written(msg, tz)
    return Forward(
        day_zero(arrived, tz),
        sent.day,
        writer,
        msg.from_addr in by_us,
        quoted_writer(msg),
        sent.doubt,
        complainant_of(msg, own | by_us, app.config.agency_domains),
    )


def about_forward(forward: Forward | None) -> ForwardFacts:
    """A forward's writer and the day they wrote, and whether we passed it on ourselves."""
    return ForwardFacts(
        forwarded=forward is not None,
        first_written=forward.first_written if forward is not None else None,
        first_written_doubt=forward.doubt if forward is not None else None,
        first_writer=forward.first_writer if forward is not None else None,
        forwarded_by_us=forward is not None and forward.by_us,
        quoted_writer=forward.quoted_writer if forward is not None else None,
        forwarded_complainant=forward.complainant if forward is not None else "",
    )


def _has_commands(parsed: ParsedCommands | None, from_giver: bool) -> bool:
    """Lines to carry out; or, from someone who gives commands, lines that start like a command
    but cannot be read ("Answered: 31/02/2027"): they get the reason back, never filed unread."""
    if parsed is None:
        return False
    return bool(parsed.commands) or (bool(parsed.errors) and from_giver)


def _ref_like(app: App, msg: MailMessage) -> tuple[str, ...]:
    prefix = app.config.partnership.reference_prefix
    return tuple(loose_case_refs(f"{msg.subject}\n{msg.text}", prefix))
