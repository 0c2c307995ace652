"""Cases: references, chronology events and stored deadlines."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, CaseCounter, CaseEvent, Deadline
from bot.core import deadlines, extensions
from bot.core.recount import StoredDeadline, kept_earlier
from bot.services.held_rows import held_events
from bot.services.kept_dates import KEPT, untold

BOT = "tscp-bot"


def next_reference(session: Session, prefix: str, year: int) -> tuple[str, int]:
    """Take the next number for the year under a row lock, so two instances never share one.

    The lock is taken by the SELECT (FOR UPDATE; SQLite has one writer at a time), not by
    writing the number, so the number is written with the case, in the same flush. It is read
    without flushing: a counter is never pending (_create_counter's savepoint flushes it), and
    one read before in this session is the same object, with its number so far.
    """
    with session.no_autoflush:
        counter = session.scalar(_COUNTER, {"year": year})
    if counter is None:
        counter = _create_counter(session, year)
    counter.last_number += 1
    return f"{prefix}-{year}-{counter.last_number:04d}", counter.last_number


_COUNTER = select(CaseCounter).where(CaseCounter.year == bindparam("year")).with_for_update()


def _create_counter(session: Session, year: int) -> CaseCounter:
    try:
        with session.begin_nested():
            counter = CaseCounter(year=year, last_number=0)
            session.add(counter)
    except IntegrityError:
        found = session.scalar(
            select(CaseCounter).where(CaseCounter.year == year).with_for_update()
        )
        if found is None:
            raise
        return found
    return counter


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
) -> CaseEvent:
    held = held_events(session, case)
    event = CaseEvent(at=at, actor=actor, what=what, detail=detail, why=why, arrived_at=arrived_at)
    if held is not None:  # a case opened by this message: written with its other events
        held.append(event)
        return event
    event.case = case
    session.add(event)
    return event


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
            case=case,
            start=deadline.start,
            due=deadline.due,
            explanation=why,
            assumption=deadline.assumption,
            state="open",  # read before the insert (clocks_of), when no default is applied yet
        )
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
    detail = f"{deadline.name} due {deadline.due.isoformat()}"
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


def _event_just_set(session: Session, case: Case, name: str, at: datetime) -> CaseEvent | None:
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
