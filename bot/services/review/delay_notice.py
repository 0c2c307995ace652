"""The Rapid Review delay notice and the reviewer notice, checked again when approved, and
again just before they are sent (bot.services.send_checks).

It states facts as of the day it was drafted: when the National Panel was notified, when the
Rapid Review is due, when it is now expected. Approved days later, any of them may have changed
(`Correct Notified:`, `Report submitted:`, `Close:`): then it is not sent, and the Business
Manager is told why and how to draft it afresh. The day it expects the review by is checked
with the day it is approved, or sent, by bot.core.stated_dates. The National Panel never
receives a delay notice that was no longer true when it went. The reviewer notice (to the
National Panel, Ofsted and DfE) states the CSPR decision's day and the report's due date, and
is held the same way when `Correct CSPR:` moved them or the case closed. A notice that
publication is delayed, or will not happen, is held once the report is recorded as published.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, OutboxMessage
from bot.app import App
from bot.core.deadlines import fmt_date
from bot.services.review.common import deadline_row, today

EVENT = "panel_delay_notice"
_KEY = "rr-delay"
_AGAIN = "write Delay: <reason>; expected <date> again to draft it afresh"


def delay_key(case: Case, expected: date, reason_hash: str, notified: date, due: date) -> str:
    """What the notice was written on is in its key: the check needs no copy of its words."""
    return f"{_KEY}:{case.ref}:{expected}:{reason_hash}:{notified}:{due}"


def stale_delay_notice(app: App, draft: OutboxMessage, now: datetime) -> str | None:
    """Why the draft may not go as written, or None when what it says still holds."""
    case = draft.case
    if case is None:
        return None
    if case.status != "open":
        return f"{case.ref} is closed"
    review = deadline_row(case, "rapid_review")
    if review is not None and review.met_on is not None:
        return f"the Rapid Review is recorded as submitted on {fmt_date(review.met_on)}"
    parts = draft.idempotency_key.split(":")
    if len(parts) != 6 or parts[0] != _KEY:
        return None  # drafted before its facts were kept in its key
    notified, due = (date.fromisoformat(p) for p in (parts[4], parts[5]))
    if notified != case.notification_sent_on or (review is not None and due != review.due):
        return (
            f"it says the National Panel was notified on {fmt_date(notified)} and the Rapid "
            f"Review is due {fmt_date(due)}, but the case has changed since; {_AGAIN}"
        )
    return None


def delays_told(session: Session, app: App) -> dict[str, tuple[date, date]]:
    """For each case, the latest Rapid Review delay notice the National Panel was sent: the
    day it went, and the day it said the review was now expected. Drafts never sent, and
    notices written before their facts were kept in their keys, say nothing here."""
    rows = session.execute(
        select(Case.ref, OutboxMessage.idempotency_key, OutboxMessage.sent_at)
        .join(Case, OutboxMessage.case_id == Case.id)
        .where(OutboxMessage.event == EVENT, OutboxMessage.status == "sent")
        .order_by(OutboxMessage.sent_at)
    ).all()
    told: dict[str, tuple[date, date]] = {}
    for ref, key, sent_at in rows:
        parts = key.split(":")
        if len(parts) == 6 and parts[0] == _KEY and sent_at is not None:
            told[ref] = (today(app, sent_at), date.fromisoformat(parts[2]))
    return told


def reviewer_key(case: Case, name: str, said_at: datetime, decided: date, due: date) -> str:
    """One notice per `Reviewer:` line: the same name given again (to draft afresh a notice
    that was held) is drafted again, never matched to the earlier one. The decision's day and
    the report's due date, last, are what stale_reviewer_notice reads."""
    stamp = f"{said_at.astimezone(UTC):%Y%m%dT%H%M%S}"
    return f"reviewer:{case.ref}:{name}:{stamp}:{decided}:{due}"


def stale_reviewer_notice(draft: OutboxMessage) -> str | None:
    """Why the reviewer notice may not go as written, or None when what it says still holds."""
    case = draft.case
    if case is None:
        return None
    if case.status != "open":
        return f"{case.ref} is closed"
    clock = deadline_row(case, "cspr_report") if case.cspr else None
    if clock is None:
        return "the case no longer records a decision to hold a CSPR"
    parts = draft.idempotency_key.rsplit(":", 2)
    try:
        decided, due = date.fromisoformat(parts[1]), date.fromisoformat(parts[2])
    except (IndexError, ValueError):
        return None  # drafted before its facts were kept in its key
    if (decided, due) != (clock.start, clock.due):
        return (
            f"it says the CSPR was decided on {fmt_date(decided)} with the report due "
            f"{fmt_date(due)}, but the case now says {fmt_date(clock.start)} and "
            f"{fmt_date(clock.due)}; write Reviewer: <name> again to draft it afresh"
        )
    return None


def already_published(on: date) -> str:
    return (
        f"the report is recorded as published on {fmt_date(on)}, so a notice that publication "
        "is delayed, or will not happen, would be untrue"
    )


def stale_publication_delay(draft: OutboxMessage) -> str | None:
    """Why a publication-delay or not-publishing notice may not go: the report was published
    after it was drafted."""
    case = draft.case
    if case is None or case.published_on is None:
        return None
    return already_published(case.published_on)
