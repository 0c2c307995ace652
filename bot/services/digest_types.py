"""The shapes of the daily digest's context (bot.services.digest) and of the sections other
modules build for it (bot.services.digest_cases, digest_messages, delivery, meeting_replies),
as the digest's templates read them.

Types only. A key named like a Python keyword ("from") makes its type use the functional
TypedDict syntax; the keys are the digest's own, in the order it builds them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TypedDict

from bot.services.case_view_types import ComingPanel


class NewOnCase(TypedDict):
    """What a person wrote on a case thread since the last digest."""

    ref: str
    # When it reached the mailbox; when the bot read it if the server gave no arrival time
    # (or it was recorded before release 0034), and then `arrived` is False.
    at: datetime
    arrived: bool
    who: str
    agency: str
    lines: list[str]


class NewCase(TypedDict):
    ref: str
    opened_at: datetime
    kind: str  # "SIN", "Complaint", "Escalation", or the stored kind


class UpcomingDeadline(TypedDict):
    ref: str
    name: str
    title: str
    due: date
    explain: str
    delay_told: tuple[date, date] | None  # a Rapid Review delay notice: sent on, expected by
    # The day the notice gave has gone by without the review: the Panel expects it no longer.
    delay_passed: bool
    while_closed: str | None  # due while the council is closed, nothing open before: act today
    closed_by: str | None  # why nobody is at work then: "weekend" or "council closed"


class OverdueDeadline(UpcomingDeadline):
    days_overdue: int


class TriageRow(TypedDict):
    id: int
    received_at: datetime
    sender: str
    agency: str
    subject: str
    reason: str


class QuarantineRow(TypedDict):
    id: int
    received_at: datetime
    sender: str  # the address, or "(headers unreadable)"; as is the subject
    subject: str
    reason: str
    attempts: int


class Draft(TypedDict):
    """An email held back for approval."""

    id: int
    what: str
    subject: str
    recipients: list[str]


class ReturnDue(TypedDict):
    """An Appendix B return still awaited; `agency` is the key, then (in the digest) its name."""

    ref: str
    agency: str
    key: str  # the agency's key, for the command that records a return
    due: date
    state: str
    away: date | None  # the day an out-of-office came from the agency since it was asked
    replied: date | None  # the day a person there last wrote on the case since, not returning


class ActionDue(TypedDict):
    """An action-plan item not done; `owner` is the key, then (in the digest) its name."""

    ref: str
    number: int
    text: str
    owner: str
    due: date
    state: str


class ComplaintDue(TypedDict):
    ref: str
    received_on: date
    reply_by: date | None  # None: the complaint has no response deadline
    state: str
    # An agreed later day (`Complaint extended:`): "due Wed 6 Jan 2027; extended to ...",
    # reply_by then being the agreed day; None when never extended.
    extended: str | None


Escalation = TypedDict("Escalation", {"ref": str, "opened_at": datetime, "from": str, "about": str})


class Flag(TypedDict):
    """One line under "needs your attention"."""

    ref: str
    what: str
    detail: str


class NotDelivered(TypedDict):
    """A delivery failure reported for an email the bot sent."""

    id: int
    ref: str | None
    subject: str
    reported_at: datetime
    line: str


class HealthProblem(TypedDict):
    sentence: str
    since: datetime


class NotRunning(TypedDict):
    start: datetime
    end: datetime


class DaemonHealth(TypedDict):
    problems: list[HealthProblem]
    not_running: list[NotRunning]


class OutboxFailed(TypedDict):
    id: int
    subject: str
    attempts: int
    last_error: str
    status: str


class TroubleEnded(TypedDict):
    """An alerted trouble the bot saw over since the last digest (its "trouble ended" email)."""

    sentence: str  # what works again
    since: datetime  # when the trouble began
    at: datetime  # when the bot saw it over


class Health(DaemonHealth):
    ended: list[TroubleEnded]
    last_mailbox_check: datetime | None
    mailbox_error: str | None
    left_in_inbox: str | None
    outbox_pending: int  # tried and not gone, held, or queued long enough ago to have gone
    outbox_going_now: int  # queued just now, never tried: goes with this digest
    outbox_failed: list[OutboxFailed]


class Settled(TypedDict):
    """What needs nothing from the Business Manager: counted, not listed."""

    returns_received: int
    actions_done: int
    actions_later: int
    horizon: date
    complaints_answered: int


class StageCount(TypedDict):
    stage: str
    count: int


class Records(Settled):
    open: int
    closed: int
    quiet: int
    stages: list[StageCount]


class DigestSections(TypedDict):
    """The digest's context before its records, which count the cases the sections leave out."""

    today: date
    working_days: int
    new_on_cases: list[NewOnCase]
    new_cases: list[NewCase]
    upcoming: list[UpcomingDeadline]
    # The subject's count of those due while nobody is at work, worded as their lines are.
    act_today: str
    overdue: list[OverdueDeadline]
    panels: list[ComingPanel]
    triage: list[TriageRow]
    triage_total: int
    awaiting_approval: list[Draft]
    returns: list[ReturnDue]
    actions: list[ActionDue]
    complaints: list[ComplaintDue]
    escalations: list[Escalation]
    flags: list[Flag]
    quarantine: list[QuarantineRow]
    quarantine_total: int
    not_delivered: list[NotDelivered]
    health: Health


class DigestContext(DigestSections):
    records: Records
