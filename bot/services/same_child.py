"""Whether a new SIN is another agency's notification of a child an open case is about: the
police and the hospital each send a SIN about one child and one incident, and each opens a
case (bot.services.repeats flags the same referrer's SIN sent again; this, any referrer's).

The forms must agree on a child's date of birth (any child either form names: a sibling one
agency named second, another first), or an unborn child's expected date of delivery, and on
that child's initials or the incident date. The date of birth alone is not enough: twins share
it, and so, in a borough, do several children born on one day. Twins reported by two agencies
for two incidents are two notifications, and nothing on the forms but the names and the
incident dates tells them apart. With the initials as well it is one child (a second incident
of one child is still for a person to see); with the incident date, one incident, whatever each
agency wrote of the name ("Baby Invented" at the hospital, "Quinn Zed Invented" to the police).
Twins hurt in one incident are flagged too: a person sees at a glance that they are two. One
referrer who wrote two different names has told us of two children, as bot.services.repeats
holds ("two children, whatever the covering email says"), so that pair is not flagged here
either.

A flag only, never a merge or a hold, as for a resend. The dates are looked up in the database
and never logged or put in the flag's words; the initials are, as in every email. Which child
found is the form's is decided in bot.core.form_identity.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, bindparam, literal_column, select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, CaseField
from bot.adapters.db.models.cases import CHILD_DATES
from bot.core.form_identity import KnownChild, form_key, match_child
from bot.core.forms import Extraction
from bot.services.repeats import WITHIN, Earlier


def same_child(
    session: Session, new: Case, form: Extraction | None, now: datetime
) -> Earlier | None:
    """The open review case of the last WITHIN, from any referrer, whose SIN form named one of
    the children `form` names, on the same date of birth (or expected date of delivery) and
    with the same initials or incident date; None when there is none, or no child of `form`
    can be looked up. One query, by the index of the children's dates (migration 0031),
    however many children either form names."""
    key = form_key(form)
    if key is None:
        return None
    values = {
        "dates": key.dates(),
        "since": now - WITHIN,
        # A new case not yet written has no id, nor any field in the table to be found by.
        "case_id": new.id if new.id is not None else 0,  # ids start at 1
    }
    # Columns, not the case: the flag needs only its reference and day. On the connection, so
    # nothing is flushed, as in bot.services.repeats: the new case and its fields are not
    # written yet (bot.services.held_rows), and nothing this message changes decides the match.
    rows = session.connection().execute(_QUERY, values).all()
    found = [
        KnownChild(ref, received_on, referrer or "", field, born, name or "", incident or "")
        for ref, received_on, referrer, field, born, name, incident in rows
    ]
    match = match_child(key, new.referrer_email or "", found)
    if match is None:
        return None
    known, shared = match
    return Earlier(known.ref, known.received_on, shared)


_CASES, _FIELDS = Case.__table__, CaseField.__table__
_BORN, _NAME, _INCIDENT = _FIELDS.alias("born"), _FIELDS.alias("named"), _FIELDS.alias("incident")


def _query() -> Select[Any]:
    """Every open case's child born (or due) on one of the dates, with its name and the case's
    incident date, newest case first: a handful of rows, which the core sorts out. A Core
    statement built once: built afresh for every SIN, as an ORM query, it cost more than its
    answer."""
    cases, born, named, happened = _CASES.c, _BORN.c, _NAME.c, _INCIDENT.c
    # Written out, not bound: the index holds only these rows, and a planner given parameters
    # here (a PostgreSQL generic plan; SQLite always) cannot tell the query wants only them.
    dated = born.name.in_([literal_column(repr(name)) for name in CHILD_DATES])
    return (
        select(
            cases.ref,
            cases.sin_received_on,
            cases.referrer_email,
            born.name,
            born.value,
            named.value,
            happened.value,
        )
        .select_from(
            _CASES.join(_BORN, born.case_id == cases.id)
            .outerjoin(
                _NAME,
                and_(
                    named.case_id == cases.id,
                    named.scope == born.scope,
                    named.name == "child_name",
                ),
            )
            .outerjoin(
                _INCIDENT,
                and_(
                    happened.case_id == cases.id,
                    happened.scope == "sin",
                    happened.name == "incident_date",
                ),
            )
        )
        .where(
            dated,
            born.value.in_(bindparam("dates", expanding=True)),
            cases.kind == "review",
            cases.status == "open",
            cases.opened_at >= bindparam("since"),
            cases.id != bindparam("case_id"),
        )
        .order_by(cases.opened_at.desc(), cases.id.desc())
    )


_QUERY = _query()
