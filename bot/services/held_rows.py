"""The events of a case opened by the message being processed, written as values at its end.

The unit of work inserts each new event with its own INSERT ... RETURNING on SQLite (it reads
back every id, and SQLite gives no order to the rows a multi-row INSERT returns): a SIN's new
case has seven or eight, most of the statements of its processing. Nothing reads them back
while that message is processed but the deadline that corrects the event it recorded a moment
ago (bot.services.cases.set_deadline's `restate`), so they are kept here, in the order added,
and written with one executemany when the message's effects are done, in its savepoint, as
bot.services.batch does for the periodic jobs. A message that fails writes none of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import insert
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, CaseEvent

_HELD = "tscp_held_events"  # Session.info: {id(case): (case, its events so far)}


@contextmanager
def holding_events(session: Session) -> Iterator[None]:
    """While inside, the events of a case passed to hold_events are kept, not added to the
    session; on leaving without an error they are written, after the case itself."""
    held: dict[int, tuple[Case, list[CaseEvent]]] = {}
    session.info[_HELD] = held
    try:
        yield
        _write(session, list(held.values()))
    finally:
        session.info.pop(_HELD, None)


def hold_events(session: Session, case: Case) -> None:
    """Keep `case`'s events until the message is done; a no-op outside holding_events."""
    held = session.info.get(_HELD)
    if held is not None:
        held[id(case)] = (case, [])


def held_events(session: Session, case: Case) -> list[CaseEvent] | None:
    """The events kept for `case`, in the order added; None when its events are not held."""
    held = session.info.get(_HELD)
    found = held.get(id(case)) if held else None
    return found[1] if found is not None and found[0] is case else None


def _write(session: Session, held: list[tuple[Case, list[CaseEvent]]]) -> None:
    if not any(events for _, events in held):
        return
    if any(case.id is None for case, _ in held):
        session.flush()  # the case, for its id: the flush the savepoint's release would make
    rows = [
        {
            "case_id": case.id,
            "at": e.at,
            "actor": e.actor,
            "what": e.what,
            "detail": e.detail,
            "why": e.why,
        }
        for case, events in held
        for e in events
    ]
    session.execute(insert(CaseEvent), rows)
    for case, _ in held:
        # Read from the table from now on, should anything in this session ask for them.
        session.expire(case, ["events"])
