"""Count every open deadline again when the working calendar's closed days have changed since
they were counted (bot.core.recount decides): a closure taken out of the configuration, or a
`holidays` release that adds or drops a bank holiday.

Each deadline tick asks first, in one read of one row, whether the calendar differs from the
one last used; only then are the open deadlines read and counted again, in one transaction
that also records the calendar now used, so each change is acted on and told once. A date
moved earlier, and a later one kept, are each one case event per case, which the digest lists
under "Needs your attention".
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager

from bot.adapters.db.models import CalendarState, Case, Deadline
from bot.app import App
from bot.config import Config
from bot.core import extensions
from bot.core.recount import ClosedDays, Recount, StoredDeadline, by_case, recount_all
from bot.core.shared_calendar import Counter, defers, instances_differ, still_here_due
from bot.core.working_days import WorkingCalendar
from bot.services.batch import Batch
from bot.services.kept_dates import KEPT, untold
from bot.services.reminder_facts import chased

STATE = "working_calendar"
MOVED = "deadline_moved_earlier"
log = logging.getLogger(__name__)


def recount_if_calendar_changed(app: App) -> int:
    """Count the open deadlines again if the calendar changed; how many moved earlier."""
    calendar, me = app.calendar, counter_of(app.config)
    with app.sessions() as session:
        state = session.get(CalendarState, STATE)
        now = app.clock.now()
        if state is not None and not last_counted(state).differs(ClosedDays.of(calendar)):
            if still_here_due(me, counted_by(state), state.checked_at, now):
                state.checked_at = now  # so another instance knows whose count this is
                session.commit()
            return 0
        if state is not None and (line := deferred(state, me, ClosedDays.of(calendar), now)):
            if app.said.first_time("deferred recount", line):  # once, not at every tick
                log.warning("deadlines: %s", line)
            return 0
        rows = open_deadlines(session)
        found = recount_all(rows, calendar, changed_since(state, calendar))
        _apply(session, app, found, rows, now)
        session.merge(CalendarState(**calendar_row(calendar, now, me)))
        session.commit()
    return sum(r.earlier for r in found)


def counter_of(config: Config) -> Counter:
    """This instance, as calendar_state records who counted."""
    return Counter(socket.gethostname(), str(config.source) if config.source else "")


def counted_by(state: CalendarState) -> Counter:
    return Counter(state.counted_by, state.config_file)


def deferred(state: CalendarState, me: Counter, mine: ClosedDays, now: datetime) -> str | None:
    """Why the open deadlines are left as another instance counted them on its calendar, which
    differs from `mine`; None when this instance should count them (see core.shared_calendar)."""
    last = counted_by(state)
    if not defers(me, last, state.checked_at, now):
        return None
    return instances_differ(me, last, mine, last_counted(state))


def open_deadlines(session: Session) -> dict[StoredDeadline, Deadline]:
    """The unmet deadlines still owed, as the core reads them, with their rows: those the tick
    chases (every clock of an open case, a statutory notification on a closed one too)."""
    found = session.scalars(
        select(Deadline)
        .join(Case)
        .options(contains_eager(Deadline.case))  # one query, not one per deadline's case
        .where(
            chased(),
            Deadline.met_at.is_(None),
            Deadline.state.in_(("open", "overdue")),
        )
        .order_by(Deadline.id)
    )
    return {
        # An agreed later day is no count of the rule's: the rule's own day is counted again.
        StoredDeadline(
            d.case.ref, d.name, d.start, d.first_due or d.due, d.explanation, d.assumption
        ): d
        for d in found
    }


def _apply(
    session: Session,
    app: App,
    found: Sequence[Recount],
    rows: dict[StoredDeadline, Deadline],
    now: datetime,
) -> None:
    batch = Batch()  # one INSERT for all the events, however many cases
    for recounts in by_case(found).values():
        case = rows[recounts[0].stored].case
        moved = [r for r in recounts if r.earlier]
        for r in moved:
            _moved(rows[r.stored], r)
        if moved:
            # Here, not at the top: the review package reads this module's event names.
            from bot.services.recount_told import moved_after_telling

            moved_after_telling(session, app, case, moved, now, batch)
        # A re-timing may have told a kept date already (bot.services.cases.set_deadline).
        kept = untold(session, case, [r for r in recounts if not r.earlier])
        for what, said in ((MOVED, moved), (KEPT, kept)):
            if said:
                detail = "; ".join(r.sentence() for r in said)
                batch.add_event(case, now, what, detail)
    session.flush()
    batch.write(session)


def _moved(row: Deadline, r: Recount) -> None:
    """A day counted earlier: an extended clock's first day moves, its agreed day stays."""
    if row.first_due is None or row.extension is None:
        row.due, row.explanation = r.due, r.explanation
        return
    row.first_due = r.due
    row.explanation = extensions.explanation(r.explanation, r.due, row.extension)


def changed_since(state: CalendarState | None, calendar: WorkingCalendar) -> frozenset[date] | None:
    """The days whose closing changed since the open deadlines were last counted; None before
    the first count (a recount then names what the stored explanations say)."""
    return None if state is None else last_counted(state).changed_days(ClosedDays.of(calendar))


def last_counted(state: CalendarState) -> ClosedDays:
    return ClosedDays(
        frozenset(int(y) for y in state.years),
        {date.fromisoformat(d): str(name) for d, name in state.closed.items()},
        frozenset(date.fromisoformat(d) for d in state.local),
    )


def calendar_row(calendar: WorkingCalendar, now: datetime, me: Counter) -> dict[str, Any]:
    """The calendar_state row saying the open deadlines are counted on `calendar`, by `me`."""
    return {
        "name": STATE,
        "years": [str(y) for y in sorted(calendar.years)],
        "closed": {d.isoformat(): name for d, name in sorted(calendar.closed.items())},
        "local": [d.isoformat() for d in sorted(calendar.local)],
        "checked_at": now,
        "counted_by": me.host,
        "config_file": me.config_file,
    }
