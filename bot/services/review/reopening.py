"""`Reopen: <reason>`: a closed case taken up again by the Business Manager (the National Panel
expects a Rapid Review after all, or the case was closed by mistake).

The case goes back to the stage it was closed at (bot.core.reopening); the lifecycle table
moves it there. Nothing else is changed: every clock keeps its start and due day, so those
left unmet when it closed are chased again by the reminder tick from their own due days (an
overdue one as any overdue clock is), and the reply names each; a statutory notification still
owed, chased all the while the case was closed, is named apart as still chased. The reason
stays in the case record only: no outside body is told of a reopening.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.adapters.db.models import Case
from bot.app import App
from bot.core import commands as c
from bot.core.case_status import deadline_title
from bot.core.lifecycle_stages import describe_stage
from bot.core.reopening import (
    CancelledMeeting,
    ChasedClock,
    ClosedRecord,
    Return,
    WaitingItem,
    clocks_said,
    items_said,
    meeting_cancelled_said,
    stage_to_return_to,
)
from bot.core.standing_flags import FLAG_KEPT_WORKING_DAYS, standing_flags
from bot.services.case_view import agency_names
from bot.services.digest_names import field_labels, plain
from bot.services.digest_types import Flag
from bot.services.held_emails import held_flags
from bot.services.meeting_replies import when
from bot.services.raised_flags import raised_flags
from bot.services.review.common import Actor, note, today
from bot.services.review.meetings import screening_meeting


def stage_to_reopen_at(case: Case) -> Return:
    return stage_to_return_to(
        ClosedRecord(
            case.kind,
            case.closed_from,
            case.decision,
            case.rr_report_on,
            case.cspr,
            case.published_on,
        )
    )


def reopen_case(
    session: Session, app: App, case: Case, cmd: c.Reopen, actor: Actor, now: datetime
) -> str:
    back = stage_to_reopen_at(case)
    cancelled = _meeting_cancelled_at_closing(session, app, case)
    case.status, case.closed_reason = "open", None
    stage = f"stage {describe_stage(back.stage)}"
    how = "the stage its record implies" if back.implied else "the stage it was closed at"
    note(
        session,
        case,
        now,
        "case_reopened",
        f"{cmd.reason}; back to {stage}, {how}",
        actor,
        cmd.line,
    )
    names = agency_names(app.config)
    clocks = [
        ChasedClock(d.name, deadline_title(d.name, names), d.due)
        for d in case.deadlines
        if d.met_at is None
    ]
    waiting = still_waiting(session, app, case, today(app, now))
    return (
        f"case reopened at {stage} ({how}); {clocks_said(clocks, today(app, now))}{cancelled}"
        f"{waiting}"
    )


def still_waiting(session: Session, app: App, case: Case, day: date) -> str:
    """The items the digest lists again now the case is open, as it will list them."""
    since_day = app.calendar.add_working_days(day, -FLAG_KEPT_WORKING_DAYS)
    tz = app.config.partnership.time_zone
    since = datetime.combine(since_day, datetime.min.time(), tz)
    raised = raised_flags(session, since, tz, app.calendar, case.id)
    kept, older = standing_flags(raised, day, app.calendar)
    labels = field_labels(app)
    items = [
        WaitingItem(
            f.what,
            plain(f.detail, labels),
            any(r.after_closing for r in raised if (r.what, r.detail) == (f.what, f.detail)),
        )
        for f in kept
    ]
    items += [
        WaitingItem(f["what"], plain(f["detail"], labels), False) for f in _of_state(session, case)
    ]
    return items_said(items, older, case.ref)


def _of_state(session: Session, case: Case) -> list[Flag]:
    """Items the digest reads from an open case's state, not from events raised (a form still
    lacking facts, a return it could not read, an email held): back now it is open, and
    counted in the reply as the digest lists them."""
    # Imported here: bot.services.digest_cases reads bot.services.forms, which reads this
    # package, so a module-level import would be a cycle.
    from bot.services.digest_cases import form_gaps, unreadable_returns

    found = [*form_gaps(session), *unreadable_returns(session), *held_flags(session)]
    return [f for f in found if f["ref"] == case.ref]


def _meeting_cancelled_at_closing(session: Session, app: App, case: Case) -> str:
    """The Screening Panel cancelled by `Close:`, or by `Cancel meeting` on the closed case,
    is not booked again: said, with when and how it was cancelled, and how to book it."""
    closings = [e.at for e in case.events if e.what == "case_closed"]
    meeting = screening_meeting(session, case)
    if not closings or meeting is None or meeting.cancelled_at is None:
        return ""
    closed, cancelled = max(closings), meeting.cancelled_at
    if cancelled < closed:
        return ""
    failed = any(
        e.what == "screening_cancel_failed" and closed <= e.at <= cancelled for e in case.events
    )
    later = when(app, cancelled) if cancelled > closed else None
    return meeting_cancelled_said(
        CancelledMeeting(when(app, meeting.start), when(app, closed), later, failed)
    )
