"""Applying a message's plan: one small function per effect type, all in the caller's session.

The decision was made in `bot.core.message_plan`; nothing here chooses what to do, only how.
`Applying` carries what the effects hand on to each other (the case opened, the meeting
booked, the triage reasons gathered) so that each function stays a few lines.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, Meeting, StoredMessage
from bot.app import App
from bot.core import message_plan as mp
from bot.core.autoreply import answer_address
from bot.core.commands import ParsedCommands
from bot.core.deadlines import fmt_date
from bot.core.form_summary import expecting, unreadable
from bot.core.forms import Extraction
from bot.core.message import MailMessage
from bot.core.plan_effects import TriageComplaintNotHeld, TriageEscalationNotHeld
from bot.services.alert_now import alert_now
from bot.services.attention import note_human_mail
from bot.services.cases import add_event, find_case
from bot.services.commands import handle_email_commands
from bot.services.complaint_again import (
    flag_maybe_new,
    triage_escalation_not_held,
    triage_not_held,
)
from bot.services.delivery import note_delivery_report
from bot.services.digest_names import field_labels
from bot.services.forms import (
    apply_return,
    apply_sin_form,
    missing_labels,
    unreadable_return,
)
from bot.services.intake import open_complaint, open_escalation, record_return, sender_agency_key
from bot.services.meeting_replies import record_calendar_replies
from bot.services.near_commands import tell_no_command_recognised
from bot.services.new_case import Acknowledgement, acknowledge, open_case
from bot.services.repeats import Earlier, content_of, kept_of, named_open_case, possible_repeat
from bot.services.return_receipt import send_receipt
from bot.services.same_child import same_child
from bot.services.screening_booking import book_screening
from bot.services.unfiled_commands import tell_commands_on_new_record, tell_commands_unfiled


@dataclass
class Applying:
    session: Session
    app: App
    row: StoredMessage
    msg: MailMessage
    now: datetime
    case: Case | None
    form: Extraction | None = None
    parsed: ParsedCommands | None = None
    meeting: Meeting | None = None
    reasons: list[str] = field(default_factory=list)
    # The acknowledgement's idempotency key, when not the message's usual one: a second
    # notification opened from it later (bot.services.triage_new_case).
    ack_key: str | None = None


def apply_plan(state: Applying, plan: mp.Plan) -> None:
    for effect in plan:
        APPLY[type(effect)](state, effect)
    if state.reasons:
        row = state.row
        earlier = [row.triage_reason] if row.triage_reason else []
        row.needs_triage, row.triage_reason = True, "; ".join(earlier + state.reasons)


def _reclassify(s: Applying, e: mp.Reclassify) -> None:
    # Stored with the classification so `classify --json` and the case history explain it.
    s.row.kind, s.row.rule = e.kind, e.rule
    found: dict[str, Any] = dict(s.row.classification or {})
    hits: list[str] = list(found.get("hits") or [])
    reasons: list[str] = list(found.get("reasons") or [])
    found["hits"] = [*hits, e.rule]
    found["reasons"] = [*reasons, f"{e.rule}: no rule decided; the form reader read it"]
    s.row.classification = found


def _mark_reused(s: Applying, e: mp.MarkReused) -> None:
    s.row.flags = [*s.row.flags, "message_id_reused"]


def _open_case(s: Applying, e: mp.OpenCase) -> None:
    s.case = open_case(s.session, s.app, s.row, s.now, counted_from=e.counted_from, doubt=e.doubt)


def _expected(s: Applying, form: str) -> Extraction | None:
    """The message's form read as `form`: an unreadable document leaves its fields missing."""
    return expecting(s.form, s.app.vocabulary, form) if s.form is not None else None


def _apply_sin_form(s: Applying, e: mp.ApplySinForm) -> None:
    form = _expected(s, "sin")
    if s.case is not None and form is not None:
        apply_sin_form(s.session, s.app, s.case, s.row, form, s.now)


def _file_on_case(s: Applying, e: mp.FileOnCase) -> None:
    if s.case is None:
        return
    s.row.case = s.case
    domain = s.msg.from_addr.partition("@")[2]
    add_event(
        s.session,
        s.case,
        s.now,
        "message_filed",
        f"Message #{s.row.id} ({s.row.kind}) from {domain}",
        why=f"rule {s.row.rule}; {e.note}".rstrip("; "),
    )


def _book_screening(s: Applying, e: mp.BookScreening) -> None:
    if s.case is not None:
        s.meeting = book_screening(s.session, s.app, s.case, s.now)


def _acknowledge(s: Applying, e: mp.Acknowledge) -> None:
    if s.case is not None:
        form = _expected(s, "sin")
        missing = missing_labels(form, field_labels(s.app)) if form is not None else []
        unread = form is not None and unreadable(form)
        absent = form is not None and form.form is None and not unread
        words = Acknowledgement(
            missing=tuple(missing),
            form_unread=unread,
            form_absent=absent,
            writer=e.to,
            start_unsure=e.start_unsure,
            key=s.ack_key,
        )
        acknowledge(s.session, s.app, s.case, s.row, s.meeting, s.now, words)


def _run_commands(s: Applying, e: mp.RunCommands) -> None:
    if s.case is not None and s.parsed is not None:
        handle_email_commands(s.session, s.app, s.case, s.row, s.msg, s.parsed, s.now)


def _record_return(s: Applying, e: mp.RecordReturn) -> None:
    if s.case is None:
        return
    if e.sure:
        # A reply to the request sent an agency is that agency's return (bot.core.return_agency).
        why = f"a reply to the Appendix B request sent to {e.agency}"
        problem = record_return(
            s.session, s.app, s.case, s.row, s.now, agency_key=e.agency, why=why
        )
        if problem is not None:
            s.reasons.append(problem)
            return
    agency = e.agency or sender_agency_key(s.app, s.row.from_addr)
    form = _expected(s, "appendix_b")
    if form is None or agency is None:
        return
    read = form.form == "appendix_b"
    if read:
        apply_return(s.session, s.case, agency, s.row, form, s.now)
    else:  # a document came, but not one the bot could read as the return
        s.reasons.append(unreadable_return(s.session, s.case, agency, s.row, form, s.now))
    if e.receipt:
        send_receipt(s.session, s.app, s.case, s.row, agency, read=read, now=s.now)


def _open_complaint(s: Applying, e: mp.OpenComplaint) -> None:
    linked = find_case(s.session, e.linked_case)
    own = frozenset({s.app.config.partnership.mailbox})
    s.row.case, late = open_complaint(
        s.session,
        s.app,
        s.row,
        e.acknowledge,
        s.now,
        linked,
        first_written=e.first_written,
        doubt=e.doubt,
        answer_to=answer_address(s.msg, own),
        forward_writer=e.complainant,
    )
    if late is not None:
        s.reasons.append(late)


def _open_escalation(s: Applying, e: mp.OpenEscalation) -> None:
    linked = find_case(s.session, e.linked_case)
    own = frozenset({s.app.config.partnership.mailbox})
    answer_to = answer_address(s.msg, own)
    s.row.case = open_escalation(
        s.session,
        s.app,
        s.row,
        linked,
        e.acknowledge,
        s.now,
        answer_to=answer_to,
        held_back=e.held_back,
    )


def _flag_form_case(s: Applying, e: mp.FlagFormCase) -> None:
    reason = f"the form names {e.form_case} but the message is on {e.thread_case}"
    s.reasons.append(f"{reason}: check which case it belongs to")
    if s.case is not None:
        why = f"message #{s.row.id} from {s.row.from_addr.partition('@')[2]}"
        add_event(s.session, s.case, s.now, "form_names_other_case", reason, why=why)


def _flag_mentioned_case(s: Applying, e: mp.FlagMentionedCase) -> None:
    mentioned = find_case(s.session, e.mentioned)
    if s.case is None or mentioned is None:
        return
    new, old = s.case.ref, mentioned.ref
    s.reasons.append(
        f"a new SIN whose text mentions {old}: opened as {new}, as a notification of its own; "
        f"if it is about {old}, close {new} with Notifiable: no because duplicate of {old}, "
        f"then Close: duplicate of {old}"
    )
    why = f"message #{s.row.id} from {s.row.from_addr.partition('@')[2]}"
    add_event(s.session, s.case, s.now, "mentions_case", f"its SIN mentions {old}", why=why)
    add_event(s.session, mentioned, s.now, "mentioned_by", f"{new}'s SIN mentions {old}", why=why)


def _triage(s: Applying, e: mp.Triage) -> None:
    s.reasons.append(e.reason)


def _alert_now(s: Applying, e: mp.AlertNow) -> None:
    case_ref = s.case.ref if s.case is not None else None
    alert_now(s.session, s.app, s.row, s.msg, e, s.now, case_ref)


def _check_repeat(s: Applying, e: mp.CheckRepeat) -> None:
    if s.case is None:
        return
    content = content_of(s.msg)
    s.row.classification = {**(s.row.classification or {}), **kept_of(content)}
    named = named_open_case(s.session, s.case, e.named)
    found = (
        (named, f"its subject or text names {named.ref}")
        if named is not None
        else possible_repeat(
            s.session,
            s.case,
            content,
            s.now,
            lambda r: content_of(s.app.parse(r.raw)),
            s.msg.subject,
        )
    )
    earlier = (
        Earlier(found[0].ref, found[0].sin_received_on, found[1])
        if found is not None
        else same_child(s.session, s.case, s.form, s.now)  # another agency's SIN, same child
    )
    if earlier is None:
        return
    reason = (
        f"possibly the same notification as {earlier.ref}, opened "
        f"{fmt_date(earlier.sin_received_on)} ({earlier.shared}): if it is, close this case "
        f"with Notifiable: no because duplicate of {earlier.ref}, then Close: duplicate of "
        f"{earlier.ref}"
    )
    s.reasons.append(reason)
    add_event(s.session, s.case, s.now, "possible_repeat", reason, why=f"message #{s.row.id}")


def _check_delivery_report(s: Applying, e: mp.CheckDeliveryReport) -> None:
    note_delivery_report(s.session, s.app, s.row, s.msg, s.now)


def _record_calendar_reply(s: Applying, e: mp.RecordCalendarReply) -> None:
    record_calendar_replies(s.session, s.app, s.row, s.msg, s.now)


def _note_human_mail(s: Applying, e: mp.NoteHumanMail) -> None:
    # Command lines no one answered are read as written: the parse is not passed on.
    parsed = s.parsed if e.commands_answered else None
    form = s.form if e.beside_form else None  # pasted into the body, its lines are not news
    note_human_mail(
        s.session, s.app, s.row, s.msg, parsed, s.now, beside_form=e.beside_form, form=form
    )


def _tell_commands_unfiled(s: Applying, e: mp.TellCommandsUnfiled) -> None:
    if s.parsed is not None:
        tell_commands_unfiled(s.session, s.app, s.row, s.msg, s.parsed, e.why, s.now)


def _tell_commands_on_new_record(s: Applying, e: mp.TellCommandsOnNewRecord) -> None:
    record = s.row.case or s.case  # a complaint or escalation is the message's own case
    if s.parsed is not None and record is not None:
        tell_commands_on_new_record(s.session, s.app, s.row, s.msg, s.parsed, record, s.now)


def _tell_no_command_recognised(s: Applying, e: mp.TellNoCommandRecognised) -> None:
    case = s.row.case or s.case
    if case is not None:
        tell_no_command_recognised(s.session, s.app, case, s.row, s.msg, e, s.now, s.parsed)


APPLY: dict[type[Any], Callable[[Applying, Any], None]] = {
    mp.Reclassify: _reclassify,
    mp.MarkReused: _mark_reused,
    mp.OpenCase: _open_case,
    mp.ApplySinForm: _apply_sin_form,
    mp.FileOnCase: _file_on_case,
    mp.BookScreening: _book_screening,
    mp.Acknowledge: _acknowledge,
    mp.RunCommands: _run_commands,
    mp.RecordReturn: _record_return,
    mp.OpenComplaint: _open_complaint,
    mp.OpenEscalation: _open_escalation,
    mp.FlagFormCase: _flag_form_case,
    mp.FlagMentionedCase: _flag_mentioned_case,
    mp.FlagMaybeNewComplaint: flag_maybe_new,
    TriageComplaintNotHeld: triage_not_held,
    TriageEscalationNotHeld: triage_escalation_not_held,
    mp.Triage: _triage,
    mp.AlertNow: _alert_now,
    mp.CheckRepeat: _check_repeat,
    mp.CheckDeliveryReport: _check_delivery_report,
    mp.NoteHumanMail: _note_human_mail,
    mp.RecordCalendarReply: _record_calendar_reply,
    mp.TellCommandsUnfiled: _tell_commands_unfiled,
    mp.TellCommandsOnNewRecord: _tell_commands_on_new_record,
    mp.TellNoCommandRecognised: _tell_no_command_recognised,
}
