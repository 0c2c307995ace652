"""`tscp-bot doctor`'s deadline line: were the open deadlines counted on the working calendar
the bot uses now (its bank holidays and [partnership] local_closures)? Nothing is changed: the
next deadline tick counts them again (bot.services.recount); this says what it will do, and
which dates it keeps earlier than their rule now gives, for as long as they stay so.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.adapters.db.engine import make_sessions
from bot.adapters.db.models import CalendarState
from bot.bootstrap import calendar_for
from bot.config import Config
from bot.core.deadlines import fmt_date
from bot.core.recount import ClosedDays, Recount, recount_all
from bot.services.doctor_check import UNREACHED, Check
from bot.services.recount import (
    STATE,
    changed_since,
    counter_of,
    deferred,
    last_counted,
    open_deadlines,
)

WHAT = "deadlines"
SHOWN = 5  # deadlines named in a line; the rest are counted


def deadline_checks(
    config: Config, now: datetime, engine: Engine | None, unread: str = UNREACHED
) -> list[Check]:
    """`unread`: why the records cannot be read, when `engine` is None (an older schema is
    not a database that cannot be reached: `tscp-bot init` mends it)."""
    if engine is None:
        return [Check("warn", WHAT, f"skipped: {unread}")]
    calendar = calendar_for(config, now)
    try:
        with make_sessions(engine)() as session:
            state = session.get(CalendarState, STATE)
            found = recount_all(open_deadlines(session), calendar, changed_since(state, calendar))
    except SQLAlchemyError as exc:
        return [Check("warn", WHAT, f"skipped: the database did not answer ({type(exc).__name__})")]
    mine = ClosedDays.of(calendar)
    differs = state is not None and last_counted(state).differs(mine)
    if state is not None and differs and (line := deferred(state, counter_of(config), mine, now)):
        return [Check("FAIL", WHAT, line)]  # nothing below happens while it holds
    checks = [_calendar_line(state, mine)]
    moving = [r for r in found if r.earlier]
    kept = [r for r in found if not r.earlier]
    if moving:
        checks.append(
            Check("warn", WHAT, f"{_listed(moving)} will move earlier at the next deadline tick")
        )
    if kept:
        checks.append(Check("warn", WHAT, _kept_line(kept)))
    return checks


def _calendar_line(state: CalendarState | None, now: ClosedDays) -> Check:
    if state is None:
        return Check("ok", WHAT, "not yet counted on this calendar: the next deadline tick does")
    before = last_counted(state)
    if not before.differs(now):
        return Check("ok", WHAT, "open deadlines counted on the working calendar in use")
    opened, closed = before.changes(now)
    said = [f"{_days(opened)} no longer closed" if opened else "", _closed(closed)]
    changed = "; ".join(s for s in said if s) or "which closed days are local closures changed"
    return Check(
        "warn",
        WHAT,
        f"the working calendar changed since the open deadlines were counted ({changed}); "
        "the next deadline tick counts them again",
    )


def _kept_line(kept: list[Recount]) -> str:
    return (
        f"{_listed(kept)} kept earlier than their rule now gives (the bot never moves a date "
        "later by itself); met by the earlier date, each is on time either way"
    )


def _listed(found: list[Recount]) -> str:
    named = [
        f"{r.stored.case_ref} {r.stored.name} {fmt_date(r.stored.due)} (now {fmt_date(r.due)})"
        for r in found[:SHOWN]
    ]
    more = f" and {len(found) - SHOWN} more" if len(found) > SHOWN else ""
    return f"{len(found)} open deadline{'s' if len(found) != 1 else ''}: {', '.join(named)}{more}"


def _days(days: list[tuple[date, str]]) -> str:
    return ", ".join(f"{fmt_date(d)} {name}" for d, name in days)


def _closed(days: list[tuple[date, str]]) -> str:
    return f"{_days(days)} now closed" if days else ""
