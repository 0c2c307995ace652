"""The slots already taken, read without flushing: the session's own meetings still count."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.adapters.db.models import Case, Deadline, Meeting
from bot.core.panel_slots import Slot, candidate_slots, choose_screening_slot, search_window
from bot.services.screening_booking import _choose, _slot_search, _taken
from tests.fixtures.app import LONDON, AppFactory

NOW = datetime(2026, 12, 23, 9, tzinfo=LONDON)
WINDOW = (NOW, NOW + timedelta(days=40))


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


def _meeting(case: Case, start: datetime, uid: str | None = None) -> Meeting:
    return Meeting(
        case=case,
        purpose="screening",
        uid=uid or f"screening-{case.ref}@tscp-bot",
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
        assert _taken(s, WINDOW) == {stored, pending}
        assert len(s.new) > 0  # asked without writing the new meetings


def test_a_moved_meeting_frees_its_old_slot(make_app: AppFactory) -> None:
    app, _ = make_app()
    first, moved = NOW + timedelta(hours=5), NOW + timedelta(days=2)
    with app.sessions() as s:
        meeting = _meeting(_case("TSCP-2026-0001"), first)
        s.add(meeting)
        s.flush()
        meeting.start, meeting.end = moved, moved + timedelta(hours=1)
        assert _taken(s, WINDOW) == {moved}
        s.delete(meeting)
        assert _taken(s, WINDOW) == frozenset()


def test_a_meeting_outside_the_search_window_is_not_read(make_app: AppFactory) -> None:
    app, _ = make_app()
    inside, after = NOW + timedelta(days=39), NOW + timedelta(days=41)
    with app.sessions() as s:
        s.add(_meeting(_case("TSCP-2026-0001"), inside))
        s.add(_meeting(_case("TSCP-2026-0002"), after))
        s.flush()
        s.add(_meeting(_case("TSCP-2026-0003"), after + timedelta(days=1)))
        assert _taken(s, WINDOW) == {inside}


def test_the_same_slot_is_chosen_when_many_meetings_are_booked(make_app: AppFactory) -> None:
    """Every slot of the next three weeks taken but one a fortnight on, and a meeting on each
    slot for years after the search's last day: the slot chosen is the one that the search
    over every meeting in the database, as before the window, chooses."""
    app, _ = make_app()
    with app.sessions() as s:
        case = _case("TSCP-2026-0009")
        s.add(Deadline(case=case, name="screening_meeting", start=date(2026, 12, 23),
                       due=date(2026, 12, 29), explanation="2 working days"))  # fmt: skip
        search = _slot_search(s, app, case, NOW)
        window = search_window(NOW, date(2026, 12, 29), search["policy"], LONDON)
        slots = list(_candidates({**search, "deadline_day": date(2027, 12, 31)}))
        free = next(x for x in slots if x.start >= NOW + timedelta(days=14))
        others = _case("TSCP-2026-0001")
        for n, slot in enumerate(x for x in slots if x is not free):
            s.add(_meeting(others, slot.start, uid=f"screening-{n}@tscp-bot"))
        s.flush()
        everything = frozenset(s.scalars(select(Meeting.start).where(Meeting.start >= NOW)))
        assert len(everything) > 400 and max(everything) > window[1] + timedelta(days=300)
        before = choose_screening_slot(**{**search, "taken": everything})
        assert before is not None and before.start == free.start and not before.within_deadline
        assert _choose(s, app, case, NOW) == before
        assert len(_taken(s, window)) < len(everything) / 5


def _candidates(search: dict[str, Any]) -> Iterator[Slot]:
    """Every configured slot from now to the given deadline day, none taken."""
    return iter(candidate_slots(**{**search, "taken": frozenset()}))
