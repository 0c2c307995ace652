"""The shapes of the case list (bot.services.case_list) and of one case's view
(bot.services.case_view), as the templates, the terminal and `--json` read them.

Types only: nothing here runs a query or imports the ORM, so the read-only commands that
import it load nothing more. A key named like a Python keyword ("from") makes its type use
the functional TypedDict syntax; the keys are the view's own, in the order it builds them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TypedDict


class LaterDeadline(TypedDict):
    """An unmet deadline of a case after its next one."""

    deadline: str
    due: date


class CaseSummary(TypedDict):
    """One row of `tscp-bot cases`."""

    ref: str
    kind: str
    status: str
    stage: str
    opened_at: datetime
    next_deadline: str | None
    next_due: date | None
    # The next deadline's day agreed later, beside its first ("due Wed 6 Jan 2027; extended
    # to ..."); None when it was never extended.
    next_extended: str | None


class CaseListRow(CaseSummary):
    """One row of `tscp-bot cases` as the list reads it: the summary, and the case's other
    unmet deadlines, soonest first."""

    later: list[LaterDeadline]


class MeetingAnswer(TypedDict):
    """A statutory partner's answer to a meeting, as the quorum counts it."""

    role: str
    attendee: str
    answer: str
    said: str
    at: datetime | None
    earlier_time: str
    not_authenticated: str


class OtherAnswer(TypedDict):
    """An answer from someone who is not one of the panel's partners."""

    attendee: str
    answer: str
    sequence: int
    stale: bool
    at: datetime


class MeetingView(TypedDict):
    """One meeting with every partner's answer and whether the panel is quorate."""

    purpose: str
    start: datetime
    end: datetime
    location: str
    within_deadline: bool
    sequence: int
    cancelled_at: datetime | None
    quorate: bool
    quorum: str
    answers: list[MeetingAnswer]
    others: list[OtherAnswer]


class PanelVote(TypedDict):
    partner: str
    vote: str  # the live vote, or "not voted yet"


class PanelVotes(TypedDict):
    votes: list[PanelVote]  # each statutory partner's vote: a screening panel only
    standing: str  # the decision, or where the vote stands ("" for another meeting)


class ComingPanel(MeetingView, PanelVotes):
    """A meeting still to come on an open case, or a Screening Panel whose time has passed
    undecided, for the digest: the view, its case and the partners' votes."""

    ref: str
    held: bool  # its time has passed (and the panel has not decided)


class DeadlineRow(TypedDict):
    name: str
    due: date
    state: str
    # Due while the council is closed, no working day before: the digest's words, else None.
    while_closed: str | None
    met: str | date | None  # "not required", or the day the event happened
    met_on: date | None
    met_at: datetime | None
    start: date
    explanation: str
    assumption: str | None


class FieldRow(TypedDict):
    scope: str
    name: str
    value: str
    where: str
    confidence: float
    problem: str | None


class VoteRow(TypedDict):
    role: str
    voter: str
    choice: str
    at: datetime
    superseded: bool


class ReturnRow(TypedDict):
    agency: str
    requested_on: date
    return_by: date
    received_at: datetime | None


class ActionRow(TypedDict):
    number: int
    text: str
    owner: str
    due: date
    done_at: datetime | None


class EventRow(TypedDict):
    at: datetime
    actor: str
    what: str
    detail: str
    why: str


MessageRow = TypedDict(
    "MessageRow",
    {
        "id": int,
        "received_at": datetime,
        "from": str,
        "subject": str,
        "kind": str | None,
        "rule": str | None,
    },
)


class OutgoingRow(TypedDict):
    id: int
    event: str
    to: list[str]
    subject: str
    status: str
    sent_at: datetime | None
    not_delivered: list[str]
    # Held when it could not go as written (bot.services.held_emails): why, and what to do.
    held_because: str | None


class ReviewState(TypedDict):
    """What the review has read, decided and asked for."""

    fields: list[FieldRow]
    sin_received_on: date
    la_aware_on: date | None
    aware_source: str | None
    bm_aware_on: date | None
    bm_aware_reason: str | None
    decision: str | None
    decided_by: str | None
    screening: str
    notifiable: bool | None
    notification_sent_on: date | None
    cspr: bool | None
    planned_publication: date | None
    published_on: date | None
    votes: list[VoteRow]
    returns: list[ReturnRow]
    actions: list[ActionRow]


class CaseDetail(CaseSummary, ReviewState):
    """Everything `tscp-bot case REF` shows: its row of the case list, and more."""

    warnings: list[str]
    deadlines: list[DeadlineRow]
    meetings: list[MeetingView]
    events: list[EventRow]
    messages: list[MessageRow]
    outgoing: list[OutgoingRow]
