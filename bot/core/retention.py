"""What is due for purge: records in, purge decisions out, each with the rule that applies.

Three kinds of record go, each after its own period (0 keeps that kind for ever):

1. a closed case, `closed_cases_years` after its last activity (closing it, or anything
   recorded on it since), with everything recorded on it: messages, votes, forms,
   chronology, deadlines, events, meetings, the emails it sent. Its reference is never
   reused (the yearly counters are kept);
2. mail that belongs to no case (misdirected mail, out-of-office replies, spam), once it is
   handled, `unclassified_mail_months` after it arrived;
3. emails the bot sent that belong to no case (digests, alerts, replies to mail that opened no
   case), `sent_outbox_months` after they were sent or refused for good.

Never purged, whatever its age:
- anything on an open case, or on a closed case linked (parent, complaint, escalation) to one
  that is not itself due: the family goes together or not at all;
- mail waiting for a person (not yet handled, or on the triage list), and mail any kept record
  refers to (a vote, a form field, a bounce about a kept email);
- emails still waiting to be sent;
- the audit log of purges itself.

Pure: the caller gathers the facts and says what time it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class PurgeRule(StrEnum):
    CLOSED_CASE = "closed_cases_years"
    UNCLASSIFIED_MAIL = "unclassified_mail_months"
    SENT_OUTBOX = "sent_outbox_months"


class RecordKind(StrEnum):
    CASE = "case"
    MESSAGE = "message"
    OUTBOX = "outbox"


@dataclass(frozen=True)
class RetentionPolicy:
    """How long each kind of record is kept; 0 keeps it for ever.

    Defaults (see docs/data-protection.md): 35 years after a case closes, the period a
    child-protection record is commonly kept after closure; a year for handled mail that
    belongs to no case, long enough to answer "did you get my email?"; two years for emails
    sent on no case (digests, alerts), long enough for an audit of the service.
    """

    closed_cases_years: int = 35
    unclassified_mail_months: int = 12
    sent_outbox_months: int = 24


@dataclass(frozen=True)
class CaseFacts:
    id: int
    ref: str
    closed: bool  # at the lifecycle's closed stage (bot.core.lifecycle_table.Stage.CLOSED)
    last_activity: datetime  # the latest thing recorded on it: closing, an event, a message
    linked: frozenset[int] = frozenset()  # parent and children (complaints, escalations)


@dataclass(frozen=True)
class MessageFacts:
    id: int
    case_id: int | None
    handled: bool  # processed or quarantined, and not on the triage list
    arrived: datetime
    # Owners of rows that refer to it: ("case", id) or ("outbox", id).
    referenced_by: frozenset[tuple[RecordKind, int]] = frozenset()


@dataclass(frozen=True)
class OutboxFacts:
    id: int
    case_id: int | None
    finished: bool  # sent, or refused for good; never one still waiting to go
    finished_at: datetime
    event: str  # the kind of email (digest, alert...), never its content


@dataclass(frozen=True)
class PurgeDecision:
    kind: RecordKind
    id: int
    reference: str  # a case reference or "message #12": never a name, subject or address
    rule: PurgeRule
    since: datetime  # what the period was counted from


def cutoff(now: datetime, *, years: int = 0, months: int = 0) -> datetime:
    """`now` moved back by whole calendar months (29 February and 31sts land on the month's
    last day), so "6 years" means the same date six years ago."""
    total = now.year * 12 + (now.month - 1) - years * 12 - months
    year, month = divmod(total, 12)
    day = min(now.day, _days_in(year, month + 1))
    return now.replace(year=year, month=month + 1, day=day)


def _days_in(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - date(year, month, 1)).days


def due_for_purge(
    policy: RetentionPolicy,
    now: datetime,
    cases: Iterable[CaseFacts],
    messages: Iterable[MessageFacts],
    outbox: Iterable[OutboxFacts],
) -> list[PurgeDecision]:
    """Every record due under `policy` at `now`, cases first, then outbox, then mail."""
    case_list, message_list = list(cases), list(messages)
    purged_cases = _due_cases(policy, now, case_list, message_list)
    decisions = [
        PurgeDecision(RecordKind.CASE, c.id, c.ref, PurgeRule.CLOSED_CASE, c.last_activity)
        for c in case_list
        if c.id in purged_cases
    ]
    outbox_due = _due_outbox(policy, now, outbox)
    decisions += outbox_due
    gone = {(RecordKind.CASE, i) for i in purged_cases}
    gone |= {(RecordKind.OUTBOX, d.id) for d in outbox_due}
    decisions += _due_mail(policy, now, message_list, gone)
    return decisions


def _due_cases(
    policy: RetentionPolicy,
    now: datetime,
    cases: Sequence[CaseFacts],
    messages: Sequence[MessageFacts],
) -> set[int]:
    if policy.closed_cases_years == 0:
        return set()
    before = cutoff(now, years=policy.closed_cases_years)
    due = {c.id for c in cases if c.closed and c.last_activity < before}
    # A case's mail that another record refers to (a vote filed on a different case, a bounce
    # about an email of no case) keeps the case, and with it the mail.
    users: dict[int, set[RecordKind | int]] = {}
    for m in messages:
        if m.case_id is not None:
            users.setdefault(m.case_id, set()).update(
                i if kind is RecordKind.CASE else kind for kind, i in m.referenced_by
            )
    # A family goes together: drop any case linked to one that stays, until nothing changes.
    changed = True
    while changed:
        changed = False
        for c in cases:
            needed_by = users.get(c.id, set()) - {c.id}
            if c.id in due and not (c.linked <= due and needed_by <= due):
                due.discard(c.id)
                changed = True
    return due


def _due_outbox(
    policy: RetentionPolicy, now: datetime, outbox: Iterable[OutboxFacts]
) -> list[PurgeDecision]:
    if policy.sent_outbox_months == 0:
        return []
    before = cutoff(now, months=policy.sent_outbox_months)
    return [
        PurgeDecision(
            RecordKind.OUTBOX,
            o.id,
            f"outbox #{o.id} ({o.event})",
            PurgeRule.SENT_OUTBOX,
            o.finished_at,
        )
        for o in outbox
        if o.case_id is None and o.finished and o.finished_at < before
    ]


def _due_mail(
    policy: RetentionPolicy,
    now: datetime,
    messages: Iterable[MessageFacts],
    gone: set[tuple[RecordKind, int]],
) -> list[PurgeDecision]:
    """Mail of no case; mail of a purged case goes with the case (not listed twice)."""
    if policy.unclassified_mail_months == 0:
        return []
    before = cutoff(now, months=policy.unclassified_mail_months)
    return [
        PurgeDecision(
            RecordKind.MESSAGE, m.id, f"message #{m.id}", PurgeRule.UNCLASSIFIED_MAIL, m.arrived
        )
        for m in messages
        if m.case_id is None and m.handled and m.arrived < before and m.referenced_by <= gone
    ]
