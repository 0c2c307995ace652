"""Cases: references, chronology events and stored deadlines."""

from __future__ import annotations

from datetime import date, datetime
from typing import cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, CaseCounter, CaseEvent, Deadline
from bot.core import deadlines, extensions
from bot.core.recount import StoredDeadline, kept_earlier
from bot.services.held_rows import HeldEvent, held_events, hold_deadline
from bot.services.kept_dates import KEPT, untold

BOT = "tscp-bot"


def next_reference(session: Session, prefix: str, year: int) -> tuple[str, int]:
    """Take the next number for the year, so two instances never share one.

    One UPDATE ... RETURNING adds one to the year's counter and reads it back: it locks the
    row as the SELECT ... FOR UPDATE it replaces did (SQLite has one writer at a time), until
    the transaction ends, and the number goes back with the message's savepoint if the message
    fails. On the session's connection, so nothing pending is flushed for it; the counter is
    never loaded as an object, which cost a query and a row in every new case's flush.
    """
    number = _take_number(session, year)
    if number is None:  # the year's first case: its counter is made at 1
        number = 1 if _create_counter(session, year) else _take_number(session, year)
        if number is None:  # made by another instance just now: it cannot have gone
            raise RuntimeError(f"no case counter for {year}")
    return f"{prefix}-{year}-{number:04d}", number


_COUNTERS = cast(Table, CaseCounter.__table__)
_TAKE = (
    update(_COUNTERS)
    .where(_COUNTERS.c.year == bindparam("counter_year"))
    .values(last_number=_COUNTERS.c.last_number + 1)
    .returning(_COUNTERS.c.last_number)
)


def _take_number(session: Session, year: int) -> int | None:
    found = session.connection().execute(_TAKE, {"counter_year": year}).scalar_one_or_none()
    return None if found is None else int(found)


def _create_counter(session: Session, year: int) -> bool:
    """The year's counter, its first number taken; False when another instance has just made
    it (its savepoint keeps this message's work)."""
    try:
        with session.begin_nested():
            session.connection().execute(insert(_COUNTERS), {"year": year, "last_number": 1})
    except IntegrityError:
        return False
    return True


def find_case(session: Session, ref: str | None) -> Case | None:
    if not ref:
        return None
    return session.scalar(select(Case).where(Case.ref == ref.upper()))


def add_event(
    session: Session,
    case: Case,
    at: datetime,
    what: str,
    detail: str,
    *,
    why: str = "",
    actor: str = BOT,
    arrived_at: datetime | None = None,  # when the email it records reached the mailbox
) -> None:
    held = held_events(session, case)
    if held is not None:  # a case opened by this message: written with its other events
        held.append(HeldEvent(at, actor, what, detail, why, arrived_at))
        return
    event = CaseEvent(at=at, actor=actor, what=what, detail=detail, why=why, arrived_at=arrived_at)
    event.case = case
    session.add(event)


def set_deadline(
    session: Session,
    case: Case,
    deadline: deadlines.Deadline,
    at: datetime,
    *,
    restate: bool = False,
) -> Deadline:
    """Store (or re-time) a named deadline and record why it has the date it has.

    `restate`: the deadline was set a moment ago, in the handling of this same message (a case
    opened from a SIN, then re-timed from the form it carried). The event recorded then is
    corrected instead of followed by a second one: it is not yet committed, so nobody has seen
    the first date, and the chronology should not show a date that was never in force.

    A later day that only the calendar gives (a closure or bank holiday added since the date
    was counted) is not stored: the earlier one stands, told once (see kept_earlier)."""
    row = next((d for d in case.deadlines if d.name == deadline.name), None)
    if row is not None and _kept(session, case, row, deadline, at):
        return row
    why = deadline.explain()  # the row's explanation and its event's, written once
    if row is None:
        row = Deadline(
            name=deadline.name,
            start=deadline.start,
            due=deadline.due,
            explanation=why,
            assumption=deadline.assumption,
            state="open",  # read before the insert (clocks_of), when no default is applied yet
        )
        if not hold_deadline(session, case, row):  # a new case's: written with its events
            row.case = case
            session.add(row)
    else:
        agreed = row.due if row.first_due is not None else None
        if row.state == "overdue" and row.due != deadline.due:
            # Overdue was said of the old day: the tick says it again of the new one once it
            # passes (at once if it has), so the history never misses the day that counts.
            row.state = "open"
        row.start, row.due = deadline.start, deadline.due
        row.explanation, row.assumption = why, deadline.assumption
        _keep_extension(row, agreed)
    detail = f"{deadline.name} due {deadlines.fmt_date(deadline.due)}"
    earlier = _event_just_set(session, case, deadline.name, at) if restate else None
    if earlier is None:
        add_event(session, case, at, "deadline_set", detail, why=why)
    else:
        earlier.detail, earlier.why = detail, why
    return row


def _keep_extension(row: Deadline, agreed: date | None) -> None:
    """A clock counted again keeps a later day agreed for it (`Complaint extended:`), beside
    its new first day; once the rule's own day reaches it, the agreement no longer moves it."""
    if agreed is None or row.extension is None or not extensions.still_later(row.due, agreed):
        row.first_due = row.extension = None
        return
    row.first_due, row.due = row.due, agreed
    row.explanation = extensions.explanation(row.explanation, row.first_due, row.extension)


def _kept(
    session: Session, case: Case, row: Deadline, deadline: deadlines.Deadline, at: datetime
) -> bool:
    first = row.first_due or row.due  # an agreed later day is no count of the rule's
    stored = StoredDeadline(case.ref, row.name, row.start, first, row.explanation, row.assumption)
    kept = kept_earlier(stored, deadline)
    if kept is None:
        return False
    # The start and what it rests on are today's; only the day is the earlier one.
    row.start, row.explanation, row.assumption = (
        deadline.start,
        kept.explanation,
        deadline.assumption,
    )
    if row.first_due is not None and row.extension is not None:
        row.explanation = extensions.explanation(row.explanation, row.first_due, row.extension)
    for r in untold(session, case, [kept]):
        add_event(session, case, at, KEPT, r.sentence(), why=kept.explanation)
    return True


def _event_just_set(
    session: Session, case: Case, name: str, at: datetime
) -> CaseEvent | HeldEvent | None:
    """The deadline_set event recorded for `name` at this same moment, if there is one."""
    held = held_events(session, case)
    found = [
        e
        for e in (case.events if held is None else held)
        if e.what == "deadline_set" and e.at == at and e.detail.startswith(f"{name} due ")
    ]
    return found[-1] if found else None


def key_dates(case: Case) -> tuple[tuple[date, bool], ...]:
    """Each of the case's deadlines as an acknowledgement or invitation lists it: its due day,
    and whether it is met (bot.core.stated_acks marks the rest as of the day it is written)."""
    return tuple((d.due, d.met_at is not None) for d in case.deadlines)


def screening_overdue(case: Case, today: date) -> date | None:
    """The day the Screening Panel was due, when that day had gone by `today` unmet."""
    found = next((d for d in case.deadlines if d.name == "screening_meeting"), None)
    if found is None or found.met_at is not None or found.due >= today:
        return None
    return found.due
