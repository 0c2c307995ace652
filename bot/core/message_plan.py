"""What to do with one message: a pure decision over a frozen snapshot, applied later.

The service gathers every database read about a message into a `Snapshot` (the
classification, the case it names and that case's kind, the sender's agency, the form read
from it, the commands in it, whether it may be answered, whether its Message-ID was seen
before). `plan` turns that into a tuple of effect values; the service applies them, in order,
in one transaction, through a table of one small function per effect type. Nothing else
decides: `tscp-bot classify --json` prints the same plan, so anyone can see what the bot would
do with a message.

The plan is deliberately conservative. Anything the bot is not sure how to act on goes to the
Business Manager's triage list rather than being answered or dropped. Statutory kinds win over
threading: a complaint or an escalation on a case thread opens its own record, linked to the
case. They win over command lines too, unless the sender is one who gives commands: a
headteacher's "Disagree with the panel's decision" is the challenge itself, not the
Independent Scrutineer's Disagree. Commands that find no one case (a reply to the daily
digest names them all) are carried out on none, and the one who gave them is told so.
"""

from __future__ import annotations

from dataclasses import replace

from bot.core.closed_case_sin import new_sin_on_closed_case
from bot.core.complaint_again import complaint_again, not_a_known_case
from bot.core.forwarded import FORWARDED_COMPLAINT, forwarded_complaint
from bot.core.forwarded_sin import acknowledgement, forward_of, forwarded_note, opened_from
from bot.core.loop_guard import loop_guard
from bot.core.near_commands import no_command_recognised
from bot.core.person_wrote import automatic_mail, complainant_after_closing, human_note
from bot.core.plan_effects import (
    OPENS_RECORD,
    Acknowledge,
    AlertNow,
    ApplySinForm,
    BookScreening,
    CheckDeliveryReport,
    CheckRepeat,
    Effect,
    FileOnCase,
    FlagFormCase,
    FlagMaybeNewComplaint,
    FlagMentionedCase,
    MarkReused,
    NoteHumanMail,
    OpenCase,
    OpenComplaint,
    OpenEscalation,
    Plan,
    Reclassify,
    RecordCalendarReply,
    RecordReturn,
    RunCommands,
    TellCommandsOnNewRecord,
    TellCommandsUnfiled,
    TellNoCommandRecognised,
    Triage,
    as_json,
    describe,
)
from bot.core.plan_forms import form_case_mismatch, form_counts, several_sin_forms, sin_form
from bot.core.return_agency import whose_return
from bot.core.snapshot import FormSummary, Snapshot
from bot.core.unfiled_commands import commands_on_no_case, crossed

FORM_READER_SIN = "form-reader: completed SIN form"
FORM_READER_RETURN = "form-reader: completed Appendix B return"

# The effects (bot.core.plan_effects) are named from here too: a plan and its parts, one import.
__all__ = [
    "FORM_READER_RETURN",
    "FORM_READER_SIN",
    "FORWARDED_COMPLAINT",
    "Acknowledge",
    "AlertNow",
    "ApplySinForm",
    "BookScreening",
    "CheckDeliveryReport",
    "CheckRepeat",
    "Effect",
    "FileOnCase",
    "FlagFormCase",
    "FlagMaybeNewComplaint",
    "FlagMentionedCase",
    "FormSummary",
    "MarkReused",
    "NoteHumanMail",
    "OpenCase",
    "OpenComplaint",
    "OpenEscalation",
    "Plan",
    "Reclassify",
    "RecordCalendarReply",
    "RecordReturn",
    "RunCommands",
    "Snapshot",
    "TellCommandsOnNewRecord",
    "TellCommandsUnfiled",
    "TellNoCommandRecognised",
    "Triage",
    "as_json",
    "describe",
    "plan",
    "reads_commands",
]

_FORM_RULES = {"sin": FORM_READER_SIN, "appendix_b": FORM_READER_RETURN}
UNREAD_FORM = "a document that may hold a form could not be read; open it yourself"


def plan(snap: Snapshot) -> Plan:
    """The effects for one message, in the order they are applied."""
    if snap.copy_of is not None:
        # Nothing in it is new: acting on it would alert, answer or count a second time.
        note = f"a second delivery of message #{snap.copy_of}, by another route: not acted on"
        return (FileOnCase(note),) if snap.case_exists else ()
    found = _reclassified(snap)
    if found is not None:
        snap = replace(snap, kind=found.kind)
    effects: list[Effect] = [found] if found is not None else []
    effects += _decide(snap)
    effects += several_sin_forms(snap, effects)
    effects += human_note(snap, effects)
    effects += complainant_after_closing(snap, effects)
    effects += new_sin_on_closed_case(snap, effects)
    effects += form_case_mismatch(snap)
    effects += commands_on_no_case(snap, effects)
    effects += no_command_recognised(snap, effects)
    effects = loop_guard(snap, effects)
    if snap.stranger and any(isinstance(e, FileOnCase) for e in effects):
        # Mail on a case from someone the configuration does not know is never filed silently.
        effects.append(Triage(snap.stranger))
    if snap.kind == "auto_reply" and not snap.message_id_reused:
        effects.append(CheckDeliveryReport())
    # The forwarder is not the complainant, nor, when she is ours, the referrer.
    ours = snap.kind == "sin" and snap.forwarded_by_us  # bot.core.forwarded_sin answers it
    answered = not (snap.forwarded and (snap.kind == "complaint" or ours))
    if answered and not snap.can_acknowledge and any(isinstance(e, OPENS_RECORD) for e in effects):
        # A new SIN, complaint or escalation whose sender the bot cannot answer (no usable
        # From, a no-reply mailbox): a person replies another way, so it is never silent.
        why = f"not acknowledged ({snap.no_ack_reason}): answer the sender another way"
        effects.append(Triage(why))

    if snap.read_whole:
        # Kept in the inbox whatever else was done: the bot acted on what it could not read.
        effects.append(Triage(snap.read_whole))
    if snap.form is not None and snap.form.unread:
        effects.append(Triage(f"{UNREAD_FORM}: {'; '.join(snap.form.unread)}"))
    if snap.too_large:
        names = ", ".join(snap.too_large)
        effects.append(Triage(f"attachment over the size limit, kept but not read: {names}"))
    return tuple(effects)


def _reclassified(snap: Snapshot) -> Reclassify | None:
    """Read before giving up: a completed form from a professional decides what no rule did."""
    form = snap.form
    if snap.kind != "unclassified" or snap.rule_hits or form is None or form.form is None:
        return None
    if not form.complete or form.blank or snap.sender_agency is None:
        return None
    return Reclassify(form.form, _FORM_RULES[form.form]) if form.form in _FORM_RULES else None


def _decide(snap: Snapshot) -> list[Effect]:
    if snap.message_id_reused:
        filed: list[Effect] = [FileOnCase("not acted on: possible resend or forgery")]
        return [
            MarkReused(),
            *(filed if snap.case_exists else []),
            Triage("same Message-ID as an earlier message but different content"),
        ]
    mention = snap.kind == "sin" and snap.case_ref_in_body  # a SIN opens whatever its text says
    if snap.case_ref and not snap.case_exists and snap.kind != "auto_reply" and not mention:
        return not_a_known_case(snap)
    if snap.kind == "auto_reply":
        return automatic_mail(snap)
    if snap.has_commands and snap.case_exists and reads_commands(snap):
        if snap.crossed_thread:
            return crossed(snap)
        return [*sin_form(snap), FileOnCase("commands on the case"), RunCommands(), *_late(snap)]
    return _by_kind(snap)


_STATUTORY = ("complaint", "escalation")


def reads_commands(snap: Snapshot) -> bool:
    """Whether the message's command lines are read as commands at all.

    A complaint or an escalation from someone who may not give commands is read as what it is:
    its record (and the clock and alerts that come with it) is owed, and "Disagree with the
    panel's decision" from a headteacher or a grandparent is the challenge in their own words,
    so neither a refusal nor "commands not carried out" is said to them. From someone who does
    give commands, the lines run as always (the Scrutineer's "Disagree: ..."), unless not one
    of them is theirs to give: a partner's "Disagree with the panel's decision: ... I am
    escalating this" is their escalation, not the Scrutineer's command refused.
    """
    return snap.kind not in _STATUTORY or (snap.from_command_giver and not snap.commands_not_theirs)


def _why_not(snap: Snapshot) -> str:
    return "" if snap.can_acknowledge else f"not acknowledged: {snap.no_ack_reason}"


def _by_kind(snap: Snapshot) -> list[Effect]:
    deciders = {
        "sin": _sin,
        "escalation": _escalation,
        "complaint": _complaint,
        "appendix_b": _appendix_b,
        "unclassified": _unclassified,
        "calendar_reply": _calendar_reply,
    }
    decide = deciders.get(snap.kind)
    if decide is not None:
        return decide(snap)
    if snap.case_exists:
        return [*sin_form(snap), FileOnCase(f"{snap.kind} filed on the case"), *_late(snap)]
    return [Triage("not recognised by any rule")]


def _sin(snap: Snapshot) -> list[Effect]:
    blank = snap.form is not None and snap.form.blank
    mentioned = snap.case_ref if snap.case_exists and snap.case_ref_in_body else None
    if blank and (not snap.case_exists or mentioned):
        return [Triage("blank SIN template (no values filled in): not a notification")]
    if snap.case_exists and not (mentioned and not snap.form_same_child):
        # A corrected or repeated form in an existing thread updates that case; so does one
        # that only mentions the case, when its form names the case's own child.
        return [*sin_form(snap), FileOnCase("further SIN form filed on the existing case")]
    # A SIN that only mentions an earlier case in its text (a sibling, a second incident) is a
    # notification of its own: a case wrongly opened is seen and closed, a missed one starts no
    # screening clock. Both cases say so.
    flag: list[Effect] = [FlagMentionedCase(mentioned)] if mentioned else []
    form: list[Effect] = [ApplySinForm()] if snap.form is not None else []
    repeat = CheckRepeat(snap.ref_like)
    fwd = forward_of(snap)
    # A forwarded SIN counts from the day it was first sent, when sure.
    opened = [opened_from(fwd), *form, repeat, FileOnCase(_why_not(snap)), BookScreening()]
    ack = acknowledgement(fwd, snap.can_acknowledge)
    told = snap.answer_to if any(isinstance(e, Acknowledge) for e in ack) else None
    return [*opened, *ack, *flag, *forwarded_note(fwd, told)]


def _on_own_record(snap: Snapshot) -> list[Effect]:
    """A complaint or escalation written on that complaint's or escalation's own thread is
    more of the same, not a new record: but a person wrote it, and a person reads it."""
    if snap.case_exists and snap.case_kind == snap.kind:
        return [FileOnCase(f"{snap.kind} filed on its own record"), NoteHumanMail()]
    return []


def _escalation(snap: Snapshot) -> list[Effect]:
    own = _on_own_record(snap)
    if own:
        return own
    # Filed on the case it challenges first, then the escalation becomes the message's record.
    filed: list[Effect] = [FileOnCase(_why_not(snap))] if snap.case_exists else []
    linked = snap.case_ref if snap.case_exists else None
    return [*filed, OpenEscalation(linked, snap.can_acknowledge)]


def _complaint(snap: Snapshot) -> list[Effect]:
    # A complaint is a statutory kind with its own 20-working-day clock, thread or not.
    if snap.complaint_again:
        return complaint_again(snap)  # more of it, or a new one: a person decides
    own = _on_own_record(snap)
    if own:
        return own
    linked = snap.case_ref if snap.case_exists else None
    if snap.forwarded:
        # The forwarder is not the complainant: no acknowledgement to them, and the day the
        # complaint was first made is a person's to check.
        doubt, writer = snap.first_written_doubt, snap.forwarded_complainant
        opened = OpenComplaint(linked, False, snap.first_written, doubt, writer)
        return [opened, Triage(forwarded_complaint(doubt, bool(writer)))]
    return [OpenComplaint(linked, snap.can_acknowledge)]


def _calendar_reply(snap: Snapshot) -> list[Effect]:
    # Never acknowledged, never "new on your case"; an answer to no meeting of ours is triaged
    # when it is recorded (bot.services.meeting_replies), which knows the meetings.
    filed: list[Effect] = [FileOnCase("calendar answer")] if snap.case_exists else []
    return [*filed, RecordCalendarReply()]


def _appendix_b(snap: Snapshot) -> list[Effect]:
    if snap.case_exists:
        return [FileOnCase("Appendix B return"), *_return(snap)]
    return [Triage("appendix b not linked to a case")]


def _return(snap: Snapshot) -> list[Effect]:
    """A return is recorded, meeting its agency's deadline, only when it can be one."""
    if not snap.case_open:
        # Kept on the case as it came, but a closed case's clocks and chronology are settled.
        return [
            Triage(
                f"Appendix B return on {snap.case_ref}, which is closed: nothing recorded from "
                "it; check whether it belongs to another case"
            )
        ]
    if snap.from_business_manager:
        # Sent on for an agency: her address says nothing of which agency it is.
        return [
            Triage(
                "Appendix B sent on by the Business Manager: nothing recorded from it, as the "
                "bot cannot tell whose return it is; send it on again with Return from: "
                "<agency> at the top"
            )
        ]
    read = snap.form is not None and snap.form.form == "appendix_b"
    if not read and not snap.has_document:
        # "Our return will follow next week" answers no request: it stays open, and chased.
        return [
            Triage(
                "a message on an Appendix B thread that holds no return (no form, no "
                "document): any request to its agency stays open"
            )
        ]
    credit = whose_return(snap)
    if credit.doubt:
        # Whose it is waits for a person, who answers the sender: no receipt says it is in.
        return [RecordReturn(credit.agency, sure=False), Triage(credit.doubt)]
    return [RecordReturn(credit.agency, receipt=snap.can_acknowledge)]


def _unclassified(snap: Snapshot) -> list[Effect]:
    # Kept with its case, but a person decides what it is.
    filed: list[Effect] = [FileOnCase()] if snap.case_exists else []
    if snap.read_whole:
        return filed  # plan() gives the reason, which says more than "not recognised"
    return [*filed, Triage(snap.labelled_automatic or "not recognised by any rule")]


def _late(snap: Snapshot) -> list[Effect]:
    """An Appendix B return sent as a reply: attached, or pasted whole into the body."""
    form = snap.form
    if snap.kind != "case_reply" or form is None or form.form != "appendix_b":
        return []
    return _return(snap) if form_counts(snap) else []
