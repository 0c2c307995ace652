"""The commands a reply can carry, as the parser returns them: one frozen dataclass each.

`line` is always the source line (or lines) as written, so a confirmation or an error can quote
it back to the sender.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from enum import StrEnum
from typing import TypeAlias

from bot.core.commands.extended import ComplaintExtended, ReportExtended


class Choice(StrEnum):
    RAPID_REVIEW = "rapid_review"
    LOCAL_REVIEW = "local_review"
    NO_FURTHER_ACTION = "no_further_action"


@dataclass(frozen=True)
class Vote:
    choice: Choice
    line: str


@dataclass(frozen=True)
class Decision:
    """The Business Manager recording what the partners agreed when the panel met."""

    choice: Choice
    line: str
    on: date | None = None  # the day of the meeting; None: the day of the email


@dataclass(frozen=True)
class Notifiable:
    value: bool
    line: str


@dataclass(frozen=True)
class ScrutineerView:
    agrees: bool
    reason: str  # "" when agreeing without giving one
    line: str


@dataclass(frozen=True)
class LaAware:
    on: date
    line: str
    reason: str = ""  # "Aware: <date> because <reason>": needed to move the start later


@dataclass(frozen=True)
class NotificationSent:
    on: date | None  # None: the day of the email, which the caller fills in
    line: str


@dataclass(frozen=True)
class LookedAfterDeathNotified:
    """The local authority has told the Secretary of State and Ofsted of a looked-after child's
    or care leaver's death, or the Business Manager found no notice is required."""

    on: date | None  # None: the day of the email, which the caller fills in
    not_required: bool
    reason: str  # why no notice is required; "" otherwise
    line: str


@dataclass(frozen=True)
class RequestReturns:
    """One "Agencies:" request, with the "Review period:" and "Return by:" lines of the email."""

    agencies: tuple[str, ...]  # as written; the caller resolves config keys and names
    period: str  # "" when not given
    return_by: date | None
    line: str  # the source lines, joined by newlines


@dataclass(frozen=True)
class ReturnFrom:
    """An agency's Appendix B that came to the Business Manager, sent on by her to the
    mailbox: the email carrying this line carries the return."""

    agency: str  # as written; the caller resolves the configured key
    on: date | None  # the day the agency sent it; None: the day the mailbox received it
    line: str
    # "Return from: gmp nil": the agency wrote that it had no involvement, with no form, so
    # there is nothing to read; None of `on` is then the day the command was given.
    nil: bool = False


@dataclass(frozen=True)
class WithdrawRequest:
    """An Appendix B request made by mistake, taken back before its return came: its clock
    and chases go, and an earlier return from the agency stands as it was."""

    agency: str  # as written; the caller resolves the configured key
    reason: str  # "" when none is given
    line: str


@dataclass(frozen=True)
class MeetingHeld:
    on: date | None  # None: the day of the email, which the caller fills in
    line: str


@dataclass(frozen=True)
class ReportSubmitted:
    on: date | None  # None: the day of the email, which the caller fills in
    line: str


@dataclass(frozen=True)
class Answered:
    """The Business Manager's written reply to a complaint was sent on `on`."""

    on: date  # always given: the day the reply went, which may be before this email
    line: str


@dataclass(frozen=True)
class AboutCase:
    """An escalation record opened with no case is about case `ref` after all."""

    ref: str  # upper-cased, as references are stored; not checked against the cases here
    line: str


@dataclass(frozen=True)
class Delay:
    reason: str
    expected: date
    line: str


@dataclass(frozen=True)
class CsprDecision:
    hold: bool
    rationale: str  # always given when hold is False
    line: str
    on: date | None = None  # the day the decision was made; None: the day of the email


class Corrected(StrEnum):
    """The recorded events whose date only an explicit correction may move."""

    CSPR = "cspr"
    NOTIFIED = "notified"
    MEETING_HELD = "meeting_held"
    REPORT_SUBMITTED = "report_submitted"
    REPORT_SENT = "report_sent"
    PUBLISHED = "published"
    ANSWERED = "answered"
    RECEIVED = "received"  # a complaint's receipt, where its 20 working days start


@dataclass(frozen=True)
class CorrectDate:
    """The Business Manager correcting a recorded event's date, with the reason."""

    what: Corrected
    on: date
    reason: str
    line: str


@dataclass(frozen=True)
class CorrectReceived(CorrectDate):
    """`Correct Received:`: the day a complaint or a SIN reached the partnership. A type of its
    own so the lifecycle table can accept it while a SIN is at screening, when no other
    recorded event exists to correct."""


@dataclass(frozen=True)
class ReviewerAppointed:
    name: str
    line: str


@dataclass(frozen=True)
class FamilyPreview:
    on: date
    line: str


@dataclass(frozen=True)
class PublicationPlanned:
    on: date
    late_notice: bool  # the Business Manager confirms notice shorter than 7 working days
    line: str


@dataclass(frozen=True)
class ReportSent:
    """The full report (or improvement information) went to the National Panel, the Secretary
    of State and Ofsted."""

    on: date | None  # None: the day of the email, which the caller fills in
    line: str


@dataclass(frozen=True)
class Published:
    on: date | None  # None: the day of the email, which the caller fills in
    line: str


@dataclass(frozen=True)
class PublicationDelay:
    reason: str
    line: str


@dataclass(frozen=True)
class NotPublishing:
    reason: str
    line: str


@dataclass(frozen=True)
class AddAction:
    text: str
    owner: str  # as written; the caller resolves it
    due: date
    line: str


@dataclass(frozen=True)
class ActionDone:
    number: int
    line: str


@dataclass(frozen=True)
class Approve:
    outbox_id: int | None  # None: the one draft awaiting approval, if there is exactly one
    line: str


@dataclass(frozen=True)
class Reschedule:
    """The Business Manager moving the Screening Panel: the same meeting, a new time."""

    on: date
    at: time  # wall-clock time in the partnership's time zone
    line: str


@dataclass(frozen=True)
class CancelMeeting:
    """The Business Manager calling off the Screening Panel meeting."""

    reason: str  # "" when none given
    line: str


@dataclass(frozen=True)
class StatusRequest:
    """Someone authorised asking for the case as it stands, by email: changes nothing."""

    line: str
    ref: str | None = None  # a reference written on the line itself, to check against the case


@dataclass(frozen=True)
class Close:
    reason: str
    line: str


@dataclass(frozen=True)
class Reopen:
    """A closed case taken up again (the National Panel expects a review after all, or it was
    closed by mistake): back to the stage it was closed at."""

    reason: str
    line: str


Command: TypeAlias = (
    Vote
    | Decision
    | Notifiable
    | ScrutineerView
    | LaAware
    | NotificationSent
    | LookedAfterDeathNotified
    | RequestReturns
    | ReturnFrom
    | WithdrawRequest
    | MeetingHeld
    | ReportSubmitted
    | Answered
    | ComplaintExtended
    | ReportExtended
    | AboutCase
    | Delay
    | CsprDecision
    | CorrectDate
    | CorrectReceived
    | ReviewerAppointed
    | FamilyPreview
    | PublicationPlanned
    | ReportSent
    | Published
    | PublicationDelay
    | NotPublishing
    | AddAction
    | ActionDone
    | Approve
    | Reschedule
    | CancelMeeting
    | StatusRequest
    | Close
    | Reopen
)


@dataclass(frozen=True)
class CommandError:
    line: str
    message: str  # a sentence for the sender, quoting the line


@dataclass(frozen=True)
class ParsedCommands:
    commands: tuple[Command, ...]
    errors: tuple[CommandError, ...]
    # Commands written below a signature, not carried out: each by its label ("Vote:"), never
    # its value, for the answer that tells the sender to give it again above the signature.
    below_signature: tuple[str, ...] = ()
    # The same lines whole, each with its label, spaces and case evened out: kept only to
    # know a line told of before (a signature's own line, sent on every email), never shown.
    below_lines: tuple[tuple[str, str], ...] = field(default=(), compare=False)
