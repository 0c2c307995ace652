"""What a message's plan is decided on: every read about one message, made once and frozen.

The service gathers it (bot.services.gather.gather); bot.core.message_plan decides from it
alone, so `tscp-bot classify --json` and the daemon can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # bot.core.near_commands plans from the snapshot
    from bot.core.near_commands import NearLine


@dataclass(frozen=True)
class FormSummary:
    """What the form reader made of the message's body and attachments."""

    form: str | None  # "sin", "appendix_b", or None when no form was recognised
    blank: bool = False  # the labels are there but no values are filled in
    complete: bool = False  # every required field (forms/*.toml) read, none in doubt
    case_ref: str | None = None  # a case reference written in the form itself
    # Documents of a kind a form comes in (Word, PDF, RTF) that could not be read at all,
    # each with why ("SIN form.docx: password-protected"): a person must open them.
    unread: tuple[str, ...] = ()


@dataclass(frozen=True)
class Snapshot:
    kind: str
    rule_hits: tuple[str, ...]  # classify or veto rules that hit; empty when none decided
    case_ref: str | None  # reference the message carries (subject, thread, quoted text)
    case_exists: bool  # that reference (or the form's) names a case we hold
    can_acknowledge: bool
    no_ack_reason: str
    message_id_reused: bool = False  # same Message-ID as an earlier, different message
    # The reference was only mentioned in the body: no tag, thread or reference in the subject.
    case_ref_in_body: bool = False
    # The earlier message this one is, delivered again by another route (bot.adapters.redelivery).
    copy_of: int | None = None
    has_commands: bool = False  # command lines (votes, decisions, approvals...) in new text
    form: FormSummary | None = None
    case_kind: str | None = None  # "review", "complaint", "escalation" of the case found
    sender_agency: str | None = None  # configured agency key of the From domain
    # An Appendix B on a case: the agency of the request it replies to (its In-Reply-To or
    # References), and the configured agency its form's Agency field names, if either.
    request_agency: str | None = None
    form_agency: str | None = None
    has_attachments: bool = False
    has_document: bool = False  # an attachment a person could read, not a logo
    case_open: bool = True  # the case found is open (a closed one's records are settled)
    from_business_manager: bool = False
    # The From address is one configured to give commands (the Business Manager, the
    # Independent Scrutineer, a statutory partner's representative, or a deputy of one).
    from_command_giver: bool = False
    too_large: tuple[str, ...] = ()  # attachments kept but not read
    # Why a person must read the email itself (bot.core.unread_mail): a recall, a sealed S/MIME.
    read_whole: str | None = None
    # Why mail labelled automatic was not filed as such (bot.core.rules._labelled_automatic).
    labelled_automatic: str | None = None
    # Surely no one wrote it now: a delivery or read report, a mail daemon, our own mail back
    # (bot.core.autoreply.returned_mail_reason). An out-of-office was written by a person.
    returned_mail: bool = False
    # Why it reads as automatic mail (bot.core.autoreply.machine_sent_reason; "" when nothing
    # says so), and whether its headers say it answers mail (an out-of-office).
    automatic: str = ""
    automatic_answer: bool = False
    # The command lines in mail labelled automatic (never read as commands): a person may have
    # written them, so they are not dropped unseen (bot.core.person_wrote.automatic_mail).
    automatic_commands: tuple[str, ...] = ()
    stranger: str | None = None  # why a sender nobody configured needs a person, if so
    # It answers the daily digest, or its body names several cases: it is about none of them.
    several_cases: bool = False
    commands_allowed: bool = False  # a command giver whose mail passed the authentication check
    # The case the reply's thread answers, when its subject names another: its commands are
    # for one of the two, and the bot cannot tell which.
    crossed_thread: str | None = None
    # A SIN form on a case: what of its child or incident differs from the case's (never a gap
    # filled), and whether its child was read and is the case's (bot.core.form_identity).
    form_differs: tuple[str, ...] = ()
    # Where an acknowledgement would go: the From address, or for a complaint or an escalation
    # the one person a usable Reply-To names (bot.core.autoreply.answer_address).
    answer_to: str = ""
    # Acknowledgements (complaint, escalation) sent to that address in the 24 hours before
    # the message arrived: past a few, an answer may be feeding a loop (bot.core.loop_guard).
    acknowledged_today: int = 0
    # How many that may be before the next is held back: `[ingest]
    # max_acknowledgements_per_day`, whose default is bot.core.loop_guard's.
    acknowledgements_per_day: int = 3
    form_same_child: bool = False
    # It passes on an email someone else wrote (bot.core.forwarded), and the day that email
    # was sent when its header block says so for sure.
    forwarded: bool = False
    # A complaint from someone whose earlier complaint is still open: the case found is that.
    complaint_again: bool = False
    # With it, the reference the message names that no case has: a mistyped one, or another.
    ref_not_held: str | None = None
    # Every command line is one the sender may not give, though they give others.
    commands_not_theirs: bool = False
    # The case found is a complaint and the sender is its complainant, writing on it.
    from_complainant: bool = False
    first_written: date | None = None
    # Why no day was read for it, when its Sent line's zone letters are the cause
    # (bot.core.sent_zone): named to the Business Manager.
    first_written_doubt: str | None = None
    # A forward: the forwarded email's writer, when an acknowledgement may go to them
    # (bot.core.forwarded.answerable_writer); and whether the Business Manager or the
    # partnership's own mailbox passed it on, so that its writer, not she, is the referrer.
    first_writer: str | None = None
    forwarded_by_us: bool = False
    # The address on the forwarded email's quoted From line, whoever it is (bot.core.forwarded).
    quoted_writer: str | None = None
    # A forwarded complaint's writer when read for sure; "": not known (Forward.complainant).
    forwarded_complainant: str = ""
    # The day the message reached the mailbox, where the partnership is.
    arrived_on: date | None = None
    # Its subject or text reads as a new SIN, by the SIN rules' own signals, though it is on a
    # case (bot.core.rules.Classification.reads_as_sin).
    reads_as_sin: bool = False
    # SIN forms of more than one notification in one email (another child or incident): their
    # documents, the one read first; only it was read (bot.core.separate_forms).
    sin_forms: tuple[str, ...] = ()
    # A SIN that names no case we hold: the references its subject or text writes however
    # typed ("TSCP-2026-001", "tscp 2026 0001"), as references (bot.core.case_refs).
    ref_like: tuple[str, ...] = ()
    # The message's number on the triage list (its stored row), for the commands a person is
    # told to run on it; None when `tscp-bot classify` reads a file that is stored nowhere.
    stored_as: int | None = None
    # From one who gives commands, on a case, with no command read: its lines near a command
    # all the same, by their labels ("Notifed:" of "Notifed: 16/12/2026"; never the values;
    # bot.core.near_commands).
    near_commands: tuple[NearLine, ...] = ()
    # From one who gives commands, on a case or not: the labels of the commands written below
    # its signature, not carried out ("Vote:"; bot.core.commands.quoting.below_signature),
    # less those this sender was told of before (bot.services.signature_lines).
    below_signature: tuple[str, ...] = ()
