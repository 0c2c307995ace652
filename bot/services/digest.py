"""The Business Manager's daily digest: gathered here, decided in bot.core.digest."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.digest_barrier import writing_digest
from bot.adapters.db.models import Case, Deadline, MailboxState, OutboxMessage
from bot.app import App
from bot.clock import SystemClock
from bot.core import deadlines
from bot.core.arrival import left_in_inbox
from bot.core.case_status import deadline_title
from bot.core.closed_ahead import ClosedSpell, act_today_count, due_while_closed
from bot.core.digest import (
    DeadlineView,
    beyond_calendar_note,
    closed_owed,
    overdue,
    upcoming,
    within_calendar,
)
from bot.core.health import problems
from bot.core.reading import reading_problem
from bot.core.standing_flags import (
    FLAG_KEPT_WORKING_DAYS,
    older_words,
    raised_words,
    standing_flags,
)
from bot.services import digest_cases as cases
from bot.services import digest_messages as messages
from bot.services import digest_names as names
from bot.services import health
from bot.services.away import answers_since_request
from bot.services.case_warnings import agency_names
from bot.services.delivery import recent_failures
from bot.services.digest_since import last_digest_at, new_cases, new_on_cases
from bot.services.digest_types import (
    DaemonHealth,
    DigestContext,
    DigestSections,
    Draft,
    Flag,
    Health,
    Settled,
    UpcomingDeadline,
)
from bot.services.held_emails import held_flags
from bot.services.junk_folder import junk_flags
from bot.services.mailout import queue_email
from bot.services.meeting_replies import coming_panels
from bot.services.raised_flags import raised_flags
from bot.services.review.delay_notice import delays_told
from bot.services.send_by import send_by_flags


def queue_digest(session: Session, app: App, key: str, now: datetime) -> bool:
    """Gather and queue today's digest under `key`, asked by daily_digest (due, not queued)."""
    writing_digest(session)  # mail being read now is in this digest, or in the next
    local = now.astimezone(app.config.partnership.time_zone)
    context = digest_context(session, app, local.date(), now)
    row = queue_email(
        session,
        app,
        key=key,
        event="daily_digest",
        to=[app.config.people.business_manager.email],
        cc=app.config.digest.cc,
        context=context,
        now=now,
        unqueued=True,  # asked just before
    )
    session.commit()
    return row is not None


def _upcoming_row(
    d: DeadlineView,
    told: Mapping[str, tuple[date, date]],
    agencies: dict[str, str],
    today: date,
    closed: ClosedSpell | None = None,  # due while nobody is at work: act today (closed_ahead)
) -> UpcomingDeadline:
    # A late Rapid Review whose delay the National Panel was told of reads differently.
    delay = told.get(d.case_ref) if d.name == "rapid_review" else None
    return {
        "ref": d.case_ref,
        "name": d.name,
        # Several agencies' Appendix B rows on one case read alike unless the title names each.
        "title": deadline_title(d.name, agencies),
        "due": d.due,
        "explain": d.explanation,
        "delay_told": delay,
        "delay_passed": delay is not None and delay[1] < today,
        "while_closed": closed.words() if closed else None,
        "closed_by": closed.closed_by if closed else None,
    }


def _deadline_views(session: Session, horizon: date) -> list[DeadlineView]:
    """The unmet deadlines due by the horizon of open cases, and the statutory notifications of
    closed ones (closed before `Close:` waited for them): all upcoming() and overdue() list."""
    owed = Deadline.name.in_(deadlines.STATUTORY_NOTICES)
    rows = session.execute(
        select(Case.ref, Case.status, Deadline.name, Deadline.due, Deadline.explanation)
        .join(Case)
        .where((Case.status == "open") | owed, Deadline.met_at.is_(None), Deadline.due <= horizon)
    ).all()
    return [
        DeadlineView(ref, name, due, False, why if status == "open" else closed_owed(name, why))
        for ref, status, name, due, why in rows
    ]


def digest_context(session: Session, app: App, today: date, now: datetime) -> DigestContext:
    horizon = app.calendar.add_working_days(today, app.config.digest.upcoming_working_days)
    # A deadline in a year the calendar does not cover is flagged, never counted: counting it
    # raised, and took the whole digest with it.
    views, beyond = within_calendar(_deadline_views(session, horizon), app.calendar)
    since = last_digest_at(session, now)
    returns, received = cases.returns(
        session, today, (since, now), answers_since_request(session, app)
    )
    actions, later, done = cases.actions(session, today, horizon)
    complaints, answered = cases.complaints(session, today)
    # Hundreds of overdue deadlines share a few dozen due dates: count each date's days once,
    # on the calendar of the clock (a national one counts the council's closure days).
    counted = {False: app.calendar, True: app.calendar.national()}
    told = delays_told(session, app)
    agencies = agency_names(app.config)
    lateness = cache(
        lambda due, national: deadlines.working_days_late(due, today, counted[national])
    )
    soon = [
        (d, due_while_closed(d.due, today, app.calendar))
        for d in upcoming(views, today, app.calendar, app.config.digest.upcoming_working_days)
    ]
    context: DigestSections = {
        "today": today,
        "working_days": app.config.digest.upcoming_working_days,
        "new_on_cases": new_on_cases(session, app, since, now),
        "new_cases": new_cases(session, since, now),
        "upcoming": [_upcoming_row(d, told, agencies, today, spell) for d, spell in soon],
        "act_today": act_today_count(s.closed_by for _, s in soon if s),
        "overdue": [
            {
                **_upcoming_row(d, told, agencies, today),
                "days_overdue": lateness(d.due, deadlines.is_national(d.name)),
            }
            for d in overdue(views, today)
        ],
        "panels": coming_panels(session, app, now),
        "triage": messages.triage(session, app),
        "triage_total": messages.triage_total(session),
        "awaiting_approval": _drafts(session),
        "returns": names.returns_named(app, returns),
        "actions": names.actions_named(app, actions),
        "complaints": complaints,
        "escalations": cases.escalations(session, today),
        "flags": _flags(session, app, today, since) + _beyond(app, beyond, agencies),
        "quarantine": messages.quarantine(session),
        "quarantine_total": messages.quarantine_total(session),
        "not_delivered": recent_failures(session, app, today),
        "health": _health(session, app, since, now),
    }
    settled: Settled = {
        "returns_received": received,
        "actions_done": done,
        "actions_later": later,
        "horizon": horizon,
        "complaints_answered": answered,
    }
    return {**context, "records": cases.records(session, _listed(context), settled)}


def _listed(context: DigestSections) -> set[str]:
    """The case references the digest names anywhere: the rest of the open cases are quiet."""
    found: set[str] = set()
    for value in context.values():
        rows = value if isinstance(value, list) else []
        found.update(str(r["ref"]) for r in rows if isinstance(r, dict) and r.get("ref"))
    return found


def _daemon_health(session: Session, app: App) -> DaemonHealth:
    """Jobs failing or stalled, and when no bot was running, on the wall clock they use."""
    now = SystemClock().now()
    found = problems(health.snapshot(app, health.stored_jobs(session, app), now, session))
    gaps = health.not_running(session, app, now, within=timedelta(days=7))
    return {
        "problems": [{"sentence": p.sentence, "since": p.since} for p in found],
        "not_running": [{"start": start, "end": end} for start, end in gaps],
    }


def _left_in_inbox(state: MailboxState | None, app: App) -> str | None:
    if state is None or not state.left_count or state.left_before is None:
        return None
    oldest = state.left_oldest
    day = oldest.astimezone(app.config.partnership.time_zone).date() if oldest else None
    return left_in_inbox(state.left_count, state.left_before, day)


def _health(session: Session, app: App, since: datetime, now: datetime) -> Health:
    state = session.get(MailboxState, app.mailbox_name)
    waiting, going = health.outbox_waiting(session, now)
    failed = session.execute(
        select(
            OutboxMessage.id,
            OutboxMessage.subject,
            OutboxMessage.attempts,
            OutboxMessage.last_error,
            OutboxMessage.status,
        )
        .where(
            (OutboxMessage.status == "failed")
            | ((OutboxMessage.status == "pending") & (OutboxMessage.attempts > 0))
        )
        .order_by(OutboxMessage.id)
    )
    daemon = _daemon_health(session, app)
    if state is not None and state.reading_broken:
        since_when = state.reading_broken_since or now
        sentence = reading_problem(state.reading_broken)
        daemon["problems"].append({"sentence": sentence, "since": since_when})
    return {
        **daemon,
        "ended": health.troubles_ended(session, since, now),
        "last_mailbox_check": state.last_success_at if state else None,
        "mailbox_error": state.last_error if state else None,
        "left_in_inbox": _left_in_inbox(state, app),
        "outbox_pending": waiting,
        "outbox_going_now": going,
        "outbox_failed": [
            {
                "id": id_,
                "subject": subject,
                "attempts": attempts,
                "last_error": error or "",
                "status": status,
            }
            for id_, subject, attempts, error, status in failed
        ],
    }


def _drafts(session: Session) -> list[Draft]:
    rows = session.execute(
        select(
            OutboxMessage.id, OutboxMessage.event, OutboxMessage.subject, OutboxMessage.recipients
        )
        .where(OutboxMessage.status == "draft")
        .order_by(OutboxMessage.id)
    )
    return [
        {"id": id_, "what": names.email_name(event), "subject": subject, "recipients": to}
        for id_, event, subject, to in rows
    ]


def _flags(session: Session, app: App, today: date, last_digest: datetime) -> list[Flag]:
    since_day = app.calendar.add_working_days(today, -FLAG_KEPT_WORKING_DAYS)
    tz, cal = app.config.partnership.time_zone, app.calendar
    since = datetime.combine(since_day, datetime.min.time(), tz)
    standing, older = standing_flags(raised_flags(session, since, tz, cal), today, cal)
    flags: list[Flag] = [
        {
            "ref": f.ref,
            "what": f.what.replace("_", " "),
            "detail": f"{f.detail} ({raised_words(f, today, app.calendar)})",
        }
        for f in standing
    ]
    if older:
        flags.append({"ref": "", "what": "older items", "detail": older_words(older)})
    labels = names.field_labels(app)
    warnings = cases.case_warnings(session, agency_names(app.config))
    found = (
        held_flags(session)
        + junk_flags(session, app, last_digest)
        + flags
        + cases.form_gaps(session)
        + cases.unreadable_returns(session)
        + warnings
        + send_by_flags(session, app, today)
    )
    return [{**f, "detail": names.plain(str(f["detail"]), labels)} for f in found]


def _beyond(app: App, views: list[DeadlineView], agencies: dict[str, str]) -> list[Flag]:
    return [
        {
            "ref": d.case_ref,
            "what": "deadline outside the working calendar",
            "detail": beyond_calendar_note(deadline_title(d.name, agencies), d.due, app.calendar),
        }
        for d in sorted(views, key=lambda d: (d.due, d.case_ref, d.name))
    ]
