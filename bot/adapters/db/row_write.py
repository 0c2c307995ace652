"""Writing one changed row as a single UPDATE, when the unit of work would add nothing to it.

Processing a message changes its own row (status, kind, classification, ...) and, for most
mail, nothing else. The session's flush writes that one row through the whole unit of work
(sorting, per-column history, events), which cost as much as parsing the message; the same
UPDATE of the changed columns, sent directly, costs a fraction. Taken only when the row is
the session's one change and only its own columns changed: a relationship (row.case = ...)
or any other new, changed or deleted object needs the unit of work to order the writes, so
then nothing is written here and the session flushes as it always does.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Table, Update, bindparam, inspect, update
from sqlalchemy.orm import Mapper, Session
from sqlalchemy.orm.exc import StaleDataError


def write_alone(session: Session, row: object) -> bool:
    """Write `row`'s changed columns with one UPDATE and let the session go of it (expunged,
    so its flush has nothing left to do); True when done so. False, with nothing written,
    when the session holds other changes, or the row changed more than its columns: the
    caller's flush writes it then, as usual."""
    state = inspect(row)
    if session.new or session.deleted or state.key is None:
        return False
    dirty = session.dirty
    if len(dirty) > 1 or (dirty and row not in dirty):
        return False
    shape = _shape(state.mapper)
    unmodified = state.unmodified
    if not unmodified.issuperset(shape.relationships):
        return False
    changed = [(key, column) for key, column in shape.columns if key not in unmodified]
    if any(key not in state.dict for key, _ in changed):
        return False
    if changed:
        values = {column: state.dict[key] for key, column in changed}
        values.update(zip(shape.key_names, state.key[1], strict=True))
        statement = _update(shape.table, tuple(column for _, column in changed))
        written = session.connection().execute(statement, values).rowcount
        if written != 1:
            # What the flush would raise: the row is not there to update.
            raise StaleDataError(f"UPDATE of {shape.table.name} matched {written} rows, not 1")
    session.expunge(row)
    return True


@dataclass(frozen=True)
class _Shape:
    """What write_alone needs of a mapped class, read once."""

    table: Table
    columns: tuple[tuple[str, str], ...]  # (attribute, column) of every column attribute
    relationships: frozenset[str]
    key_names: tuple[str, ...]  # the primary key's bound parameters (_key_names)


@lru_cache(maxsize=16)
def _shape(mapper: Mapper[Any]) -> _Shape:
    table = mapper.local_table
    assert isinstance(table, Table)
    return _Shape(
        table,
        tuple((prop.key, prop.columns[0].key) for prop in mapper.column_attrs),
        frozenset(rel.key for rel in mapper.relationships),
        _key_names(table),
    )


@lru_cache(maxsize=64)
def _update(table: Table, columns: tuple[str, ...]) -> Update:
    """The UPDATE of these columns by primary key, built once: a statement object used again
    is compiled from SQLAlchemy's cache without building (and hashing) its clauses anew."""
    names = _key_names(table)
    keys = zip(table.primary_key, names, strict=True)
    where = [column == bindparam(name) for column, name in keys]
    values = {c: bindparam(c, type_=table.c[c].type) for c in columns}
    return update(table).where(*where).values(values)


def _key_names(table: Table) -> tuple[str, ...]:
    # Named apart from the columns, which the SET clause binds under their own names.
    return tuple(f"pk_{column.key}" for column in table.primary_key)
