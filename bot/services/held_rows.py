"""The deadlines, form fields, events and emails of a case opened by the message being
processed, written as values at its end.

The unit of work inserts each new row with its own INSERT ... RETURNING on SQLite (it reads
back every id, and SQLite gives no order to the rows a multi-row INSERT returns): a SIN's new
case has seven or eight events and two emails, most of the statements of its processing.
And its fields, written at once, needed the case written first, for its id: a second flush.
Nothing reads them back while that message is processed but the deadline that corrects the
event it recorded a moment ago (bot.services.cases.set_deadline's `restate`), the outbox's
idempotency check (bot.services.mailout) and the awareness dates read from the form
(bot.services.awareness), which all look here. So they are kept, in
the order added, and written with one executemany per table when the message's effects are
done, in its savepoint, as bot.services.batch does for the periodic jobs. A message that
fails writes none of them. An email that waits for approval is never held: its id goes into
the request. Its deadlines are read and re-timed while the message is processed (its
acknowledgement and invitation list them, the form's awareness dates move them), so they stay
Deadline objects in `case.deadlines`, put there without history so that no cascade adds them
to the session; nothing reads their ids before the message is done.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.schema import Column, ScalarElementColumnDefault

from bot.adapters.db.models import Case, CaseEvent, CaseField, Deadline, OutboxMessage

_HELD = "tscp_held_rows"  # Session.info: the _Held of the message being processed


@dataclass
class HeldEvent:
    """A new case's event kept to be written: its columns as values. Not a CaseEvent, whose
    construction alone (the ORM's bookkeeping for an object never added to the session) cost
    more than writing it; nothing reads a held event but its columns."""

    at: datetime
    actor: str
    what: str
    detail: str
    why: str
    arrived_at: datetime | None


@dataclass
class _Held:
    cases: dict[int, tuple[Case, list[HeldEvent]]] = field(default_factory=dict)  # by id()
    emails: list[tuple[Case, dict[str, Any]]] = field(default_factory=list)
    fields: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # by id() of case
    deadlines: list[tuple[Case, Deadline]] = field(default_factory=list)


@contextmanager
def holding_rows(session: Session) -> Iterator[None]:
    """While inside, the events and emails of a case passed to hold_rows are kept, not added
    to the session; on leaving without an error they are written, after the case itself."""
    held = _Held()
    session.info[_HELD] = held
    try:
        yield
        _write(session, held)
    finally:
        session.info.pop(_HELD, None)


def hold_rows(session: Session, case: Case) -> None:
    """Keep `case`'s events and emails until the message is done; a no-op outside
    holding_rows."""
    held = _held(session)
    if held is not None:
        held.cases[id(case)] = (case, [])


def held_events(session: Session, case: Case) -> list[HeldEvent] | None:
    """The events kept for `case`, in the order added; None when its rows are not held."""
    held = _held(session)
    found = held.cases.get(id(case)) if held is not None else None
    return found[1] if found is not None and found[0] is case else None


def opened_here(session: Session, case: Case) -> bool:
    """Whether `case` was opened by the message being processed: its rows are held, and no
    row keyed by its reference, new from the year's counter, can be in the tables yet."""
    return held_events(session, case) is not None


def hold_email(session: Session, case: Case | None, values: dict[str, Any]) -> bool:
    """Keep an outbox row of `case` (every column but its case); False when its rows are
    not held, and the caller adds the email to the session itself."""
    if case is None or held_events(session, case) is None:
        return False
    held = _held(session)
    assert held is not None
    held.emails.append((case, values))
    return True


def hold_fields(session: Session, case: Case, values: list[dict[str, Any]]) -> bool:
    """Keep new form fields of `case` (every column but its case); False when its rows are
    not held, and the caller writes them itself."""
    held = _held(session)
    if held is None or held_events(session, case) is None:
        return False
    held.fields.setdefault(id(case), []).extend(values)
    return True


def held_fields(session: Session, case: Case) -> list[dict[str, Any]] | None:
    """The form fields kept for `case`, to read or correct before they are written; None when
    its rows are not held (they are in the table then)."""
    held = _held(session)
    if held is None or held_events(session, case) is None:
        return None
    return held.fields.setdefault(id(case), [])


def hold_deadline(session: Session, case: Case, row: Deadline) -> bool:
    """Keep a new deadline of `case`, outside the session, in `case.deadlines` as loaded (no
    history, so no cascade adds it): read there like any other until it is written, as values
    and at the values it has then; False when its rows are not held."""
    held = _held(session)
    if held is None or held_events(session, case) is None:
        return False
    set_committed_value(case, "deadlines", [*case.deadlines, row])
    set_committed_value(row, "case", case)
    held.deadlines.append((case, row))
    return True


def email_held(session: Session, key: str) -> bool:
    """Whether an email with this idempotency key is kept to be written."""
    held = _held(session)
    return held is not None and any(v["idempotency_key"] == key for _, v in held.emails)


def _held(session: Session) -> _Held | None:
    held = session.info.get(_HELD)
    return held if isinstance(held, _Held) else None


def _write(session: Session, held: _Held) -> None:
    if not (held.emails or held.deadlines or any(held.fields.values())) and not any(
        events for _, events in held.cases.values()
    ):
        return
    if any(case.id is None for case, _ in held.cases.values()):
        session.flush()  # the case, for its id: the flush the savepoint's release would make
    fields = [
        {**values, "case_id": case.id}
        for key, (case, _) in held.cases.items()
        for values in held.fields.get(key, [])
    ]
    connection = session.connection()
    if held.deadlines:
        connection.execute(_DEADLINES, [_deadline(case, row) for case, row in held.deadlines])
    for same_columns in _runs_of_same_columns(fields):
        connection.execute(_FIELDS, same_columns)
    events = [
        {
            "case_id": case.id,
            "at": e.at,
            "actor": e.actor,
            "what": e.what,
            "detail": e.detail,
            "why": e.why,
            "arrived_at": e.arrived_at,
        }
        for case, kept in held.cases.values()
        for e in kept
    ]
    if events:
        connection.execute(_EVENTS, events)
    if held.emails:
        # Through the session, not its connection: the outbox bell hears it (do_orm_execute).
        emails = [{**values, "case_id": case.id} for case, values in held.emails]
        for same_columns in _runs_of_same_columns(emails):
            session.execute(_EMAILS, same_columns)
    for case, _ in held.cases.values():
        # Read from the tables from now on, should anything in this session ask for them.
        session.expire(case, ["events", "deadlines"])


def _deadline(case: Case, row: Deadline) -> dict[str, Any]:
    """Every column of a held deadline: the value it was given, else its column's default (a
    constant each), so a case's deadlines go in one executemany whichever were re-timed."""
    given = row.__dict__
    values = {key: given.get(key, default) for key, default in _DEADLINE_DEFAULTS.items()}
    return {**values, "case_id": case.id}


def _runs_of_same_columns(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """`rows` in order, cut where the columns given change: one executemany takes one set of
    columns (an acknowledgement gives its stated dates, an answer to commands none), and a
    column left out must keep its table's default, not become NULL."""
    return [list(run) for _, run in groupby(rows, key=lambda row: row.keys())]


# The tables' own INSERTs, built once: the ORM's bulk INSERT of values is a new statement
# each time, and takes every row through the mapper, which these rows, plain values of their
# tables' columns, do not need (the tables' own defaults fill the columns left out, as they
# did). Same rows, same transaction: the session's connection, in the message's savepoint.
_FIELDS = insert(cast(Table, CaseField.__table__))
_EVENTS = insert(cast(Table, CaseEvent.__table__))
_EMAILS = insert(cast(Table, OutboxMessage.__table__))
_DEADLINES = insert(cast(Table, Deadline.__table__))


def _constant(column: Column[Any]) -> object:
    # A default computed per row would have to be called here, and a value given for every
    # column would override a server's default: none of these columns has either.
    assert column.server_default is None, column
    if column.default is None:
        return None
    assert isinstance(column.default, ScalarElementColumnDefault), column
    return column.default.arg


_DEADLINE_DEFAULTS = {
    column.key: _constant(column)
    for column in cast(Table, Deadline.__table__).columns
    if column.key not in ("id", "case_id")
}
