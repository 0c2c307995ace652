"""A fresh complaint from someone whose complaint is open: flagged on it and put on the
triage list until the Business Manager decides (bot.core.complaint_again); `triage new-case`
opens it as its own record (bot.services.triage_new_complaint)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, String, case, cast, exists, false, literal

from bot.adapters.db.models import CaseEvent, StoredMessage
from bot.core import deadlines
from bot.core.complaint_again import (
    MAYBE_NEW,
    escalation_not_held_words,
    maybe_new_words,
    not_held_words,
)
from bot.core.forwarded import counted_from
from bot.core.plan_effects import (
    FlagMaybeNewComplaint,
    TriageComplaintNotHeld,
    TriageEscalationNotHeld,
)
from bot.core.working_days import day_zero
from bot.services.cases import add_event

if TYPE_CHECKING:
    from bot.services.effects import Applying


def message_why(number: int) -> str:
    return f"message #{number}"


def flag_maybe_new(s: Applying, e: FlagMaybeNewComplaint) -> None:
    """Under "Needs your attention" on the open complaint, and on the triage list, so that
    both `triage new-case` and `triage done` act on it and the flag goes when either does."""
    if s.case is None:
        return
    arrived = day_zero(s.row.received_at, s.app.config.partnership.time_zone)
    due = deadlines.complaint_response(arrived, s.app.calendar).due
    words = maybe_new_words(e.open_complaint, s.row.id, arrived, due, e.not_held)
    s.reasons.append(words)
    add_event(s.session, s.case, s.now, MAYBE_NEW, words, why=message_why(s.row.id))


def triage_not_held(s: Applying, e: TriageComplaintNotHeld) -> None:
    """On the triage list only (there is no case to flag), with the day it would be due,
    counted from the day `triage new-case` would count its record from."""
    arrived = day_zero(s.row.received_at, s.app.config.partnership.time_zone)
    start = counted_from(e.first_written, arrived) if e.forwarded else None
    due = deadlines.complaint_response(start or arrived, s.app.calendar).due
    s.reasons.append(not_held_words(e, s.row.id, arrived, start, due))


def triage_escalation_not_held(s: Applying, e: TriageEscalationNotHeld) -> None:
    s.reasons.append(escalation_not_held_words(e.not_held, s.row.id))


def maybe_new_settled() -> ColumnElement[bool]:
    """For a flag row: its message is no longer on the triage list (opened as a complaint of
    its own, or marked done), so the Business Manager has decided."""
    waiting = exists().where(
        StoredMessage.needs_triage.is_(True),
        CaseEvent.why == literal("message #") + cast(StoredMessage.id, String),
    )
    # CASE, not AND: SQLite computes both sides of an AND in a result column, so the EXISTS (a
    # scan of the messages, matched by text) ran for every flag the digest reads, not only for
    # a fresh complaint's: 295 scans of 1,000 messages over the 30%-SIN backlog.
    return case((CaseEvent.what == MAYBE_NEW, ~waiting), else_=false())
