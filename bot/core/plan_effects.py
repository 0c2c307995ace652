"""The effects a message plan (bot.core.message_plan) is made of: one value per thing the bot
does with a message, applied in the order given, and how each reads in words (the classify
command, the case history)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.core.deadlines import fmt_date
from bot.core.not_held_effects import TriageComplaintNotHeld as TriageComplaintNotHeld
from bot.core.not_held_effects import TriageEscalationNotHeld as TriageEscalationNotHeld

# --- Effects: one value per thing the bot does, applied in the order given ---


@dataclass(frozen=True)
class Reclassify:
    """No rule decided, but the form reader found a completed form: that is the kind."""

    kind: str
    rule: str


@dataclass(frozen=True)
class MarkReused:
    pass


@dataclass(frozen=True)
class OpenCase:
    # A forwarded SIN: the day the forwarded email was sent, when its clocks count from it
    # (bot.core.forwarded.counted_from); None: from the day the message arrived.
    counted_from: date | None = None
    # Counted from the message's arrival because its Sent line's zone letters left the day
    # unsure: why, for the clocks' explanation (bot.core.sent_zone).
    doubt: str | None = None


@dataclass(frozen=True)
class ApplySinForm:
    pass


@dataclass(frozen=True)
class FileOnCase:
    note: str = ""


@dataclass(frozen=True)
class BookScreening:
    pass


@dataclass(frozen=True)
class Acknowledge:
    # The writer of the forwarded email the Business Manager passed on; None: the sender.
    to: str | None = None
    # A forwarded SIN whose first day could not be read: its clocks count from the forward,
    # perhaps later than the real ones, so the acknowledgement states no key dates.
    start_unsure: bool = False


@dataclass(frozen=True)
class RunCommands:
    pass


@dataclass(frozen=True)
class RecordReturn:
    """The Appendix B return of `agency` (None: the sender's agency); unless `sure`, its form
    is kept for that agency but its request and deadline stay open for a person to settle.
    `receipt`: the sender is told it was recorded, once it is (an agency that hears nothing
    may send it again, or think it lost)."""

    agency: str | None = None
    sure: bool = True
    receipt: bool = False


@dataclass(frozen=True)
class OpenComplaint:
    linked_case: str | None
    acknowledge: bool
    # A forwarded complaint: the day its writer sent it, if read; the clock may start then.
    first_written: date | None = None
    # Why that day is unsure, when its Sent line's zone letters are the cause.
    doubt: str | None = None
    # A forward's complainant, "" when not known; None: no forward, the sender complains.
    complainant: str | None = None


@dataclass(frozen=True)
class OpenEscalation:
    linked_case: str | None
    acknowledge: bool
    # Held back by the loop guard (bot.core.loop_guard), not for looking automatic: the
    # alert to the Business Manager and the Scrutineer must give the real reason.
    held_back: bool = False


@dataclass(frozen=True)
class FlagFormCase:
    """The form names a different case than the message's thread: a person checks which."""

    form_case: str
    thread_case: str


@dataclass(frozen=True)
class FlagMentionedCase:
    """A new SIN whose text mentions an earlier case (a sibling, a second incident), opened as
    a case of its own: both cases say so, and a person closes it as a duplicate if it is one."""

    mentioned: str


@dataclass(frozen=True)
class FlagMaybeNewComplaint:
    """A fresh complaint from someone whose complaint is open, filed on it: it may be a new
    one, whose 20 working days would run from its arrival; a person decides."""

    open_complaint: str
    # The reference the email names that no case has ("Complaint about TSCP-2026-0099"):
    # the open complaint is then only a guess at its home, and she is told so.
    not_held: str | None = None


@dataclass(frozen=True)
class Triage:
    reason: str


@dataclass(frozen=True)
class AlertNow:
    """Mail the bot does not act on alone, which may hold a running clock (a new child's
    SIN): the Business Manager is emailed now, not only told at the next digest.

    `first_form`: an email holding SIN forms of several notifications whose first form the bot
    did act on, opening a case from it (`opened`) or reading it into the case it came on. The
    alert then says what was done, and `why` is what is left for her to do."""

    why: str
    first_form: str = ""
    opened: bool = False


@dataclass(frozen=True)
class CheckRepeat:
    """A new case that may repeat an open one (the same SIN sent again under a new
    Message-ID): flagged for a person, never merged on a guess. `named`: the references its
    subject or text writes loosely ("tscp 2026 0001"), one of which may be an open case."""

    named: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckDeliveryReport:
    """An automatic message may report mail of ours as not delivered: match it to the outbox."""


@dataclass(frozen=True)
class RecordCalendarReply:
    """An Accept / Tentative / Decline: record each attendee's answer against our meeting."""


@dataclass(frozen=True)
class NoteHumanMail:
    """A person's reply filed on a case: keep it for "New on your cases", alert if live.

    `beside_form`: the email brought a return or a SIN form, which has its own effects and
    digest section: only what the person wrote beside it, past the covering line, is news.
    `commands_answered`: its command lines are carried out or refused, and its sender told
    (RunCommands), so they are not news. Otherwise they are read as the person wrote them: a
    line that only looks like a command ("Vote: maybe later" from someone who gives none) is
    answered by nobody, and would reach no one."""

    beside_form: bool = False
    commands_answered: bool = False


@dataclass(frozen=True)
class TellCommandsUnfiled:
    """Commands in mail tied to no one case are carried out on none: the one who gave them is
    told so, and how to give them on a case, or she believes they were done."""

    why: str


@dataclass(frozen=True)
class TellCommandsOnNewRecord:
    """Commands in the email that opens a record are not carried out: they were written
    before the record existed, and a SIN sent on with them is read first as the notification
    it carries. The one who gave them is told, on the new record's thread, so that a reply
    with the lines gives them on it."""


@dataclass(frozen=True)
class TellNoCommandRecognised:
    """Lines like commands, or commands below the signature, and not one command read, from
    one who gives them, on a case: she is answered that nothing was recorded, with the lines'
    labels (never their values), the nearest commands, and which commands to give again above
    the signature; the digest says so (bot.core.near_commands)."""

    labels: tuple[str, ...]
    nearest: tuple[str, ...]
    below_signature: tuple[str, ...] = ()


# Records whose sender is promised an answer.
OPENS_RECORD = (OpenCase, OpenComplaint, OpenEscalation)

Effect = (
    Reclassify
    | MarkReused
    | OpenCase
    | ApplySinForm
    | FileOnCase
    | BookScreening
    | Acknowledge
    | RunCommands
    | RecordReturn
    | OpenComplaint
    | OpenEscalation
    | FlagFormCase
    | FlagMentionedCase
    | FlagMaybeNewComplaint
    | TriageComplaintNotHeld
    | TriageEscalationNotHeld
    | Triage
    | AlertNow
    | CheckRepeat
    | CheckDeliveryReport
    | NoteHumanMail
    | RecordCalendarReply
    | TellCommandsUnfiled
    | TellCommandsOnNewRecord
    | TellNoCommandRecognised
)
Plan = tuple[Effect, ...]


# --- Saying the plan in words (the classify command, the case history) ---


def describe(effect: Effect) -> str:
    """One line a Business Manager can read: what the bot does for this effect."""
    match effect:
        case Reclassify(kind=kind, rule=rule):
            return f"treat as {kind} (rule {rule})"
        case MarkReused():
            return "flag the reused Message-ID"
        case OpenCase(counted_from=date() as day):
            return (
                f"open a new case, its clocks counted from {fmt_date(day)}, when the "
                "forwarded email was sent"
            )
        case OpenCase():
            return "open a new case"
        case ApplySinForm():
            return "record the SIN form's fields on the case"
        case FileOnCase(note=note):
            return "file the message on the case" + (f" ({note})" if note else "")
        case BookScreening():
            return "book the screening panel"
        case Acknowledge(to=None, start_unsure=unsure):
            return "acknowledge to the sender" + _no_dates(unsure)
        case Acknowledge(start_unsure=unsure):
            return (
                "acknowledge to the writer of the forwarded email, not to the forwarder"
                + _no_dates(unsure)
            )
        case RunCommands():
            return "carry out the commands in the message"
        case RecordReturn(agency=None, receipt=receipt):
            return "record the Appendix B return from the sender's agency" + _receipt(receipt)
        case RecordReturn(agency=agency, sure=True, receipt=receipt):
            answers = f"record the Appendix B return from {agency} (the request it answers)"
            return answers + _receipt(receipt)
        case RecordReturn(agency=agency):
            return f"keep the Appendix B return as {agency}'s, its deadline not marked met"
        case OpenComplaint(linked_case=linked, acknowledge=ack, first_written=written):
            since = f" from {fmt_date(written)} if earlier than its arrival" if written else ""
            return _record("complaint", linked, ack, f"20 working days{since}")
        case OpenEscalation(linked_case=linked, acknowledge=ack):
            return _record("escalation", linked, ack, "alert the Business Manager and Scrutineer")
        case FlagFormCase(form_case=form_case, thread_case=thread_case):
            return f"flag: the form names {form_case} but the message is on {thread_case}"
        case FlagMentionedCase(mentioned=mentioned):
            return f"flag on the new case and on {mentioned}: its text mentions {mentioned}"
        case FlagMaybeNewComplaint(open_complaint=ref, not_held=named):
            held = f" (it names {named}, which is not a known case)" if named else ""
            return f"flag and triage: it may be a new complaint, not more of {ref}{held}"
        case TriageComplaintNotHeld(not_held=named, forwarded=forwarded):
            what = "a new complaint, forwarded" if forwarded else "a new complaint"
            return f"triage: refers to {named}, which is not a known case; may be {what}"
        case TriageEscalationNotHeld(not_held=named):
            return f"triage: refers to {named}, which is not a known case; may be an escalation"
        case Triage(reason=reason):
            return f"triage: {reason}"
        case AlertNow(why=why):
            return f"email the Business Manager now: {why}"
        case CheckRepeat(named=named):
            also = f", or is {' or '.join(named)}" if named else ""
            return (
                "flag it if an open case has the same referrer and child, or nearly the same "
                f"words or subject{also}"
            )
        case RecordCalendarReply():
            return "record each attendee's answer to the Screening Panel invitation"
        case NoteHumanMail(beside_form=True):
            return (
                "show what the person wrote beside the form, if more than a covering line, "
                "under New on your cases (alert if the case is live)"
            )
        case NoteHumanMail():
            return "show what the person wrote under New on your cases (alert if the case is live)"
        case CheckDeliveryReport():
            return "if it is a delivery report, mark the email it reports as not delivered"
        case TellCommandsUnfiled(why=why):
            return f"tell the sender no command was carried out ({why}) and how to name the case"
        case TellCommandsOnNewRecord():
            return "tell the sender the commands were not carried out, on the new record's thread"
        case TellNoCommandRecognised(labels=labels, below_signature=below):
            return _tell_unread(len(labels), len(below))


def _tell_unread(near: int, below: int) -> str:
    told = [f"no command was recognised in {near} line(s) like one"] if near else []
    if below:
        told.append(f"{below} command(s) below the signature were not carried out")
    return "tell the sender " + " and ".join(told)


def _receipt(receipt: bool) -> str:
    return "; send the sender a receipt" if receipt else "; no receipt"


def _record(kind: str, linked: str | None, ack: bool, then: str) -> str:
    on = f" linked to {linked}" if linked else ""
    acked = "acknowledge" if ack else "no acknowledgement"
    return f"open a {kind} record{on}; {then}; {acked}"


def as_json(effect: Effect) -> dict[str, object]:
    return {"effect": type(effect).__name__, **effect.__dict__, "says": describe(effect)}


def _no_dates(unsure: bool) -> str:
    return ", giving no key dates (the day it was first sent is unsure)" if unsure else ""
