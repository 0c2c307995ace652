"""An escalation that had to wait (the mail server down, the bot stopped) worded again, just
before it goes, for the day it really goes.

A reminder whose own day has passed gives way to the next step (bot.core.stale_chases); the
escalation, the last step, has none after it and still goes. Its words were written for the
day it was queued: "Overdue by: 4 working days", "no reply recorded". Sent days later as
written, it would tell the agency's safeguarding lead (or the local authority's, for the
National Panel's notification) less than the truth. So on a later day it is worded again from
the deadline as it stands, as the tick would word it that day: the same id, Message-ID and
recipients, the lateness counted to the day it goes, the replies received since. Its Date
says that day too. The case's history records it; the Business Manager, copied on every
escalation, reads the new words.

Called under the outbox's claim (bot.services.send_checks), in the commit that records the
attempt. A copy for recipients the server put off goes as the others received it, and one
the Business Manager approved (its recipients on the approval list) in the words she approved.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.adapters.db.models import Deadline, OutboxMessage
from bot.app import App
from bot.core import deadlines
from bot.core.reminders import ESCALATION_KEY, as_sent, schedule
from bot.core.resend_keys import is_resend
from bot.core.stale_chases import read_key
from bot.core.stated_dates import Stated
from bot.core.working_days import CalendarRangeError
from bot.services.away import answers_since, answers_since_request
from bot.services.cases import add_event
from bot.services.mailout import rewrite_unsent
from bot.services.reminder_facts import Known, gather, policy
from bot.services.reminder_recipients import clocks_started, who_to_chase
from bot.services.reminders import answered_on, chase_email
from bot.services.stated_facts import day_of

EVENT = "deadline_escalation"


def restate_escalation(app: App, session: Session, row: OutboxMessage) -> None:
    """Word `row` (claimed by the caller) again for today when it is an escalation written
    for an earlier day; nothing when it was written today, or cannot be worded again."""
    chase = read_key(row.idempotency_key)
    case = row.case
    if row.event != EVENT or chase is None or chase.step != ESCALATION_KEY or case is None:
        return
    if is_resend(row.idempotency_key) or row.requires_approval:
        return  # a copy goes as the others got it; approved words go as approved
    now = app.clock.now()
    today = day_of(app, now)
    if _written_on(app, row) >= today:
        return
    deadline = next((d for d in case.deadlines if d.name == chase.deadline), None)
    if deadline is None or deadline.due != chase.due:
        return  # gone or re-dated: bot.services.stale_chases withdrew it already
    context = _context_now(app, session, deadline, today, now)
    if context is None:
        return
    before = app.parse(row.raw).text.split()
    rewrite_unsent(app, row, context, now, Stated(written_on=today))
    if app.parse(row.raw).text.split() != before:
        add_event(
            session,
            case,
            now,
            "escalation_restated",
            f"{deadline.name}: escalation #{row.id} worded again for {_fmt(today)}, the day "
            "it went",
            why="it waited in the outbox; its lateness and replies are told as on that day",
        )


def _written_on(app: App, row: OutboxMessage) -> date:
    stated = Stated.from_json(row.stated)
    return stated.written_on if stated is not None else day_of(app, row.created_at)


def _context_now(
    app: App, session: Session, deadline: Deadline, today: date, now: datetime
) -> dict[str, object] | None:
    """The escalation's template context as the reminder tick would write it today; None
    when the deadline has no one to chase or the calendar cannot count it."""
    known = _known(app, session, deadline)
    chase = who_to_chase(app, known, deadline)
    if chase is None:
        return None
    try:
        steps = schedule(deadline.due, app.calendar, policy(app))
        step = next((s for s in steps if s.key == ESCALATION_KEY), None)
        if step is None:
            return None
        counted = deadlines.counted_on(deadline.name, app.calendar)
        step = as_sent(step, deadline.due, today, counted)
    except CalendarRangeError:
        return None
    prefix = f"reminder:{deadline.case.ref}:{deadline.name}:{deadline.due.isoformat()}:"
    # The steps before it, as the tick counted them when it queued the escalation.
    already = len(known.sent(deadline.case_id, prefix) - {ESCALATION_KEY})
    answered = answered_on(app, known, deadline)
    return chase_email(app, deadline, chase, step, already, now, answered)[3]


def _known(app: App, session: Session, deadline: Deadline) -> Known:
    """What the reminder tick reads about the deadline's case, for this one deadline."""
    known = gather(session, [deadline], deadline.due, votes=False)
    answers = answers_since_request(session, app)
    known.away, known.replied = answers.away, answers.replied
    known.since_clock = answers_since(session, app, clocks_started(app, known, [deadline]))
    return known


def _fmt(day: date) -> str:
    return deadlines.fmt_date(day)
