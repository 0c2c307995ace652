"""Withdrawing a chase email that has stopped being true, just before the outbox sends it.

The decision is bot.core.stale_chases.withdraw_because; here it is fed with the chased deadline
and its case as they stand, and carried out: the email is marked withdrawn (never sent, never
retried, its idempotency key kept so the tick does not queue it again) and the reason is added
to the case's history. One withdrawn only because its case closed gives its key up (kept
behind a prefix): `Reopen:` sets its clock running again, and the tick chases it as usual.
Only chase emails are looked at, two or three small reads each; any other email costs nothing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, Deadline, OutboxMessage, Vote
from bot.app import App
from bot.core.deadlines import fmt_date
from bot.core.send_by import DELAYED, delayed_since
from bot.core.stale_chases import (
    DeadlineNow,
    for_closing,
    read_key,
    set_aside_key,
    withdraw_because,
)
from bot.services.cases import add_event
from bot.services.reminder_facts import WITHDRAWN as WITHDRAWN  # outbox status, used by others
from bot.services.reminder_facts import policy

CHASES = frozenset(
    {
        "deadline_reminder",
        "deadline_escalation",
        "vote_reminder",
        "votes_missing",
        "rapid_review_delay_check",
    }
)


def withdrawn(app: App, session: Session, row: OutboxMessage) -> bool:
    """Withdraw `row` (claimed by the caller) if it is a chase that must no longer go; the
    caller's commit records it with the case's event."""
    if row.event not in CHASES or row.case_id is None:
        return False
    chase = read_key(row.idempotency_key)
    case = session.get(Case, row.case_id)
    if chase is None or case is None:
        return False
    deadline = session.scalars(
        select(Deadline).where(Deadline.case_id == case.id, Deadline.name == chase.deadline)
    ).one_or_none()
    now = app.clock.now()
    today = now.astimezone(app.config.partnership.time_zone).date()
    standing = _as_it_stands(case, deadline, _voted(session, case, chase.role))
    if chase.send_by:
        standing = replace(standing, report_in_hand=_report_in_hand(app, case, deadline))
    why = withdraw_because(chase, standing, today, app.calendar, policy(app))
    if why is None:
        return False
    row.status = WITHDRAWN
    closing = for_closing(chase, standing)
    again = "; if it is reopened while the clock runs, it is chased again" if closing else ""
    _record(session, case, row, f"{chase.deadline}: {why}{again}", now)
    if closing:
        row.idempotency_key = set_aside_key(row.idempotency_key, row.id)
    return True


def _voted(session: Session, case: Case, role: str | None) -> bool:
    """Whether the partner a vote chase asks has a standing vote (one read from triage after
    the chase was queued counts too)."""
    if role is None:
        return False
    standing = select(Vote.id).where(Vote.case_id == case.id, Vote.role == role, ~Vote.superseded)
    return session.scalars(standing.limit(1)).first() is not None


def _as_it_stands(case: Case, deadline: Deadline | None, voted: bool) -> DeadlineNow:
    if deadline is None:
        return DeadlineNow(case_status=case.status, exists=False)
    return DeadlineNow(
        case_status=case.status,
        voted=voted,
        state=deadline.state,
        met=deadline.met_at is not None,
        met_on=deadline.met_on,
        due=deadline.due,
    )


def _report_in_hand(app: App, case: Case, report: Deadline | None) -> str | None:
    """Why the report's send-by day needs no reminder now (bot.services.send_by.chased)."""
    if case.report_sent_on is not None:
        return f"the report was recorded as sent on {fmt_date(case.report_sent_on)}"
    if case.planned_publication is not None:
        return f"publication is planned for {fmt_date(case.planned_publication)}"
    decided = report.start if report is not None else None
    told = (e.at for e in case.events if e.what in DELAYED)
    tz = app.config.partnership.time_zone
    if decided is not None and delayed_since(decided, told, tz):
        return "the National Panel is being told publication is delayed"
    return None


def _record(session: Session, case: Case, row: OutboxMessage, why: str, now: datetime) -> None:
    step = row.idempotency_key.rsplit(":", 1)[1] if row.event.startswith("deadline_") else ""
    what = row.event.replace("_", " ") + (f" ({step})" if step else "")
    add_event(
        session,
        case,
        now,
        "reminder_withdrawn",
        f"Email #{row.id} ({what}) not sent: {why}",
        why="looked at again before sending: it was queued while it could not go, and what it "
        "says is no longer true",
    )
