"""The slots already taken, read without flushing: the session's own meetings still count."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.adapters.db.models import Case, Meeting
from bot.services.screening_booking import _taken
from tests.fixtures.app import LONDON, AppFactory

NOW = datetime(2026, 12, 23, 9, tzinfo=LONDON)


def _case(ref: str) -> Case:
    return Case(
        kind="review",
        stage="screening",
        status="open",
        ref=ref,
        year=2026,
        number=int(ref[-1]),
        opened_at=NOW,
        sin_received_on=date(2026, 12, 23),
        referrer_email="robin@example.org",
    )


def _meeting(case: Case, start: datetime) -> Meeting:
    return Meeting(
        case=case,
        purpose="screening",
        uid=f"screening-{case.ref}@tscp-bot",
        sequence=0,
        start=start,
        end=start + timedelta(hours=1),
        location="Room 1",
        within_deadline=True,
    )


def test_stored_and_pending_meetings_are_taken(make_app: AppFactory) -> None:
    app, _ = make_app()
    stored, pending, past = NOW + timedelta(hours=5), NOW + timedelta(days=1), NOW - timedelta(1)
    with app.sessions() as s:
        s.add(_meeting(_case("TSCP-2026-0001"), stored))
        s.flush()
        s.add(_meeting(_case("TSCP-2026-0002"), pending))
        s.add(_meeting(_case("TSCP-2026-0003"), past))
        assert _taken(s, NOW) == {stored, pending}
        assert len(s.new) > 0  # asked without writing the new meetings


def test_a_moved_meeting_frees_its_old_slot(make_app: AppFactory) -> None:
    app, _ = make_app()
    first, moved = NOW + timedelta(hours=5), NOW + timedelta(days=2)
    with app.sessions() as s:
        meeting = _meeting(_case("TSCP-2026-0001"), first)
        s.add(meeting)
        s.flush()
        meeting.start, meeting.end = moved, moved + timedelta(hours=1)
        assert _taken(s, NOW) == {moved}
        s.delete(meeting)
        assert _taken(s, NOW) == frozenset()
