"""Chasing the day a CSPR report must reach the National Panel, the Secretary of State and
Ofsted: the digest's line and the Business Manager's reminders (decided in bot.core.send_by).

Reminders are keyed by the case and the report's due date (bot.core.stale_chases.SEND_BY), so a
step goes once however often the tick runs, and a reminder still queued when the report's clock
is met, re-dated or set aside, or the case closed, is withdrawn unsent.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, CaseEvent, Deadline, OutboxMessage
from bot.app import App
from bot.core import send_by as core
from bot.core.dates import fmt_date
from bot.core.publication_passed import WHAT as PASSED
from bot.core.publication_passed import passed_publication
from bot.core.reminders import Step, due_now
from bot.core.stale_chases import SEND_BY
from bot.core.working_days import CalendarRangeError
from bot.services.batch import Batch
from bot.services.digest_types import Flag
from bot.services.mailout import queue_email_later
from bot.services.reminder_facts import policy

log = logging.getLogger(__name__)

# The send-by day lies at most 7 of the bodies' working days and the partnership's closures,
# plus the chase's few working days, before the report's due date: well inside this.
_LOOK_AHEAD = timedelta(days=60)


def _owed(session: Session, app: App, today: date) -> Iterator[tuple[Case, core.CsprFacts]]:
    """Each open case whose CSPR report is owed soon enough to chase, with its facts."""
    rows = session.execute(
        select(Case, Deadline.start, Deadline.due, Deadline.first_due, Deadline.extension)
        .join(Deadline, Deadline.case_id == Case.id)
        .where(
            Case.status == "open",
            Case.cspr.is_(True),
            Deadline.name == "cspr_report",
            Deadline.met_at.is_(None),
            Deadline.due <= today + _LOOK_AHEAD,
        )
        .order_by(Deadline.due, Case.id)
    ).all()
    delayed = _delayed(session, [case.id for case, *_ in rows])
    for case, decided, due, first_due, extension in rows:
        yield (
            case,
            core.CsprFacts(
                ref=case.ref,
                decided_on=decided,
                report_due=due,
                publication_planned=case.planned_publication is not None,
                report_sent=case.report_sent_on is not None,
                published=case.published_on is not None,
                # Told to the Panel since this decision, not before an earlier `CSPR: no`.
                publication_delayed=core.delayed_since(
                    decided, delayed.get(case.id, ()), app.config.partnership.time_zone
                ),
                first_due=first_due,
                extension=extension or "",
            ),
        )


def _delayed(session: Session, ids: list[int]) -> dict[int, list[datetime]]:
    """When each case's `Publication delayed:` or `Not publishing:` was recorded."""
    # Asked even with no case, so that a pass's queries never depend on the data.
    found: dict[int, list[datetime]] = {}
    for case_id, at in session.execute(
        select(CaseEvent.case_id, CaseEvent.at).where(
            CaseEvent.case_id.in_(ids), CaseEvent.what.in_(core.DELAYED)
        )
    ):
        found.setdefault(case_id, []).append(at)
    return found


def send_by_flags(session: Session, app: App, today: date) -> list[Flag]:
    """The digest's "Needs your attention" lines for the CSPR report's way out: a send-by day
    near, and a planned publication day gone by with nothing recorded as published."""
    flags = _passed_publications(session, today)
    ahead = app.config.digest.upcoming_working_days
    for _, facts in _owed(session, app, today):
        try:
            line = core.send_by_line(facts, today, app.calendar, ahead)
        except CalendarRangeError:
            continue  # the report's own clock is flagged as outside the calendar
        if line is not None:
            flags.append({"ref": line.ref, "what": line.what, "detail": line.detail})
    return flags


def _passed_publications(session: Session, today: date) -> list[Flag]:
    rows = session.execute(
        select(Case.ref, Case.planned_publication)
        .where(
            Case.status == "open",
            Case.published_on.is_(None),
            Case.planned_publication < today,
        )
        .order_by(Case.planned_publication, Case.id)
    ).all()
    flags: list[Flag] = []
    for ref, planned in rows:
        line = passed_publication(ref, planned, today) if planned is not None else None
        if line is not None:
            flags.append({"ref": ref, "what": PASSED, "detail": line})
    return flags


def chase_send_by(session: Session, app: App, batch: Batch, local: datetime, now: datetime) -> int:
    """Queue the send-by reminders due now; returns how many were queued."""
    rules = policy(app)
    queued = 0
    owed = [
        (case, facts) for case, facts in _owed(session, app, local.date()) if core.chased(facts)
    ]
    # Every case's send-by keys in one query, however many cases.
    keys = set(
        session.scalars(
            select(OutboxMessage.idempotency_key).where(
                OutboxMessage.case_id.in_([case.id for case, _ in owed]),
                OutboxMessage.idempotency_key.startswith(SEND_BY),
            )
        )
    )
    for case, facts in owed:
        prefix = f"{SEND_BY}{case.ref}:{facts.report_due.isoformat()}:"
        try:
            steps = core.reminder_steps(facts.report_due, local.date(), app.calendar, rules)
        except CalendarRangeError:
            log.info("%s send-by day: outside the calendar", case.ref)
            continue
        if local.date() > steps[-1].day:
            continue  # gone by: a reminder now would say "due today" of a day past
        sent = {k.removeprefix(prefix) for k in keys if k.startswith(prefix)}
        decision = due_now(steps, sent, local, app.calendar, rules)
        if decision.send is None:
            continue
        _queue(session, app, batch, case, facts, steps[-1].day, decision.send, now)
        queued += 1
    return queued


def _queue(
    session: Session,
    app: App,
    batch: Batch,
    case: Case,
    facts: core.CsprFacts,
    by: date,
    step: Step,
    now: datetime,
) -> None:
    context: dict[str, object] = {
        "case": {"ref": case.ref, "initials": case.initials},
        "case_closed": False,
        "deadline": {
            "name": "cspr_send_by",
            "title": f"CSPR report to reach {core.BODIES}",
            "due": by,
            "explain": core.explanation(facts, by, app.calendar),
        },
        "step": {
            "label": "CSPR report to send",
            "kind": "before" if step.working_days_overdue < 0 else str(step.kind),
            "working_days_overdue": step.working_days_overdue,
            "while_closed": None,
        },
        "recipient_role": "business_manager",
        "action_hint": core.ACTION_HINT,
    }
    queue_email_later(
        session,
        app,
        batch,
        key=f"{SEND_BY}{case.ref}:{facts.report_due.isoformat()}:{step.key}",
        event="deadline_reminder",
        to=[app.config.people.business_manager.email],
        now=now,
        case=case,
        context=context,
    )
    batch.add_event(
        case,
        now,
        "reminded",
        f"CSPR report to send by {fmt_date(by)}: {step.label}",
        why=f"reminder step {step.key} of the CSPR report's send-by day",
    )
