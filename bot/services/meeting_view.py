"""A case's meetings as `tscp-bot case`, `Status` and the calendar replies show them: each
meeting with every partner's answer and the quorum, or the Screening Panel's recorded decision.
Read in SQLAlchemy Core, as bot.services.case_view is; a Session runs the same queries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from bot.adapters.db.read_tables import MEETING_RESPONSES, MEETINGS
from bot.core.meeting_replies import Response, answer_words, panel_answers
from bot.core.screening_vote import panel_decided

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session

    from bot.services.case_view_types import MeetingView


def response_of(row: Any) -> Response:
    """One meeting_responses row (or model) as the core reads it."""
    doubt = row.unauthenticated or ""
    return Response(row.attendee, row.partstat, row.sequence, row.responded_at, row.id, doubt)


def meeting_view(
    members: Sequence[tuple[str, str]], meeting: Any, rows: Sequence[Any], decided: str = ""
) -> MeetingView:
    """One meeting (a row or model) with every partner's answer to it (rows or models of
    meeting_responses, oldest first) and whether the panel is quorate; a Screening Panel whose
    decision is recorded (`decided`, bot.core.screening_vote.panel_decided) says so instead."""
    answers = panel_answers(members, [response_of(r) for r in rows], meeting.sequence)
    decided = decided if meeting.purpose == "screening" else ""
    addresses = {addr for _, addr in members}
    return {
        "purpose": meeting.purpose,
        "start": meeting.start,
        "end": meeting.end,
        "location": meeting.location,
        "within_deadline": meeting.within_deadline,
        "sequence": meeting.sequence,
        "cancelled_at": meeting.cancelled_at,
        "quorate": answers.quorate,
        "quorum": decided or answers.summary,
        "answers": [
            {
                "role": m.role,
                "attendee": m.attendee,
                "answer": m.partstat,
                "said": answer_words(m.partstat)
                + (" (not authenticated)" if m.unauthenticated else ""),
                "at": m.at,
                "earlier_time": answer_words(m.earlier) if m.earlier else "",
                "not_authenticated": m.unauthenticated,
            }
            for m in answers.members
        ],
        "others": [
            {
                "attendee": r.attendee,
                "answer": r.partstat,
                "sequence": r.sequence,
                "stale": r.stale,
                "at": r.responded_at,
            }
            for r in rows
            if r.attendee not in addresses
        ],
    }


def meeting_views(
    db: Connection | Session, members: Sequence[tuple[str, str]], case: Any
) -> list[MeetingView]:
    """Each meeting of the case (a row or model) with every partner's answer and the quorum,
    or the panel's recorded decision: two queries."""
    meetings = db.execute(
        select(MEETINGS).where(MEETINGS.c.case_id == case.id).order_by(MEETINGS.c.id)
    ).all()
    by_meeting: dict[int, list[Any]] = {m.id: [] for m in meetings}
    if meetings:
        for row in db.execute(
            select(MEETING_RESPONSES)
            .where(MEETING_RESPONSES.c.meeting_id.in_(list(by_meeting)))
            .order_by(MEETING_RESPONSES.c.id)
        ):
            by_meeting[row.meeting_id].append(row)
    decided = panel_decided(case.decision, case.decided_by)
    return [meeting_view(members, m, by_meeting[m.id], decided) for m in meetings]
