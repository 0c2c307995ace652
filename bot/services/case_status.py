"""`Status` by email: the case view gathered once (bot.core.case_status) and sent to the asker.

Who may ask is the lifecycle table's (Business Manager and the statutory partners'
representatives, authenticated as for every command); bot.services.commands checks that
before anything here runs, and bot.services.review.status refuses a partner a complaint or
escalation record. This module only reads the case, with the role the asker asked in (which
decides how much of the chronology they read: bot.core.status_events), and queues one email,
keyed by the requesting message, so a message processed twice is answered once.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import (
    AgencyRequest,
    Case,
    CaseField,
    Deadline,
    OutboxMessage,
    StoredMessage,
    Vote,
)
from bot.app import App
from bot.core import case_status as cs
from bot.core import deadlines
from bot.core.closed_ahead import due_while_closed
from bot.core.digest import deadline_state
from bot.core.lifecycle import stage_of
from bot.core.lifecycle_stages import describe_stage
from bot.core.personal_data import personal_values, withhold
from bot.core.screening_vote import screening_status
from bot.core.status_events import BOT_ROLE, RecordedEvent, in_full, last_events
from bot.core.working_days import CalendarRangeError
from bot.services import digest_names as names
from bot.services.case_warnings import agency_names, sentences
from bot.services.cases import BOT, add_event
from bot.services.mailout import queue_email
from bot.services.meeting_replies import meeting_views
from bot.services.review.common import today as local_today
from bot.services.roles import roles_of

EVENT = "case_status"


def case_status(
    session: Session, app: App, case: Case, today: date, asked_as: str
) -> cs.CaseStatus:
    """The case as it stands on `today`, with nothing in it that names anyone from a form, for
    the role `asked_as` (the Business Manager reads the chronology as recorded)."""
    fields = session.scalars(select(CaseField).where(CaseField.case_id == case.id))
    secrets = personal_values((f.name, f.value) for f in fields)
    votes = list(session.scalars(select(Vote).where(Vote.case_id == case.id).order_by(Vote.id)))
    agencies = agency_names(app.config)
    return cs.CaseStatus(
        ref=case.ref,
        initials=case.initials or "",
        kind=case.kind,
        status=case.status,
        stage=describe_stage(stage_of(case.stage)),
        decision=screening_status(
            case.decision, {v.role: v.choice for v in votes if not v.superseded}
        ),
        notifiable=cs.yes_no(case.notifiable),
        cspr=cs.yes_no(case.cspr),
        today=today,
        warnings=tuple(withhold(w, secrets) for w in sentences(session, case, agencies)),
        deadlines=cs.deadline_order(
            _deadline(app, d, today, secrets, agencies) for d in case.deadlines
        ),
        votes=tuple(
            cs.VoteLine(cs.partner_words(v.role), cs.choice_words(v.choice), v.at, v.superseded)
            for v in votes
        ),
        returns=cs.outstanding(_returns(session, app, case), today),
        meetings=_meetings(session, app, case),
        drafts=tuple(
            cs.DraftLine(o.id, names.email_name(o.event))
            for o in session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.case_id == case.id, OutboxMessage.status == "draft")
                .order_by(OutboxMessage.id)
            )
        ),
        events=last_events(
            (
                RecordedEvent(e.at, e.actor, _roles_of(app, e.actor), e.what, e.detail)
                for e in case.events
            ),
            secrets,
            asked_as=asked_as,
        ),
        events_in_full=in_full(asked_as),
    )


def _roles_of(app: App, actor: str) -> frozenset[str]:
    """The roles an event's actor holds (the bot's own for the bot, none for anyone else)."""
    return frozenset({BOT_ROLE}) if actor == BOT else frozenset(roles_of(app, actor))


def _deadline(
    app: App, d: Deadline, today: date, secrets: frozenset[str], agencies: dict[str, str]
) -> cs.DeadlineLine:
    state = (
        "not_required"
        if d.state == "not_required"
        else deadline_state(d.due, d.met_at is not None, today)
    )
    counted = deadlines.counted_on(d.name, app.calendar)  # a national clock: their days
    late: int | None = 0
    uncounted = ""
    try:
        late = deadlines.working_days_late(d.due, today, counted) if state == "overdue" else 0
    except CalendarRangeError as exc:
        # Due before the calendar's years: the view still goes, with no invented count.
        late, uncounted = None, cs.uncounted_words(exc.covered)
    spell = due_while_closed(d.due, today, app.calendar) if state == "open" else None
    return cs.DeadlineLine(
        title=cs.deadline_title(d.name, agencies),
        due=d.due,
        state=state,
        days_overdue=late,
        met_on=d.met_on,
        explanation=withhold(d.explanation, secrets),
        uncounted=uncounted,
        # As the digest's ACT NOW: nobody is at work between today and the due date.
        while_closed=spell.words() if spell else None,
        closed_by=spell.closed_by if spell else None,
    )


def _returns(
    session: Session, app: App, case: Case
) -> list[tuple[str, date, date, datetime | None]]:
    rows = session.scalars(
        select(AgencyRequest).where(AgencyRequest.case_id == case.id).order_by(AgencyRequest.id)
    )
    return [
        (names.agency(app, r.agency_key), r.requested_on, r.return_by, r.received_at) for r in rows
    ]


def _meetings(session: Session, app: App, case: Case) -> tuple[cs.MeetingLine, ...]:
    lines = []
    for m in meeting_views(session, app, case):
        lines.append(
            cs.MeetingLine(
                purpose=m["purpose"].replace("_", " "),
                start=m["start"],
                end=m["end"],
                location=m["location"] or "",
                state="cancelled" if m["cancelled_at"] else m["quorum"],
                answers=tuple(
                    cs.AnswerLine(cs.partner_words(a["role"]), a["said"], a["at"])
                    for a in m["answers"]
                ),
            )
        )
    return tuple(lines)


def send_case_status(
    session: Session,
    app: App,
    case: Case,
    row: StoredMessage,
    to: str,
    now: datetime,
    asked_as: str,
) -> str:
    """Queue the view to `to`, who asked in the role `asked_as`, in answer to `row`; the
    sentence for the chronology."""
    if app.config.needs_approval(to):
        # Never reached through the command table (an outside body holds no role); kept so
        # that a configuration mistake cannot send the case view outside the partnership.
        add_event(session, case, now, "case_status_withheld", f"not sent to {to}: outside body")
        return "not sent: the case view never goes to an outside body"
    view = case_status(session, app, case, local_today(app, now), asked_as)
    queue_email(
        session,
        app,
        key=f"case-status:{row.sha256}",
        for_message=row,
        event=EVENT,
        to=[to],
        now=now,
        case=case,
        in_reply_to=f"<{row.message_id}>",
        context={"case": {"ref": case.ref, "initials": case.initials or ""}, "view": view},
    )
    return f"the case view was sent to {to}"
