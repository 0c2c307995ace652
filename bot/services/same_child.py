"""Whether a new SIN is another agency's notification of a child an open case is about: the
police and the hospital each send a SIN about one child and one incident, and each opens a
case (bot.services.repeats flags the same referrer's SIN sent again; this, any referrer's).

The forms must agree on the first child's date of birth, and on the child's initials or the
incident date. The date of birth alone is not enough: twins share it, and so, in a borough, do
several children born on one day. Twins reported by two agencies for two incidents are two
notifications, and nothing on the forms but the names and the incident dates tells them
apart. With the initials as well it is one child (a second incident of one child is still for
a person to see); with the incident date, one incident, whatever each agency wrote of the
name ("Baby Invented" at the hospital, "Quinn Zed Invented" to the police). Twins hurt in one
incident are flagged too: a person sees at a glance that they are two. One referrer who wrote
two different names has told us of two children, as bot.services.repeats holds ("two
children, whatever the covering email says"), so that pair is not flagged here either.

A flag only, never a merge or a hold, as for a resend. The date of birth is compared in the
database and never logged or put in the flag's words; the initials are, as in every email.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, and_, bindparam, case, literal_column, or_, select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, CaseField
from bot.core.form_identity import child_key, shared_child
from bot.core.forms import Extraction
from bot.services.repeats import WITHIN, Earlier


def same_child(
    session: Session, new: Case, form: Extraction | None, now: datetime
) -> Earlier | None:
    """The open review case of the last WITHIN, from any referrer, whose SIN form gave the
    same first child's date of birth as `form` and the same initials or incident date; None
    when there is none, or `form` gave no readable date of birth. One query, by the index of
    dates of birth (migration 0029), for one row."""
    key = child_key(form)
    if key is None:
        return None
    query = _query(
        bool(key.initials), bool(key.incident), bool(key.initials and new.referrer_email)
    )
    values = {
        "born": key.born,
        "initials": key.initials,
        "incident": key.incident,
        "referrer": new.referrer_email,
        "since": now - WITHIN,
        # A new case not yet written has no id, nor any field in the table to be found by.
        "case_id": new.id if new.id is not None else 0,  # ids start at 1
    }
    # Columns, not the case: the flag needs only its reference and day. On the connection, so
    # nothing is flushed, as in bot.services.repeats: the new case and its fields are not
    # written yet (bot.services.held_rows), and nothing this message changes decides the match.
    found = session.connection().execute(query, values).first()
    if found is None:
        return None
    ref, received_on, initials, incident = found
    return Earlier(ref, received_on, shared_child(key, initials, incident or ""))


_CASES, _FIELDS = Case.__table__, CaseField.__table__
_BORN, _INCIDENT = _FIELDS.alias("born"), _FIELDS.alias("incident")


@lru_cache(maxsize=8)
def _query(initials: bool, incident: bool, one_referrer: bool) -> Select[Any]:
    """The query for what the new form gave (its initials, its incident date), and whether one
    referrer's other children are left out. A Core statement built once each: built afresh for
    every SIN, as an ORM query, it cost more than its answer."""
    cases, born, happened = _CASES.c, _BORN.c, _INCIDENT.c
    agrees = []
    if initials:
        agrees.append(cases.initials == bindparam("initials"))
    if incident:
        agrees.append(happened.value == bindparam("incident"))
    where = [
        # Written out, not bound: the index holds only these rows, and a planner given a
        # parameter here (a PostgreSQL generic plan) cannot tell the query wants only them.
        born.name == literal_column("'date_of_birth'"),
        born.scope == "child:1",
        born.value == bindparam("born"),
        cases.kind == "review",
        cases.status == "open",
        cases.opened_at >= bindparam("since"),
        cases.id != bindparam("case_id"),
        or_(*agrees),
    ]
    if one_referrer:
        where.append(
            or_(
                cases.referrer_email != bindparam("referrer"),
                cases.initials == "",
                cases.initials == bindparam("initials"),
            )
        )
    # The same initials before the same incident alone, then the newest.
    first = [case((agrees[0], 0), else_=1)] if initials else []
    return (
        select(cases.ref, cases.sin_received_on, cases.initials, happened.value)
        .select_from(
            _CASES.join(_BORN, born.case_id == cases.id).outerjoin(
                _INCIDENT,
                and_(
                    happened.case_id == cases.id,
                    happened.scope == "sin",
                    happened.name == "incident_date",
                ),
            )
        )
        .where(*where)
        .order_by(*first, cases.opened_at.desc(), cases.id.desc())
        .limit(1)
    )
