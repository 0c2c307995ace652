"""Everything the decision about one message needs, read once: the frozen snapshot the core
plans from (bot.core.snapshot), put together from its parts (bot.services.snapshot_parts),
and the rows and values the effects act with. Each query is asked only of the mail that
needs it, as the comments say: most mail costs none of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.adapters.db.models import Case
from bot.app import App
from bot.core.autoreply import answer_address
from bot.core.commands import ParsedCommands
from bot.core.form_summary import summarise
from bot.core.forms import Extraction
from bot.core.message import MailMessage
from bot.core.message_plan import Snapshot
from bot.core.rules import Classification, ClassifyContext
from bot.core.working_days import day_zero
from bot.services.cases import find_case
from bot.services.commands import commands_in
from bot.services.forms import read_form
from bot.services.intake import case_awaiting_return, open_complaint_from
from bot.services.meeting_replies import case_of_calendar_reply
from bot.services.signature_lines import untold
from bot.services.snapshot_parts import (
    FoundCase,
    about_acknowledgement,
    about_case,
    about_commands,
    about_form,
    about_forward,
    about_message,
    about_sender,
    forward_read,
    own_addresses,
)
from bot.services.threads import case_of_approved_draft, thread_case_ref
from bot.services.unfiled_commands import terminal_lines


def context_for(session: Session, app: App, msg: MailMessage) -> ClassifyContext:
    return ClassifyContext(
        reference_prefix=app.config.partnership.reference_prefix,
        own_addresses=own_addresses(app),
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
    forward = forward_read(app, msg, arrived)
    parsed = commands_in(app, msg, arrived) if result.kind != "auto_reply" else None
    # Read, never obeyed: a person may have written them under an automatic label.
    unobeyed = commands_in(app, msg, arrived) if parsed is None else None
    found = FoundCase(None, ref)
    if session is not None:
        if parsed is not None:  # a signature's command-like line is told of once
            parsed = untold(session, msg.from_addr, parsed, number)
        found = _find_case(
            session, app, msg, result.kind, ref, parsed, forwarded=forward is not None
        )
    sender = about_sender(app, msg, result.kind, found.case)
    returning = found.case is not None and _may_be_return(result, form)
    message = about_message(app, msg, result)
    snapshot = Snapshot(
        **message,
        **about_case(app, msg, result.kind, found),
        **sender,
        **about_commands(
            session, app, msg, found, parsed, arrived, from_giver=sender["from_command_giver"]
        ),
        **about_form(session, app, msg, found.case, form, returning=returning),
        **about_acknowledgement(
            session,
            app,
            msg,
            result.kind,
            arrived,
            returning=returning,
            automatic=message["automatic"],
        ),
        **about_forward(forward),
        form=summary,
        message_id_reused=reused,
        automatic_commands=tuple(terminal_lines(unobeyed)) if unobeyed else (),
        copy_of=copy_of,
        stored_as=number,
        arrived_on=day_zero(arrived, app.config.partnership.time_zone),
    )
    return Gathered(result, snapshot, found.case, form, parsed)


def _find_case(
    session: Session,
    app: App,
    msg: MailMessage,
    kind: str,
    ref: str | None,
    parsed: ParsedCommands | None,
    *,
    forwarded: bool,
) -> FoundCase:
    """The case named by the reference the message or its form carries; else, in this order,
    the one whose invitation a calendar reply answers, the one awaiting a return, the
    complainant's open complaint, the one whose draft "Approve 12" names."""
    case = find_case(session, ref)
    if case is None:
        case = case_of_calendar_reply(session, kind, msg)  # by the invitation's UID
    if case is None and ref is None and kind == "appendix_b":
        # A return sent as a fresh email: match it by the agency's one outstanding request.
        case = case_awaiting_return(session, app, msg.from_addr)
    if case is None and kind == "complaint" and not forwarded:
        again = open_complaint_from(session, answer_address(msg, own_addresses(app)))
        if again is not None:
            # A reference no case has is kept: the open complaint is then a guess.
            return FoundCase(again, again.ref, complaint_again=True, ref_not_held=ref)
    if case is None and ref is None and parsed is not None:
        # "Approve 12" names its draft, and so its case, even in a reply without the tag.
        case = case_of_approved_draft(session, parsed)
    return FoundCase(case, ref)


def _may_be_return(result: Classification, form: Extraction | None) -> bool:
    read = form is not None and form.form == "appendix_b"
    return result.kind == "appendix_b" or (result.kind == "case_reply" and read)


def _may_carry_form(kind: str) -> bool:
    # A corrected SIN or a return sent as a reply is classified case_reply: read its attachment
    # or its body (a return pasted in). Unclassified mail is read before it is given up on.
    return kind in ("sin", "appendix_b", "case_reply", "unclassified")
