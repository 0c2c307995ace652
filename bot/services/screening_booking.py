"""Booking the Screening Panel for a new case: on the mailbox's calendar when one is
configured (free/busy picks the slot), otherwise the earliest configured slot by email
invitation; a booking after the 2-working-day deadline is flagged at once."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, Meeting, OutboxMessage
from bot.adapters.meeting_calendar import CalendarError, MeetingCalendar
from bot.app import App
from bot.config.model import STATUTORY_ROLES
from bot.core import dates, deadlines
from bot.core.panel_slots import (
    Slot,
    SlotPolicy,
    candidate_slots,
    choose_screening_slot,
    search_window,
)
from bot.core.stated_acks import key_dates_on, mark
from bot.core.stated_dates import INVITATION, Stated
from bot.services import panel_calendar
from bot.services.approvals import withdraw_drafts
from bot.services.cases import add_event, key_dates, screening_overdue
from bot.services.held_rows import opened_here
from bot.services.mailout import queue_email

log = logging.getLogger(__name__)


def book_screening(session: Session, app: App, case: Case, now: datetime) -> Meeting | None:
    calendar = app.open_calendar()
    if calendar is not None:
        try:
            return _book_on_calendar(session, app, calendar, case, now)
        except CalendarError as exc:
            # The panel must still be invited: the emailed invitation, and the BM is told why.
            log.warning("calendar booking failed, emailing the invitation: %s", exc)
            add_event(
                session,
                case,
                now,
                "screening_calendar_failed",
                "The Screening Panel could not be booked on the mailbox's calendar; the "
                "invitation was emailed instead",
                why=str(exc),
            )
        finally:
            calendar.close()
    slot = _choose(session, app, case, now)
    if slot is None:
        _not_booked(session, case, now)
        return None
    meeting = _new_meeting(session, app, case, slot)
    send_invitation(session, app, case, meeting, now)
    when = dates.fmt_at(slot.start.astimezone(app.config.partnership.time_zone))
    add_event(
        session,
        case,
        now,
        "screening_booked",
        f"Screening Panel {when}",
        why="earliest configured slot on or before the 2nd working day"
        if slot.within_deadline
        else "no configured slot on or before the 2nd working day: the earliest after it",
    )
    _flag_if_late(session, app, case, meeting, now)
    return meeting


def _flag_if_late(session: Session, app: App, case: Case, meeting: Meeting, now: datetime) -> None:
    """A panel booked after its 2-working-day deadline is put to the Business Manager at once
    (the digest's Needs your attention), not left for the clock to turn overdue. When the
    deadline had passed before the case was opened, no free slot was missed: it says so."""
    if meeting.within_deadline:
        return
    overdue = screening_overdue(case, now.astimezone(app.config.partnership.time_zone).date())
    why = "find an earlier time and move it with Reschedule: <date> <time>"
    if overdue is None:
        detail = (
            "Screening Panel booked after the 2-working-day deadline: no earlier configured "
            "slot was free"
        )
    else:
        detail = (
            "Screening Panel booked after the 2-working-day deadline, which had passed on "
            f"{deadlines.fmt_date(overdue)} before the case was opened: the earliest configured "
            "slot from then on"
        )
        why = "it should meet as soon as it can: move it earlier with Reschedule: <date> <time>"
    add_event(session, case, now, "screening_after_deadline", detail, why=why)


def _book_on_calendar(
    session: Session, app: App, calendar: MeetingCalendar, case: Case, now: datetime
) -> Meeting | None:
    """Free/busy picks the slot among the candidates; the event is the invitation."""
    choice = panel_calendar.choose(
        calendar, app, candidate_slots(**_slot_search(session, app, case, now))
    )
    if choice is None:
        _not_booked(session, case, now)
        return None
    meeting = _new_meeting(session, app, case, choice.slot)
    session.flush()
    try:
        panel_calendar.create_event(calendar, app, case, meeting)
    except CalendarError:
        # Free/busy could be read but the meeting not made (e.g. the calendar is read-only to
        # the bot): the emailed invitation books the panel instead, as a meeting of its own.
        session.delete(meeting)
        session.flush()
        raise
    when = choice.slot.start.astimezone(app.config.partnership.time_zone)
    add_event(
        session,
        case,
        now,
        "screening_booked",
        f"Screening Panel {dates.fmt_at(when)}, booked on the mailbox's calendar",
        why=choice.why,
    )
    _flag_if_late(session, app, case, meeting, now)
    return meeting


def _not_booked(session: Session, case: Case, now: datetime) -> None:
    add_event(
        session,
        case,
        now,
        "screening_not_booked",
        "No configured screening slot fits; the Business Manager must book by hand",
    )


def _new_meeting(session: Session, app: App, case: Case, slot: Slot) -> Meeting:
    return new_meeting(session, app, case, slot.start, slot.end, slot.within_deadline)


def new_meeting(
    session: Session,
    app: App,
    case: Case,
    start: datetime,
    end: datetime,
    within_deadline: bool = True,
) -> Meeting:
    """The case's Screening Panel meeting, booked or set by `Reschedule:`: one calendar UID per
    case, so every later change moves the same entry."""
    meeting = Meeting(
        case=case,
        purpose="screening",
        uid=f"screening-{case.ref}@tscp-bot",
        sequence=0,
        start=start,
        end=end,
        location=app.config.screening.location,
        within_deadline=within_deadline,
    )
    session.add(meeting)
    return meeting


def _slot_search(session: Session, app: App, case: Case, now: datetime) -> dict[str, Any]:
    s = app.config.screening
    policy = SlotPolicy(
        weekdays=s.weekdays,
        times=s.times,
        duration=timedelta(minutes=s.duration_minutes),
        min_notice=timedelta(minutes=s.min_notice_minutes),
    )
    due = next(d.due for d in case.deadlines if d.name == "screening_meeting")
    received_at, tz = max(now, case.opened_at), app.config.partnership.time_zone
    return {
        "received_at": received_at,
        "deadline_day": due,
        "policy": policy,
        "calendar": app.calendar,
        "tz": tz,
        "taken": _taken(session, search_window(received_at, due, policy, tz)),
    }


def _taken(session: Session, window: tuple[datetime, datetime]) -> frozenset[datetime]:
    """The starts of meetings within the search's `window` (panel_slots.search_window), each
    slot taken by another case's panel: only those can take a slot the search would choose,
    and reading every meeting to come grew with the open cases.

    The query's autoflush would write everything pending only for the meetings among it:
    the meetings added since the last flush are taken from the session instead, so a new
    case's rows are written in one flush with its emails. A meeting changed or deleted since
    then (its old start still in the database) is flushed first, as the autoflush did.
    """
    if any(isinstance(o, Meeting) for o in (*session.dirty, *session.deleted)):
        session.flush()
    since, until = window
    found = set(session.connection().execute(_STARTS, {"since": since, "until": until}).scalars())
    pending = (o for o in session.new if isinstance(o, Meeting))
    found.update(m.start for m in pending if since <= m.start < until)
    return frozenset(found)


_MEETINGS = Meeting.__table__
_STARTS = select(_MEETINGS.c.start).where(
    _MEETINGS.c.start >= bindparam("since"), _MEETINGS.c.start < bindparam("until")
)


def _choose(session: Session, app: App, case: Case, now: datetime) -> Slot | None:
    return choose_screening_slot(**_slot_search(session, app, case, now))


def invitees(app: App) -> list[tuple[str, str]]:
    """(name, address) of everyone invited to the Screening Panel: the statutory partners'
    representatives and the Business Manager (case_view.panel_members: the quorum, by role)."""
    members = []
    for role in STATUTORY_ROLES:
        dsp = app.config.statutory_agency(role).dsp
        if dsp is not None:
            members.append((dsp.name, dsp.email))
    bm = app.config.people.business_manager
    return [*members, (bm.name, bm.email)]


def send_invitation(
    session: Session,
    app: App,
    case: Case,
    meeting: Meeting,
    now: datetime,
    previous: datetime | None = None,
) -> None:
    """METHOD:REQUEST to the panel for the meeting's current sequence; `previous` is the start
    it replaces when the Business Manager rescheduled it. An earlier invitation held because
    its meeting had gone by is replaced by this one."""
    tz = app.config.partnership.time_zone
    start, today = meeting.start.astimezone(tz), now.astimezone(tz).date()
    if meeting.sequence > 0:  # only a meeting invited to before has one held
        withdraw_drafts(session, case, INVITATION, now, "the panel was invited afresh")
        if meeting.calendar_event_id is None and not _invited(session, case):
            previous = None  # never "has moved" to a panel never told the first time
    live = key_dates(case)
    kept = {"previous": previous.astimezone(tz).isoformat() if previous else None}
    stated = Stated(today, meeting_at=start, key_dates=key_dates_on(live, today), kept=kept)
    context, ics = invitation(app, case, meeting, stated, now)
    queue_email(
        session,
        app,
        key=f"screening-invite:{case.ref}:{meeting.sequence}",
        event="screening_invitation",
        to=[email for _, email in invitees(app)],
        context=context,
        now=now,
        case=case,
        ics=ics,
        stated=stated,
        unqueued=opened_here(session, case),  # its reference is new: nothing is keyed by it
    )


def _invited(session: Session, case: Case) -> bool:
    """Whether an invitation to the case's panel has gone."""
    sent = select(OutboxMessage.id).where(
        OutboxMessage.case_id == case.id,
        OutboxMessage.event == INVITATION,
        OutboxMessage.status == "sent",
    )
    return session.scalar(sent.limit(1)) is not None


def invitation(
    app: App, case: Case, meeting: Meeting, stated: Stated, now: datetime
) -> tuple[dict[str, object], bytes]:
    """The invitation's words and calendar entry, as of `stated.written_on`."""
    from bot.adapters.ical import build_invitation  # icalendar, only when a panel is invited

    tz = app.config.partnership.time_zone
    bm = app.config.people.business_manager
    ics = build_invitation(
        uid=meeting.uid,
        sequence=meeting.sequence,
        start=meeting.start,
        end=meeting.end,
        summary=f"[{case.ref}] Screening Panel",
        location=meeting.location,
        description=f"Screening Panel for case {case.ref}. Papers follow from the "
        "Business Manager.",
        organizer=(app.config.partnership.name, app.config.partnership.mailbox),
        attendees=invitees(app),
        stamp=now,
        tz=tz,
    )
    previous = stated.kept.get("previous")
    context: dict[str, object] = {
        "case": {"ref": case.ref, "initials": case.initials},
        "meeting": meeting_context(app, meeting),
        "deadlines": deadline_context(case, stated.written_on),
        # The Business Manager is invited too but does not vote: say whom the hint is for.
        "voting_hint": "Statutory partners: reply to this email with one line: "
        "Vote: rapid review, "
        "Vote: local learning review, or Vote: no further action.",
        "organiser": {"name": bm.name, "email": bm.email},
        "previous": datetime.fromisoformat(str(previous)) if previous else None,
    }
    return context, ics


def meeting_context(
    app: App, meeting: Meeting | None, gone: bool = False
) -> dict[str, object] | None:
    """`gone`: the email goes after the meeting's start, and says it was booked, not is."""
    if meeting is None:
        return None
    tz = app.config.partnership.time_zone
    return {
        "start": meeting.start.astimezone(tz),
        "end": meeting.end.astimezone(tz),
        "location": meeting.location,
        # Never "meet within 2 working days ... booked for" a day after them, without a word.
        "late": not meeting.within_deadline,
        "gone": gone,
    }


def deadline_context(case: Case, today: date) -> list[dict[str, object]]:
    """The case's deadlines for an email written `today`: one not met whose day has come is
    marked (`when`: "passed" or "today"), never listed as a date still to come."""
    return [
        {
            "name": d.name,
            "title": deadlines.RULES[d.name.split(":")[0]].summary,
            "due": d.due,
            "explain": d.explanation,
            "when": mark(d.due, d.met_at is not None, today),
        }
        for d in case.deadlines
    ]
