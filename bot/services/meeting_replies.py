"""Accept / Tentative / Decline from the panel's calendars: recorded against the meeting.

Two hooks in message processing call this module: before the plan, the reply's UID finds the
case when the subject lost its tag; after it, each answer is stored and told to the case. A
calendar reply is never acknowledged (Kind.CALENDAR_REPLY has no acknowledgement in the plan)
and, being its own kind, never counts as a person's words on the case.
"""

from __future__ import annotations

from datetime import datetime
from email.utils import parseaddr

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager

from bot.adapters.db.models import Case, Meeting, MeetingResponse, StoredMessage, Vote
from bot.app import App
from bot.core.authn import failed_authentication, not_authenticated
from bot.core.commands.quoting import text_to_show
from bot.core.deadlines import fmt_date
from bot.core.lifecycle import ROLE_NAMES
from bot.core.meeting_replies import (
    Answer,
    CalendarItem,
    PanelAnswers,
    Standing,
    answer_words,
    panel_answers,
    replies,
    standing,
    turns_down,
    typed_note,
)
from bot.core.message import MailMessage
from bot.core.rules import Kind
from bot.core.screening_vote import panel_standing, vote_lines
from bot.services import case_view, meeting_view
from bot.services.attention import note_human_mail
from bot.services.case_view_types import ComingPanel, MeetingView, PanelVotes
from bot.services.cases import add_event
from bot.services.sender_auth import auth_policy


def case_of_calendar_reply(session: Session, kind: str, msg: MailMessage) -> Case | None:
    """Hook before the plan: the case whose meeting the reply's UID names."""
    if kind != Kind.CALENDAR_REPLY:
        return None
    uids = [item.uid for item in replies(msg.calendar_items)]
    meeting = session.scalar(select(Meeting).where(Meeting.uid.in_(uids)).limit(1))
    return meeting.case if meeting is not None else None


def record_calendar_replies(
    session: Session, app: App, row: StoredMessage, msg: MailMessage, now: datetime
) -> None:
    """Hook after the plan: each attendee's answer stored against the meeting its UID names;
    an answer the bot cannot place goes to triage, never silently."""
    if row.kind != Kind.CALENDAR_REPLY:
        return
    problems: list[str] = []
    policy = auth_policy(app)
    forged, doubt = failed_authentication(msg, policy), not_authenticated(msg, policy)
    for item in replies(msg.calendar_items):
        meeting = session.scalar(select(Meeting).where(Meeting.uid == item.uid))
        if meeting is None and _on_calendar(session, row.case):
            # Exchange's own notice of an answer to the panel it holds on the mailbox's
            # calendar (the UID is the calendar's): the answer is read back from the calendar.
            continue
        if meeting is None:
            problems.append(f"calendar answer for a meeting the bot did not send (UID {item.uid})")
            continue
        row.case = row.case or meeting.case
        for attendee, partstat in item.attendees:
            refused = _not_counted(msg, attendee, forged)
            if refused is not None:
                problems.append(refused)
                continue
            _record(session, app, meeting, row, item, (attendee, partstat, doubt), now)
        if item.method == "COUNTER":
            _counter(session, app, meeting, item, msg.from_addr, now)
    if problems:
        earlier = [row.triage_reason] if row.triage_reason else []
        row.needs_triage, row.triage_reason = True, "; ".join(earlier + problems)
    if row.case is None:
        return
    body = text_to_show(msg.written(), None, app.config.ingest.gateway_banners)
    note = typed_note(msg.calendar_items, body, sent_by_service=_sent_by_service(msg))
    if note:
        down = turns_down(msg.calendar_items)
        note_human_mail(session, app, row, msg, None, now, noted=note, turned_down=down)


def _sent_by_service(msg: MailMessage) -> bool:
    """Sent for the answerer by another address (Sender: Google Calendar's notifications)."""
    sender = parseaddr(msg.header("sender"))[1].strip().lower()
    return bool(sender) and sender != msg.from_addr


def _not_counted(msg: MailMessage, attendee: str, forged: str | None) -> str | None:
    """A mailed answer speaks for its sender alone: otherwise anyone could make the panel look
    quorate, or a partner look as if they declined, by naming them in one email. It needs no
    authentication (Outlook's answers through some gateways carry none), but one our own
    server found forged is not believed."""
    sender = msg.from_addr.lower()
    if attendee.lower() != sender:
        return f"calendar answer for {attendee} sent by {sender or 'no sender'}: not counted"
    if forged is not None:
        return f"calendar answer from {sender}: {forged}, so not counted"
    return None


def _on_calendar(session: Session, case: Case | None) -> bool:
    """Whether the case's Screening Panel is booked as a meeting on the mailbox's calendar."""
    if case is None:
        return False
    found = select(Meeting.id).where(
        Meeting.case_id == case.id, Meeting.calendar_event_id.is_not(None)
    )
    return session.scalar(found.limit(1)) is not None


def _record(
    session: Session,
    app: App,
    meeting: Meeting,
    row: StoredMessage,
    item: CalendarItem,
    answer: tuple[str, str, str | None],  # attendee, PARTSTAT, why it is not authenticated
    now: datetime,
) -> None:
    attendee, partstat, doubt = answer
    why = f"calendar reply, message #{row.id}"
    record_answer(
        session,
        app,
        meeting,
        attendee,
        partstat,
        item.sequence,
        row.received_at,
        now,
        why,
        row.id,
        unauthenticated=doubt,
    )


def record_answer(
    session: Session,
    app: App,
    meeting: Meeting,
    attendee: str,
    partstat: str,
    sequence: int,
    responded_at: datetime,
    now: datetime,
    why: str,
    message_id: int | None = None,
    unauthenticated: str | None = None,
) -> None:
    """One attendee's answer stored and told to the case: a mailed reply, or (Graph calendar)
    the answer read back from the event, counted and flagged the same way. `unauthenticated`
    says why nothing vouched for a mailed answer's sender: it is counted, and said."""
    where = standing(sequence, meeting.sequence)
    session.add(
        MeetingResponse(
            meeting_id=meeting.id,
            attendee=attendee,
            partstat=partstat,
            sequence=sequence,
            stale=where is not Standing.CURRENT,
            responded_at=responded_at,
            message_id=message_id,
            unauthenticated=unauthenticated,
        )
    )
    session.flush()
    detail = f"{who(app, attendee)} {answer_words(partstat)} the Screening Panel"
    detail += f" of {when(app, meeting.start)}"
    if where is Standing.STALE:
        detail += (
            f" (an answer to an earlier time, version {sequence}; the meeting has since "
            f"moved, version {meeting.sequence}: not counted)"
        )
    elif where is Standing.UNKNOWN_VERSION:
        detail += f" (version {sequence}, which the bot never sent: not counted)"
    if meeting.cancelled_at is not None:
        detail += " (the meeting is cancelled)"
    if unauthenticated is not None:
        detail += f" (not authenticated: {unauthenticated})"
    answers = panel_for(session, app, meeting)
    declined = partstat == Answer.DECLINED and where is Standing.CURRENT
    add_event(
        session,
        meeting.case,
        now,
        "meeting_declined" if declined and _is_member(app, attendee) else "meeting_reply",
        f"{detail}; panel {answers.summary}",
        actor=attendee,
        why=why,
    )


def _counter(
    session: Session, app: App, meeting: Meeting, item: CalendarItem, sender: str, now: datetime
) -> None:
    proposed = f" {when(app, item.start)}" if item.start else " another time"
    add_event(
        session,
        meeting.case,
        now,
        "meeting_new_time_proposed",
        f"{who(app, sender)} proposes{proposed} for the Screening Panel; to move it, reply "
        "Reschedule: <date> <time>",
        actor=sender,
    )


def panel_members(app: App) -> list[tuple[str, str]]:
    """(role, address) of the three statutory partner representatives: the quorum."""
    return case_view.panel_members(app.config)


def _is_member(app: App, attendee: str) -> bool:
    return any(addr == attendee.lower() for _, addr in panel_members(app))


def who(app: App, address: str) -> str:
    role = next((r for r, a in panel_members(app) if a == address.lower()), None)
    if role is None and address.lower() == app.config.people.business_manager.email:
        role = "business_manager"
    return f"{ROLE_NAMES[role]} ({address})" if role else address


def when(app: App, moment: datetime) -> str:
    local = moment.astimezone(app.config.partnership.time_zone)
    return f"{fmt_date(local.date())} {local:%H:%M}"


def panel_for(session: Session, app: App, meeting: Meeting) -> PanelAnswers:
    rows = session.scalars(select(MeetingResponse).where(MeetingResponse.meeting_id == meeting.id))
    return _panel(app, meeting, list(rows))


def _panel(app: App, meeting: Meeting, rows: list[MeetingResponse]) -> PanelAnswers:
    found = [meeting_view.response_of(r) for r in rows]
    return panel_answers(panel_members(app), found, meeting.sequence)


def _responses(session: Session, meetings: list[Meeting]) -> dict[int, list[MeetingResponse]]:
    """Every answer to these meetings in one query, oldest first, by meeting."""
    by_meeting: dict[int, list[MeetingResponse]] = {m.id: [] for m in meetings}
    if meetings:
        for row in session.scalars(
            select(MeetingResponse)
            .where(MeetingResponse.meeting_id.in_(list(by_meeting)))
            .order_by(MeetingResponse.id)
        ):
            by_meeting[row.meeting_id].append(row)
    return by_meeting


def meeting_views(session: Session, app: App, case: Case) -> list[MeetingView]:
    """Each meeting of the case with every partner's answer and the quorum, for people and JSON."""
    return meeting_view.meeting_views(session, panel_members(app), case)


# A meeting's purpose when it is the Screening Panel (bot.services.screening_booking books it).
SCREENING = "screening"


def coming_panels(session: Session, app: App, now: datetime) -> list[ComingPanel]:
    """For the digest: every meeting still to come on an open case, with the answers so far;
    and a Screening Panel whose time has passed with no decision, until one is recorded (the
    votes that are missing are what she must chase)."""
    undecided = (Meeting.purpose == SCREENING) & Case.decision.is_(None)
    meetings = list(
        session.scalars(
            select(Meeting)
            .join(Case, Case.id == Meeting.case_id)
            .options(contains_eager(Meeting.case))
            .where(Case.status == "open", Meeting.cancelled_at.is_(None))
            .where((Meeting.start > now) | undecided)
            .order_by(Meeting.start)
        )
    )
    answers = _responses(session, meetings)
    votes = _live_votes(session, {m.case_id for m in meetings if m.purpose == SCREENING})
    members = panel_members(app)
    return [
        {
            "ref": m.case.ref,
            **meeting_view.meeting_view(members, m, answers[m.id]),
            "held": m.start <= now,
            **_votes_of(m, votes.get(m.case_id, {})),
        }
        for m in meetings
    ]


def _live_votes(session: Session, case_ids: set[int]) -> dict[int, dict[str, str]]:
    """Each case's live votes (role -> choice), for all these cases in one query."""
    found: dict[int, dict[str, str]] = {}
    if case_ids:
        for case_id, role, choice in session.execute(
            select(Vote.case_id, Vote.role, Vote.choice)
            .where(Vote.case_id.in_(case_ids), Vote.superseded.is_(False))
            .order_by(Vote.id)
        ):
            found.setdefault(case_id, {})[role] = choice
    return found


def _votes_of(meeting: Meeting, votes: dict[str, str]) -> PanelVotes:
    if meeting.purpose != SCREENING:
        return {"votes": [], "standing": ""}
    return {
        "votes": [{"partner": p, "vote": v} for p, v in vote_lines(votes)],
        "standing": panel_standing(meeting.case.decision, votes),
    }
