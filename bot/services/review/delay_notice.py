"""The Rapid Review delay notice to the National Panel, checked again when it is approved.

It states facts as of the day it was drafted: when the National Panel was notified, when the
Rapid Review is due, when it is now expected. Approved days later, any of them may have changed
(`Correct Notified:`, `Report submitted:`, `Close:`, the expected day passed): then it is not
sent, and the Business Manager is told why and how to draft it afresh. The National Panel never
receives a delay notice that was no longer true when it went.
"""

from __future__ import annotations

from datetime import date, datetime

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
    expected, notified, due = (date.fromisoformat(p) for p in (parts[2], parts[4], parts[5]))
    if expected <= today(app, now):
        return f"the date it gives ({fmt_date(expected)}) has passed; {_AGAIN}"
    if notified != case.notification_sent_on or (review is not None and due != review.due):
        return (
            f"it says the National Panel was notified on {fmt_date(notified)} and the Rapid "
            f"Review is due {fmt_date(due)}, but the case has changed since; {_AGAIN}"
        )
    return None
