"""The reminder tick: reminders and escalations for every open deadline that has someone to chase.

On a closed case only a statutory notification still owed is chased (one closed before `Close:`
waited for it), with the same sequence and keys as on an open case; its emails say the case is
closed and that the notification is still owed.

Which steps are due is decided in bot.core.reminders; this module only works out who is
chased for which deadline, and writes the emails (with idempotency keys, so a step is never
sent twice, even across restarts or by two bot instances).
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager

from bot.adapters.db.models import Case, Deadline
from bot.app import App
from bot.core import deadlines
from bot.core.closed_ahead import due_while_closed
from bot.core.reminders import (
    Step,
    StepKind,
    as_sent,
    due_now,
    last_due_to_look_at,
    schedule,
)
from bot.core.wording import plural
from bot.core.working_days import CalendarRangeError
from bot.services.away import answers_since, answers_since_request
from bot.services.batch import Batch
from bot.services.mailout import queue_email_later
from bot.services.reminder_facts import Known, chased, gather, policy
from bot.services.reminder_recipients import (
    Chase,
    chased_agency,
    clocks_started,
    copied,
    escalated_to,
    who_to_chase,
)
from bot.services.reminder_wording import (
    DEADLINE_HINTS,
    ESCALATION_HINTS,
    HINTS,
    NOT_YET_RECORDED,
    SHORT_NAMES,
)
from bot.services.send_by import chase_send_by
from bot.services.vote_chases import chase_votes

log = logging.getLogger(__name__)


def reminder_tick(app: App) -> int:
    """Queue every reminder or escalation due now; returns how many were queued."""
    now = app.clock.now()
    local = now.astimezone(app.config.partnership.time_zone)
    queued = 0
    with app.sessions() as session:
        plans = Plans(app)
        due_by = last_due_to_look_at(
            local.date(),
            app.calendar,
            plans.policy,
            ahead=max(1, app.config.review.delay_notice_working_days_before),
        )
        rows = session.scalars(
            select(Deadline)
            .join(Case)
            .options(contains_eager(Deadline.case))
            .where(Deadline.met_at.is_(None), Deadline.due <= due_by, chased())
            .order_by(Deadline.id)
        ).all()
        known = gather(session, rows, due_by, votes=_in_hours(app, local))
        if rows:
            answers = answers_since_request(session, app)
            known.away, known.replied = answers.away, answers.replied
            known.since_clock = answers_since(session, app, clocks_started(app, known, rows))
        # Every key this tick can write is its own (the deadline's case, name and due date, or
        # the case and role), so the emails and events are written together at the end, one
        # INSERT per table for all of them, instead of one flush per email before its key check.
        batch = Batch()
        with session.no_autoflush:
            for deadline in rows:
                try:
                    queued += _chase(session, app, batch, known, plans, deadline, local, now)
                    if deadline.name == "screening_meeting" and _in_hours(app, local):
                        queued += chase_votes(session, app, batch, known, deadline, local, now)
                    _maybe_ask_about_delay(session, app, batch, known, deadline, local, now)
                except CalendarRangeError:
                    # Due in a year the calendar does not cover (a case left open for years):
                    # not chased, and named in the digest's "Needs your attention"; it must
                    # not stop the reminders of every other case.
                    log.info("%s %s: outside the calendar", deadline.case.ref, deadline.name)
            if _in_hours(app, local):
                # Not among the deadlines read above: the report's clock is due weeks later.
                queued += chase_send_by(session, app, batch, local, now)
        batch.write(session)
        session.commit()
    return queued


class Plans:
    """Each due date's reminder sequence, worked out once a tick: hundreds of open deadlines
    share a few dozen due dates, and each sequence walks the working calendar."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.policy = policy(app)
        self._steps: dict[date, list[Step]] = {}

    def steps(self, due: date) -> list[Step]:
        found = self._steps.get(due)
        if found is None:
            found = self._steps[due] = schedule(due, self.app.calendar, self.policy)
        return found


def _in_hours(app: App, local: datetime) -> bool:
    hours = app.config.reminders
    return hours.start <= local.time() < hours.end


def _chase(
    session: Session,
    app: App,
    batch: Batch,
    known: Known,
    plans: Plans,
    deadline: Deadline,
    local: datetime,
    now: datetime,
) -> int:
    chase = who_to_chase(app, known, deadline)
    if chase is None:
        return 0
    prefix = f"reminder:{deadline.case.ref}:{deadline.name}:{deadline.due.isoformat()}:"
    sent = known.sent(deadline.case_id, prefix)
    base = deadline.name.partition(":")[0]
    # An Appendix B request's clock starts on the day it was asked: never chased that day.
    asked = deadline.start if base == deadlines.APPENDIX_B else None
    steps = plans.steps(deadline.due)
    decision = due_now(steps, sent, local, app.calendar, plans.policy, asked_on=asked)
    for step in decision.superseded:
        batch.add_event(
            deadline.case,
            now,
            "reminder_superseded",
            f"{deadline.name}: step {step.key} not sent",
            why=decision.reason,
        )
    if decision.send is None:
        return 0
    counted = deadlines.counted_on(deadline.name, app.calendar)
    step = as_sent(decision.send, deadline.due, local.date(), counted)
    answered = answered_on(app, known, deadline)
    _send(session, app, batch, deadline, chase, step, prefix, len(sent), now, answered)
    return 1


def answered_on(app: App, known: Known, deadline: Deadline) -> tuple[date | None, date | None]:
    """The days the latest out-of-office and the latest email a person wrote came on the case
    from the agency chased, since it was asked: its escalation never says "no reply recorded"
    when one came."""
    base, _, agency = deadline.name.partition(":")
    if base == deadlines.APPENDIX_B:
        key = (deadline.case_id, agency)
        return known.away.get(key), known.replied.get(key)
    chased = chased_agency(app, known, deadline)
    if chased is None:
        return None, None
    return known.since_clock.since((deadline.case_id, chased), deadline.start)


def _send(
    session: Session,
    app: App,
    batch: Batch,
    deadline: Deadline,
    chase: Chase,
    step: Step,
    prefix: str,
    already: int,
    now: datetime,
    answered: tuple[date | None, date | None] = (None, None),
) -> None:
    """`answered`: the days the latest out-of-office and the latest email a person wrote came
    from the agency whose return is chased, if any did."""
    event, to, cc, context = chase_email(app, deadline, chase, step, already, now, answered)
    # Not among the case's keys that gather() read (the step was not in `sent`).
    queue_email_later(
        session,
        app,
        batch,
        key=prefix + step.key,
        event=event,
        to=to,
        cc=cc,
        now=now,
        case=deadline.case,
        context=context,
    )
    batch.add_event(
        deadline.case,
        now,
        "escalated" if event == "deadline_escalation" else "reminded",
        f"{deadline.name}: {step.label} ({plural(len(to) + len(cc), 'recipient')})",
        why=f"reminder step {step.key} of the {deadline.name} sequence",
    )


def chase_email(
    app: App,
    deadline: Deadline,
    chase: Chase,
    step: Step,
    already: int,
    now: datetime,
    answered: tuple[date | None, date | None] = (None, None),
) -> tuple[str, list[str], list[str], dict[str, object]]:
    """The event, To, Cc and template context of a reminder or escalation worded for `now`:
    the tick's, and an escalation's written again on the day it really goes
    (bot.services.escalation_restated)."""
    away, replied = answered
    case = deadline.case
    base = deadlines.RULES.get(deadline.name.split(":")[0])
    # Due while nobody is at work (the council closed, or a weekend), no working day before it.
    spell = due_while_closed(
        deadline.due, now.astimezone(app.config.partnership.time_zone).date(), app.calendar
    )
    context: dict[str, object] = {
        "case": {"ref": case.ref, "initials": case.initials},
        # Only a statutory notification is chased on a closed case: the email says the case
        # is closed and the notification still owed, not that a review waits for it.
        "case_closed": case.status == "closed",
        "deadline": {
            "name": deadline.name,
            "title": base.summary if base else deadline.name,
            "due": deadline.due,
            "explain": deadline.explanation,
        },
        # The template words the timing from the numbers; the label names the thing chased.
        "step": {
            "label": SHORT_NAMES.get(deadline.name.split(":")[0], deadline.name),
            # A deadline on a closed day is chased the working day before: not "due today".
            "kind": "before"
            if step.working_days_overdue < 0 or step.day < deadline.due
            else str(step.kind),
            "working_days_overdue": step.working_days_overdue,
            "while_closed": spell.words() if spell else None,
            "closed_by": spell.closed_by if spell else None,
        },
    }
    if step.kind is StepKind.ESCALATION:
        context |= {
            "agency": {"name": chase.agency_name} if chase.agency_name else None,
            "reminders_sent": already,
            # Addressed to whoever it really goes to, naming only those really copied.
            "recipient_role": escalated_to(app, chase),
            "copied": copied(app, chase.cc),
            "action_hint": ESCALATION_HINTS.get(deadline.name.partition(":")[0]),
            "out_of_office": away,
            "replied_on": replied,
            "not_recorded": NOT_YET_RECORDED.get(deadline.name.partition(":")[0]),
        }
        return "deadline_escalation", list(chase.escalate), list(chase.cc), context
    kind = deadline.name.partition(":")[0]
    hint = DEADLINE_HINTS.get(deadline.name) or DEADLINE_HINTS.get(kind, HINTS[chase.role])
    context |= {"recipient_role": chase.role, "action_hint": hint}
    return "deadline_reminder", list(chase.remind), list(chase.remind_cc), context


def _maybe_ask_about_delay(
    session: Session,
    app: App,
    batch: Batch,
    known: Known,
    deadline: Deadline,
    local: datetime,
    now: datetime,
) -> None:
    """Ask the Business Manager, in time, whether the Rapid Review will be late.

    Only the Business Manager knows the reason and the new date, so nothing is drafted to the
    National Panel until they reply Delay: <reason>; expected <date>. Held to working hours
    on working days, as every chase is: a question at 02:00 or on a Sunday goes unread.
    """
    if deadline.name != "rapid_review" or not _in_hours(app, local):
        return
    if not app.calendar.is_working_day(local.date()):
        return
    notice_day = app.calendar.add_working_days(
        deadline.due, -app.config.review.delay_notice_working_days_before
    )
    case = deadline.case
    drafted = known.sent(case.id, f"rr-delay:{case.ref}:")
    key = f"rr-delay-check:{case.ref}:{deadline.due.isoformat()}"
    if local.date() < notice_day or drafted or case.notification_sent_on is None:
        return
    if known.queued(case.id, key):
        return  # asked already
    queue_email_later(
        session,
        app,
        batch,
        key=key,
        event="rapid_review_delay_check",
        to=[app.config.people.business_manager.email],
        now=now,
        case=case,
        context={
            "case": {"ref": case.ref, "initials": case.initials},
            "rapid_review_due": deadline.due,
            # Asked only after the due day (the notification recorded late, or no tick ran on
            # the days before): the email says it is late, never "will it be late?" of a day
            # gone by.
            "overdue": local.date() > deadline.due,
            "notification_sent_on": case.notification_sent_on,
            "rr_meeting_on": case.rr_meeting_on,
            **_count_of(app, deadline.due, case.notification_sent_on),
        },
    )


def _count_of(app: App, due: date, notified: date) -> dict[str, object]:
    """Whether the day shown is the rule's count from the notification on today's calendar:
    a day kept earlier (a closure or bank holiday added since) is said to be kept, never
    "15 working days after", which it no longer is."""
    try:
        again: date | None = deadlines.compute("rapid_review", notified, app.calendar).due
    except ValueError:  # a year the calendar cannot count
        again = None
    count = "rule" if again == due else "kept" if again is not None and again > due else "none"
    return {"count": count, "counted_again": again}
