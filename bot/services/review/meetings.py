"""Reschedule: and Cancel meeting: the Business Manager moving or calling off the Screening
Panel, and the automatic cancellation when a case no longer needs it.

Decided here (and documented in the README): when the panel's decision is recorded while the
meeting is still to come, or the case is closed, the meeting is cancelled with METHOD:CANCEL
and the command's outcome says so. Votes by email are the panel deciding; a meeting kept in
calendars after that would be a meeting nobody needs. If the decision is withdrawn or the
Scrutineer asks for a meeting, `Reschedule: <date> <time>` books it again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, Meeting
from bot.adapters.meeting_calendar import CalendarError
from bot.app import App
from bot.core import commands as c
from bot.core.meeting_changes import MeetingNow, deadline_note, reschedule_refusal, should_cancel
from bot.core.stated_dates import INVITATION
from bot.services import panel_calendar
from bot.services.approvals import withdraw_drafts
from bot.services.cases import add_event
from bot.services.mailout import queue_email
from bot.services.meeting_replies import when
from bot.services.review.common import (
    Actor,
    CommandRefused,
    case_ctx,
    deadline_row,
    note,
    refuse_personal,
)
from bot.services.screening_booking import invitees, new_meeting, send_invitation

# The police and health representatives are outside the council: they know the case by its
# reference and initials.
_TO_PANEL = "it goes to every partner invited, in the email and the calendar entry"


def screening_meeting(session: Session, case: Case) -> Meeting | None:
    return session.scalar(
        select(Meeting)
        .where(Meeting.case_id == case.id, Meeting.purpose == "screening")
        .order_by(Meeting.id.desc())
        .limit(1)
    )


def reschedule(
    session: Session, app: App, case: Case, cmd: c.Reschedule, actor: Actor, now: datetime
) -> str:
    tz = app.config.partnership.time_zone
    start = datetime.combine(cmd.on, cmd.at, tz)
    meeting = screening_meeting(session, case)
    current = MeetingNow(meeting.start if meeting else None, bool(meeting and meeting.cancelled_at))
    hours = (app.config.reminders.start, app.config.reminders.end)
    refusal = reschedule_refusal(start, now.astimezone(tz), app.calendar, current, hours)
    if refusal is not None:
        raise CommandRefused(refusal)
    due = deadline_row(case, "screening_meeting")
    owed = due if due is not None and due.met_at is None else None
    late = deadline_note(cmd.on, owed.due if owed else None, owed.start if owed else None)
    previous = meeting.start if meeting is not None and meeting.cancelled_at is None else None
    meeting = _moved(session, app, case, meeting, start)
    meeting.within_deadline = not late
    session.flush()
    # At the terminal it is only in the outbox; an emailed command's reply goes with it.
    told = (
        "the new invitation to the panel is queued and goes with the next send"
        if actor.via == "terminal"
        else "the new invitation goes to the panel with this reply"
    )
    if not _on_calendar(app, case, meeting, previous is not None):
        send_invitation(session, app, case, meeting, now, previous=previous)
    else:
        told = "the calendar event is updated and Exchange tells the panel"
    moved = f"Screening Panel moved {f'from {when(app, previous)} ' if previous else ''}"
    moved += f"to {when(app, start)}"
    # A meeting after the deadline is flagged in the digest, as a late booking is.
    what = "screening_after_deadline" if late else "screening_rescheduled"
    detail = f"{moved} (version {meeting.sequence})" + (f"; {late}" if late else "")
    note(session, case, now, what, detail, actor, cmd.line)
    return f"{moved}; {told}" + (f". Note: {late}" if late else "")


def _on_calendar(app: App, case: Case, meeting: Meeting, live: bool) -> bool:
    """Move the meeting's calendar event (or book a new one when it was cancelled or never on the
    calendar); False when the panel is invited by email instead. A calendar failure refuses the
    command, so the Business Manager knows the calendars did not change."""
    calendar = app.open_calendar()
    if calendar is None:
        return False
    try:
        if live and meeting.calendar_event_id:
            calendar.move(meeting.calendar_event_id, meeting.start, meeting.end)
        else:
            panel_calendar.create_event(calendar, app, case, meeting)
    except CalendarError as exc:
        raise CommandRefused(f"the calendar could not be changed: {exc}") from None
    finally:
        calendar.close()
    return True


def _moved(
    session: Session, app: App, case: Case, meeting: Meeting | None, start: datetime
) -> Meeting:
    """The same meeting (same UID, SEQUENCE + 1) at `start`, or a first one when none exists."""
    if meeting is None:
        length = timedelta(minutes=app.config.screening.duration_minutes)
        return new_meeting(session, app, case, start, start + length)
    length = meeting.end - meeting.start
    meeting.sequence += 1
    meeting.start, meeting.end, meeting.cancelled_at = start, start + length, None
    return meeting


def cancel_meeting(
    session: Session, app: App, case: Case, cmd: c.CancelMeeting, actor: Actor, now: datetime
) -> str:
    meeting = screening_meeting(session, case)
    if meeting is None or meeting.cancelled_at is not None:
        raise CommandRefused("there is no Screening Panel meeting booked on this case to cancel")
    if meeting.start <= now:
        raise CommandRefused(
            f"the Screening Panel of {when(app, meeting.start)} has already taken place"
        )
    reason = cmd.reason or "cancelled by the Business Manager"
    refuse_personal(session, case, reason, "reason", _TO_PANEL)
    try:
        _cancel(session, app, case, meeting, reason, now)
    except CalendarError as exc:
        raise CommandRefused(f"the calendar event could not be cancelled: {exc}") from None
    note(
        session,
        case,
        now,
        "screening_cancelled",
        f"Screening Panel of {when(app, meeting.start)} cancelled: {reason}",
        actor,
        cmd.line,
    )
    return f"Screening Panel of {when(app, meeting.start)} cancelled; the panel has been told"


def cancel_if_still_to_come(
    session: Session, app: App, case: Case, reason: str, now: datetime
) -> str:
    """Cancel the screening meeting when it is still in the future; the sentence saying so, or
    "" when there was nothing to cancel. An invitation held because its meeting went by
    before it could go is withdrawn: nobody will need another time."""
    withdraw_drafts(session, case, INVITATION, now, f"the panel need not meet: {reason}")
    meeting = screening_meeting(session, case)
    if meeting is None or not should_cancel(meeting.start, now, meeting.cancelled_at is not None):
        return ""
    try:
        _cancel(session, app, case, meeting, reason, now)
    except CalendarError as exc:
        # The decision stands; the event stays in calendars until the BM cancels it by hand.
        detail = f"The Screening Panel event of {when(app, meeting.start)} could not be cancelled"
        add_event(session, case, now, "screening_cancel_failed", detail + "; cancel it in the "
                  "mailbox's calendar", why=str(exc))  # fmt: skip
        return f"the Screening Panel of {when(app, meeting.start)} could not be cancelled"
    detail = f"Screening Panel of {when(app, meeting.start)} cancelled: {reason}"
    add_event(session, case, now, "screening_cancelled", detail, why="no longer needed")
    return f"the Screening Panel of {when(app, meeting.start)} is cancelled and the panel told"


def _cancel(
    session: Session, app: App, case: Case, meeting: Meeting, reason: str, now: datetime
) -> None:
    calendar = app.open_calendar() if meeting.calendar_event_id else None
    if calendar is not None and meeting.calendar_event_id:
        # Exchange sends the cancellation, with the reason, to everyone the event invited.
        try:
            calendar.cancel(meeting.calendar_event_id, f"The Screening Panel for case {case.ref} "
                            f"is cancelled: {reason}.")  # fmt: skip
        finally:
            calendar.close()
        meeting.sequence += 1
        meeting.cancelled_at = now
        return
    meeting.sequence += 1
    meeting.cancelled_at = now
    attendees = invitees(app)
    from bot.adapters.ical import build_invitation  # icalendar, only when a panel is cancelled

    ics = build_invitation(
        uid=meeting.uid,
        sequence=meeting.sequence,
        start=meeting.start,
        end=meeting.end,
        summary=f"[{case.ref}] Screening Panel (cancelled)",
        description=f"The Screening Panel for case {case.ref} is cancelled: {reason}.",
        location=meeting.location,
        organizer=(app.config.partnership.name, app.config.partnership.mailbox),
        attendees=attendees,
        stamp=now,
        tz=app.config.partnership.time_zone,
        method="CANCEL",
    )
    tz = app.config.partnership.time_zone
    queue_email(
        session,
        app,
        key=f"screening-cancel:{case.ref}:{meeting.sequence}",
        event="screening_cancelled",
        to=[email for _, email in attendees],
        context={
            "case": case_ctx(case),
            "meeting": {"start": meeting.start.astimezone(tz), "end": meeting.end.astimezone(tz)},
            "reason": reason,
        },
        now=now,
        case=case,
        ics=ics,
    )
