"""The Screening Panel as a real meeting on the shared mailbox's calendar ([mailbox.graph] or
[mailbox.ews] calendar = true), through the MeetingCalendar interface: this module never
knows whether Microsoft Graph or on-premises Exchange holds the calendar.

Decided here (documented in the README): the event *replaces* the emailed iCalendar
invitation, so no partner gets two entries for one meeting. Exchange sends the invitation,
the update on `Reschedule:` and the cancellation (with the reason as its comment); the event's
body carries what the emailed invitation said (the case reference, the papers, how to vote).
Answers are read back from the event on every deadline tick and recorded exactly as mailed
replies are, so quorum and decline flags work the same.

A crash between creating the event and the database commit is safe: the event is created with
a key made from the case and the meeting's version (Graph's `transactionId`; on EWS the
meeting's iCalendar UID, looked for before creating), so the retry gets the same event back
instead of a second one.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, Meeting, MeetingResponse
from bot.adapters.meeting_calendar import MeetingCalendar
from bot.app import App
from bot.config import Config
from bot.config.model import STATUTORY_ROLES
from bot.core.lifecycle import ROLE_NAMES
from bot.core.panel_slots import Choice, Slot, choose_by_availability
from bot.services.meeting_replies import record_answer

log = logging.getLogger(__name__)

_TRANSACTION_NS = uuid.UUID("5d0c7a4e-6a53-4c55-9b4e-2a6f3c1e9d10")


def booking_key(app: App, case: Case, meeting: Meeting) -> str:
    """The same for every retry of one booking; a new one for a booking after a cancellation."""
    mailbox = app.config.partnership.mailbox.lower()
    return str(
        uuid.uuid5(_TRANSACTION_NS, f"{mailbox}|{case.ref}|{meeting.uid}|{meeting.sequence}")
    )


def attendees(config: Config) -> list[tuple[str, str, str]]:
    """(words, name, address): the three statutory partner representatives, then the BM."""
    found = []
    for role in STATUTORY_ROLES:
        dsp = config.statutory_agency(role).dsp
        if dsp is not None:
            found.append((ROLE_NAMES[role], dsp.name, dsp.email.lower()))
    bm = config.people.business_manager
    found.append((ROLE_NAMES["business_manager"], bm.name, bm.email.lower()))
    return found


def choose(calendar: MeetingCalendar, app: App, candidates: list[Slot]) -> Choice | None:
    """The candidate that suits the most representatives, from their free/busy."""
    if not candidates:
        return None
    people = attendees(app.config)
    words = {addr: w for w, _, addr in people}
    found = calendar.busy([a for _, _, a in people], candidates[0].start, candidates[-1].end)
    busy: dict[str, list[tuple[datetime, datetime]]] = {w: [] for w, _, _ in people}
    for b in found:
        if b.address in words:
            busy[words[b.address]].append((b.start, b.end))
    members = [w for w, _, _ in people[:-1]]
    return choose_by_availability(candidates, busy, members, app.config.partnership.time_zone)


def create_event(calendar: MeetingCalendar, app: App, case: Case, meeting: Meeting) -> None:
    """The event for the meeting as it stands; its id kept on the meeting row."""
    event_id, start = calendar.create(
        subject=f"[{case.ref}] Screening Panel",  # the reference only: never a child's name
        start=meeting.start,
        end=meeting.end,
        location=meeting.location,
        body=(
            f"Screening Panel for case {case.ref}. Papers follow from the Business Manager.\n\n"
            "Statutory partners: reply to the case email with one line: Vote: rapid review, "
            "Vote: local learning review, or Vote: no further action."
        ),
        attendees=[(name, addr) for _, name, addr in attendees(app.config)],
        key=booking_key(app, case, meeting),
    )
    meeting.calendar_event_id = event_id
    if start is not None and start != meeting.start:
        # A retry after a crash got the event made the first time, and free/busy has changed
        # since: the event follows the meeting the database records.
        calendar.move(event_id, meeting.start, meeting.end)


def read_answers(app: App) -> int:
    """Every upcoming event's attendee answers, recorded when they changed; one GET per meeting.
    Returns how many answers were recorded."""
    calendar = app.open_calendar()
    if calendar is None:
        return 0
    now = app.clock.now()
    recorded = 0
    try:
        with app.sessions() as session:
            meetings = session.scalars(
                select(Meeting).where(
                    Meeting.calendar_event_id.is_not(None),
                    Meeting.cancelled_at.is_(None),
                    Meeting.start > now,
                )
            ).all()
            for meeting in meetings:
                for answer in calendar.answers(meeting.calendar_event_id or ""):
                    partstat = answer.answer
                    if partstat is None or _last(session, meeting, answer.address) == partstat:
                        continue
                    why = "answer read from the calendar event"
                    record_answer(
                        session, app, meeting, answer.address, partstat, meeting.sequence,
                        now, now, why,
                    )  # fmt: skip
                    recorded += 1
            session.commit()
    finally:
        calendar.close()
    return recorded


def _last(session: Session, meeting: Meeting, attendee: str) -> str | None:
    return session.scalar(
        select(MeetingResponse.partstat)
        .where(
            MeetingResponse.meeting_id == meeting.id,
            MeetingResponse.attendee == attendee,
            MeetingResponse.sequence == meeting.sequence,
        )
        .order_by(MeetingResponse.id.desc())
        .limit(1)
    )
