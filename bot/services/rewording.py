"""An acknowledgement or the Screening Panel's invitation that waited (the mail server down,
the bot stopped) written again, just before it goes, as of the day it really goes.

bot.core.stated_acks decides what it must say that day; here that is carried out under the
outbox's claim, in the commit that records the attempt: the email rewritten in place (the same
Message-ID and thread: it was never sent), from the case as it stands and the words first
written (bot.core.stated_dates.Stated.kept), and the Business Manager told in one line what
changed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.adapters.db.models import Meeting, OutboxMessage
from bot.app import App
from bot.core.stated_dates import COMPLAINT_ACK, SIN_ACK, Verdict
from bot.services.held_emails import hold, not_sent_line, reworded
from bot.services.intake import complaint_ack_context
from bot.services.mailout import rewrite_unsent
from bot.services.new_case import ack_context
from bot.services.review.meetings import screening_meeting
from bot.services.screening_booking import invitation
from bot.services.stated_facts import day_of


def reword(session: Session, app: App, row: OutboxMessage, verdict: Verdict, now: datetime) -> bool:
    """Write `row` (claimed by the caller) again as `verdict` says; False when it cannot be
    (its case or meeting is gone), and it is held instead."""
    stated, case = verdict.restated, row.case
    assert stated is not None
    meeting = _live_meeting(session, row)
    if case is None or (meeting is None and row.event not in (COMPLAINT_ACK, SIN_ACK)):
        why = f"{verdict.untrue}, but its case or meeting is gone to write it again"
        hold(session, app, row, not_sent_line(row, day_of(app, now), why), now)
        return False
    ics = None
    if row.event == COMPLAINT_ACK:
        context = complaint_ack_context(case, stated.promised)
    elif row.event == SIN_ACK:
        context = ack_context(app, case, meeting, stated)
    else:
        assert meeting is not None
        context, found = invitation(app, case, meeting, stated, now)
        ics = found
    rewrite_unsent(app, row, context, now, stated, ics)
    reworded(session, app, row, verdict.untrue, verdict.todo, now)
    return True


def _live_meeting(session: Session, row: OutboxMessage) -> Meeting | None:
    if row.case is None or row.event == COMPLAINT_ACK:
        return None
    meeting = screening_meeting(session, row.case)
    return meeting if meeting is not None and meeting.cancelled_at is None else None
