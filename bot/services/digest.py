"""The Business Manager's daily digest: gathered here, decided in bot.core.digest."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.adapters.db.models import (
    ActionItem,
    AgencyRequest,
    Case,
    CaseEvent,
    Deadline,
    MailboxState,
    OutboxMessage,
    StoredMessage,
)
from bot.app import App
from bot.clock import SystemClock
from bot.core import deadlines as rules
from bot.core.arrival import left_in_inbox
from bot.core.digest import DeadlineView, digest_due, overdue, upcoming
from bot.core.health import problems
from bot.services import health
from bot.services.attention import NEW_ON_CASE, agency_name
from bot.services.case_warnings import warnings_for
from bot.services.delivery import NOT_DELIVERED_EVENT, recent_failures
from bot.services.mailout import queue_email
from bot.services.meeting_replies import coming_panels


def send_digest_if_due(app: App) -> bool:
    """Queue today's digest once, on working days after the configured time."""
    now = app.clock.now()
    local = now.astimezone(app.config.partnership.time_zone)
    if not digest_due(local, app.config.digest.time, app.calendar):
        return False
    with app.sessions() as session:
        context = digest_context(session, app, local.date(), now)
        row = queue_email(
            session,
            app,
            key=f"digest:{local.date().isoformat()}",
            event="daily_digest",
            to=[app.config.people.business_manager.email],
            cc=app.config.digest.cc,
            context=context,
            now=now,
        )
        session.commit()
        return row is not None


def _title(name: str) -> str:
    rule = rules.RULES.get(name.split(":")[0])
    return rule.summary if rule else name


def _deadline_views(session: Session) -> list[DeadlineView]:
    rows = session.execute(
        select(Case.ref, Deadline.name, Deadline.due, Deadline.met_at, Deadline.explanation)
        .join(Case)
        .where(Case.status == "open")
    ).all()
    return [DeadlineView(ref, name, due, met is not None, why) for ref, name, due, met, why in rows]


def digest_context(session: Session, app: App, today: date, now: datetime) -> dict[str, object]:
    views = _deadline_views(session)
    return {
        "today": today,
        "new_on_cases": _new_on_cases(session, app, now),
        "new_cases": _new_cases(session, now),
        "upcoming": [
            {
                "ref": d.case_ref,
                "name": d.name,
                "title": _title(d.name),
                "due": d.due,
                "explain": d.explanation,
            }
            for d in upcoming(views, today, app.calendar, app.config.digest.upcoming_working_days)
        ],
        "overdue": [
            {
                "ref": d.case_ref,
                "name": d.name,
                "title": _title(d.name),
                "due": d.due,
                "days_overdue": app.calendar.working_days_between(d.due, today),
                "explain": d.explanation,
            }
            for d in overdue(views, today)
        ],
        "panels": coming_panels(session, app, now),
        "triage": _triage(session),
        "awaiting_approval": _drafts(session),
        "returns": _returns(session, today),
        "actions": _actions(session, today),
        "complaints": _complaints(session, today),
        "flags": _flags(session, app, today),
        "quarantine": _quarantine(session),
        "not_delivered": recent_failures(session, app, today),
        "health": _health(session, app),
    }


def _daemon_health(session: Session, app: App) -> dict[str, object]:
    """Jobs failing or stalled, and when no bot was running, on the wall clock they use."""
    now = SystemClock().now()
    found = problems(health.snapshot(app, health.stored_jobs(session, app), now, session))
    gaps = health.not_running(session, app, now, within=timedelta(days=7))
    return {
        "problems": [{"sentence": p.sentence, "since": p.since} for p in found],
        "not_running": [{"start": start, "end": end} for start, end in gaps],
    }


def _new_cases(session: Session, now: datetime) -> list[dict[str, object]]:
    since = now - timedelta(days=4)  # covers a weekend and a bank holiday Monday
    cases = session.scalars(select(Case).where(Case.opened_at >= since).order_by(Case.id))
    labels = {"review": "SIN", "complaint": "Complaint", "escalation": "Escalation"}
    return [
        {"ref": c.ref, "opened_at": c.opened_at, "kind": labels.get(c.kind, c.kind)} for c in cases
    ]


def _last_digest_at(session: Session, now: datetime) -> datetime:
    """When the previous digest was written; without one, a span that covers a long weekend."""
    last = session.scalar(
        select(func.max(OutboxMessage.created_at)).where(
            OutboxMessage.event == "daily_digest", OutboxMessage.created_at < now
        )
    )
    return last if last is not None else now - timedelta(days=4)


def _new_on_cases(session: Session, app: App, now: datetime) -> list[dict[str, object]]:
    """What people wrote on case threads since the last digest (bot.services.attention)."""
    rows = session.execute(
        select(Case.ref, CaseEvent)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(CaseEvent.what == NEW_ON_CASE, CaseEvent.at >= _last_digest_at(session, now))
        .order_by(CaseEvent.at, CaseEvent.id)
    ).all()
    return [
        {
            "ref": ref,
            "at": e.at,
            "who": e.why or e.actor,
            "agency": agency_name(app, e.actor),
            "lines": e.detail.splitlines(),
        }
        for ref, e in rows
    ]


def _triage(session: Session) -> list[dict[str, object]]:
    rows = session.scalars(
        select(StoredMessage)
        .where(StoredMessage.needs_triage.is_(True), StoredMessage.status == "processed")
        .order_by(StoredMessage.id)
    )
    return [
        {
            "id": r.id,
            "received_at": r.received_at,
            "from_domain": r.from_addr.partition("@")[2],
            "subject": r.subject,
            "reason": r.triage_reason or "",
        }
        for r in rows
    ]


def _quarantine(session: Session) -> list[dict[str, object]]:
    rows = session.scalars(
        select(StoredMessage)
        .where(StoredMessage.status == "quarantined", StoredMessage.needs_triage.is_(True))
        .order_by(StoredMessage.id)
    )
    return [
        {
            "id": r.id,
            "received_at": r.received_at,
            "reason": r.last_error or "",
            "attempts": r.attempts,
        }
        for r in rows
    ]


def _left_in_inbox(state: MailboxState | None, app: App) -> str | None:
    if state is None or not state.left_count or state.left_before is None:
        return None
    oldest = state.left_oldest
    day = oldest.astimezone(app.config.partnership.time_zone).date() if oldest else None
    return left_in_inbox(state.left_count, state.left_before, day)


def _health(session: Session, app: App) -> dict[str, object]:
    state = session.get(MailboxState, app.mailbox_name)
    pending = session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "pending")
    )
    failed = session.scalars(
        select(OutboxMessage)
        .where(
            (OutboxMessage.status == "failed")
            | ((OutboxMessage.status == "pending") & (OutboxMessage.attempts > 0))
        )
        .order_by(OutboxMessage.id)
    )
    return {
        **_daemon_health(session, app),
        "last_mailbox_check": state.last_success_at if state else None,
        "mailbox_error": state.last_error if state else None,
        "left_in_inbox": _left_in_inbox(state, app),
        "outbox_pending": pending or 0,
        "outbox_failed": [
            {
                "id": r.id,
                "subject": r.subject,
                "attempts": r.attempts,
                "last_error": r.last_error or "",
                "status": r.status,
            }
            for r in failed
        ],
    }


FLAG_EVENTS = (
    "scrutineer_disagrees",
    "commands_not_carried_out",
    "command_refused",  # e.g. a partner's vote on a closed case: the sender alone was told
    "screening_not_booked",
    "form_problem",
    "awareness_flag",
    "looked_after_death",
    "looked_after_death_check",
    "report_not_sent",
    NOT_DELIVERED_EVENT,  # an invitation or request on the case never reached someone
    "meeting_declined",  # a statutory partner cannot come: the panel is not quorate
    "meeting_new_time_proposed",
    "screening_after_deadline",
    "screening_calendar_failed",  # invited by email instead: the reason needs a person
    "screening_cancel_failed",  # the calendar event must be cancelled by hand
)
FORM_EVENTS = ("form_read", "form_fields_updated")


def _drafts(session: Session) -> list[dict[str, object]]:
    rows = session.scalars(
        select(OutboxMessage).where(OutboxMessage.status == "draft").order_by(OutboxMessage.id)
    )
    return [
        {"id": r.id, "event": r.event, "subject": r.subject, "recipients": r.recipients}
        for r in rows
    ]


def _returns(session: Session, today: date) -> list[dict[str, object]]:
    rows = session.execute(
        select(Case.ref, AgencyRequest)
        .join(Case, Case.id == AgencyRequest.case_id)
        .where(Case.status == "open")
        .order_by(AgencyRequest.return_by)
    ).all()
    return [
        {
            "ref": ref,
            "agency": r.agency_key,
            "due": r.return_by,
            "state": "received"
            if r.received_at
            else ("overdue" if r.return_by < today else "requested"),
        }
        for ref, r in rows
    ]


def _actions(session: Session, today: date) -> list[dict[str, object]]:
    rows = session.execute(
        select(Case.ref, ActionItem)
        .join(Case, Case.id == ActionItem.case_id)
        .where(Case.status == "open")
        .order_by(Case.ref, ActionItem.number)
    ).all()
    return [
        {
            "ref": ref,
            "number": a.number,
            "text": a.text,
            "owner": a.owner_key,
            "due": a.due,
            "state": "done" if a.done_at else ("overdue" if a.due < today else "open"),
        }
        for ref, a in rows
    ]


def _complaints(session: Session, today: date) -> list[dict[str, object]]:
    rows = session.scalars(
        select(Case).where(Case.kind == "complaint", Case.status == "open").order_by(Case.id)
    )
    out: list[dict[str, object]] = []
    for c in rows:
        due = next((d for d in c.deadlines if d.name == "complaint_response"), None)
        state = (
            "answered" if due and due.met_at else ("overdue" if due and due.due < today else "open")
        )
        out.append(
            {
                "ref": c.ref,
                "received_on": c.sin_received_on,
                "reply_by": due.due if due else None,
                "state": state,
            }
        )
    return out


def _flags(session: Session, app: App, today: date) -> list[dict[str, object]]:
    since_day = app.calendar.add_working_days(today, -5)
    since = datetime.combine(since_day, datetime.min.time(), app.config.partnership.time_zone)
    rows = session.execute(
        select(Case.ref, CaseEvent)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(CaseEvent.what.in_(FLAG_EVENTS), CaseEvent.at >= since)
        .order_by(CaseEvent.id)
    ).all()
    flags: list[dict[str, object]] = [
        {"ref": ref, "what": e.what.replace("_", " "), "detail": _with_reason(e)} for ref, e in rows
    ]
    return flags + _form_gaps(session) + _case_warnings(session)


def _with_reason(event: CaseEvent) -> str:
    """A flag says why when the chronology knows: what a person needs to act on it."""
    if not event.why or event.why in event.detail:
        return event.detail
    return f"{event.detail}: {event.why}"


def _case_warnings(session: Session) -> list[dict[str, object]]:
    """Contradictions in each case's facts, every day until they are put right."""
    # A closed case stays in view while the Rapid Review owed to the National Panel is missing.
    owed = Case.notification_sent_on.is_not(None) & Case.rr_report_on.is_(None)
    cases = session.scalars(
        select(Case).where(Case.kind == "review", (Case.status == "open") | owed).order_by(Case.id)
    )
    return [
        {"ref": case.ref, "what": w.what, "detail": w.sentence}
        for case in cases
        for w in warnings_for(session, case)
    ]


def _form_gaps(session: Session) -> list[dict[str, object]]:
    """Each open case whose latest form still lacks required facts, until a corrected one."""
    rows = session.execute(
        select(Case.ref, CaseEvent)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(CaseEvent.what.in_(FORM_EVENTS), Case.status == "open")
        .order_by(CaseEvent.id)
    ).all()
    latest = {ref: e for ref, e in rows}
    return [
        {"ref": ref, "what": "form gaps", "detail": e.why}
        for ref, e in latest.items()
        if e.why != "all required fields read"
    ]
