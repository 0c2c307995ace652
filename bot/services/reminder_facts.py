"""What the reminder tick needs to know about every chased case, read in one query per kind.

A query per deadline made the tick quadratic (each one scanned the outbox for a key prefix);
here the outbox keys, action-plan owners and screening votes of all the cases being chased are
read at once, however many cases there are.

The "already sent?" answer stays exactly as strong: every reminder and delay notice is queued
with its case (bot.services.mailout.queue_email(case=...)), so the keys read by case are all
the keys the old prefix search could find; and queue_email still refuses a key that exists.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from bot.adapters.db.models import ActionItem, Case, Deadline, Meeting, OutboxMessage, Vote
from bot.app import App
from bot.core.agency_answers import Answers
from bot.core.lifecycle import CHASED_WHEN_CLOSED
from bot.core.reminders import ReminderPolicy

WITHDRAWN = "withdrawn"  # an outbox status: a chase no longer true when it could go


def policy(app: App) -> ReminderPolicy:
    """The configured reminder sequence (here, not in bot.services.reminders, so the outbox can
    read it without loading the tick's templates and review modules)."""
    r = app.config.reminders
    return ReminderPolicy(
        days_before=r.days_before,
        overdue_reminders=r.overdue_reminders,
        escalate=r.escalate,
        start=r.start,
        end=r.end,
    )


@dataclass
class Known:
    keys: dict[int, set[str]] = field(default_factory=dict)
    # Of `keys`, those of emails withdrawn unsent: their recipients were never asked.
    unsent: dict[int, set[str]] = field(default_factory=dict)
    owners: dict[tuple[int, int], str] = field(default_factory=dict)
    ballots: dict[int, dict[str, str]] = field(default_factory=dict)
    # When each case's booked (not cancelled) Screening Panel meeting ends.
    meeting_ends: dict[int, datetime] = field(default_factory=dict)
    # (case id, agency key): the day an out-of-office came about an awaited return.
    away: dict[tuple[int, str], date] = field(default_factory=dict)
    # (case id, agency key): the day a person at the agency last wrote on the case since.
    replied: dict[tuple[int, str], date] = field(default_factory=dict)
    # For an action-plan item or the local authority's notification: what the agency chased
    # sent on the case since its earliest clock there started (Answers.since keeps each's own).
    since_clock: Answers = field(default_factory=Answers)

    def sent(self, case_id: int, prefix: str) -> set[str]:
        """The outbox keys of the case that start with prefix, less the prefix."""
        return {k.removeprefix(prefix) for k in self.keys.get(case_id, ()) if k.startswith(prefix)}

    def asked(self, case_id: int, prefix: str) -> set[str]:
        """Of sent(), the emails not withdrawn: those that went, or may still go."""
        unsent = self.unsent.get(case_id, set())
        return {
            k.removeprefix(prefix)
            for k in self.keys.get(case_id, ())
            if k.startswith(prefix) and k not in unsent
        }

    def queued(self, case_id: int, key: str) -> bool:
        """Whether the case has an email with exactly this key (queue_email checks it again)."""
        return key in self.keys.get(case_id, ())

    def action_owner(self, deadline: Deadline) -> str | None:
        number = int(deadline.name.partition(":")[2])
        return self.owners.get((deadline.case_id, number))

    def votes(self, case_id: int) -> dict[str, str]:
        """Each role's standing (not superseded) screening vote on the case."""
        return dict(self.ballots.get(case_id, {}))


def chased() -> ColumnElement[bool]:
    """The deadlines the tick chases, met or not: every clock of an open case, and on a closed
    one only a statutory notification (bot.core.lifecycle.CHASED_WHEN_CLOSED)."""
    return (Case.status == "open") | Deadline.name.in_(CHASED_WHEN_CLOSED)


def _chased_cases(due_by: date) -> Select[int]:
    """The cases with an unmet chased deadline due by due_by: those the tick looks at. Their
    outbox keys are all read, a closed case's too, so no step already sent goes again."""
    return (
        select(Deadline.case_id)
        .join(Case, Case.id == Deadline.case_id)
        .where(Deadline.met_at.is_(None), Deadline.due <= due_by, chased())
    )


def gather(session: Session, deadlines: Sequence[Deadline], due_by: date, *, votes: bool) -> Known:
    """What the tick needs about the cases of `deadlines`, those selected with due_by."""
    known = Known()
    if not deadlines:
        return known
    cases = _chased_cases(due_by)
    keys: defaultdict[int, set[str]] = defaultdict(set)
    unsent: defaultdict[int, set[str]] = defaultdict(set)
    for case_id, key, status in session.execute(
        select(OutboxMessage.case_id, OutboxMessage.idempotency_key, OutboxMessage.status).where(
            OutboxMessage.case_id.in_(cases)
        )
    ):
        if case_id is not None:  # never, the query selects by case; for the type checker
            keys[case_id].add(key)
            if status == WITHDRAWN:
                unsent[case_id].add(key)
    known.keys, known.unsent = dict(keys), dict(unsent)
    # Read whether or not a deadline needs them, so that a pass's queries never depend on data.
    known.owners = {
        (case_id, number): owner
        for case_id, number, owner in session.execute(
            select(ActionItem.case_id, ActionItem.number, ActionItem.owner_key).where(
                ActionItem.case_id.in_(cases)
            )
        )
    }
    if votes:
        ballots: defaultdict[int, dict[str, str]] = defaultdict(dict)
        for case_id, role, choice in session.execute(
            select(Vote.case_id, Vote.role, Vote.choice)
            .where(Vote.case_id.in_(cases), ~Vote.superseded)
            .order_by(Vote.id)
        ):
            ballots[case_id][role] = choice
        known.ballots = dict(ballots)
        known.meeting_ends = _meeting_ends(session, cases)
    return known


def _meeting_ends(session: Session, cases: Select[int]) -> dict[int, datetime]:
    """The end of each case's latest screening meeting, unless it was cancelled."""
    latest: dict[int, tuple[datetime, bool]] = {}
    for case_id, end, cancelled in session.execute(
        select(Meeting.case_id, Meeting.end, Meeting.cancelled_at.is_not(None))
        .where(Meeting.case_id.in_(cases), Meeting.purpose == "screening")
        .order_by(Meeting.id)
    ):
        latest[case_id] = (end, cancelled)
    return {case_id: end for case_id, (end, cancelled) in latest.items() if not cancelled}
