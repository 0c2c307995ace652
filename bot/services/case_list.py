"""The list of cases (`tscp-bot cases`): the case table and its unmet deadlines, nothing more.

Read in SQLAlchemy Core from the columns it needs, named below: loading the ORM and mapping
every model cost the listing more than half of its start-up, for two queries that map
nothing. tests/services/test_case_list.py holds these columns to the models'.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select

from bot.adapters.db.read_tables import CASES, DEADLINES
from bot.core import deadlines as clocks

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session

    from bot.services.case_view_types import CaseSummary


def case_summaries(db: Connection | Session) -> list[CaseSummary]:
    """Every case with its next unmet deadline: two queries, however many cases there are."""
    cases, deadlines = CASES.c, DEADLINES.c
    following: dict[int, tuple[str, date]] = {}
    # Closing stops every chase but a statutory notification still owed (as the digest lists
    # them): a closed case's other unmet clocks are no next deadline, OVERDUE or ACT TODAY.
    chased = (cases.status == "open") | deadlines.name.in_(clocks.STATUTORY_NOTICES)
    for case_id, name, due in db.execute(
        select(deadlines.case_id, deadlines.name, deadlines.due)
        .join(CASES, cases.id == deadlines.case_id)
        .where(deadlines.met_at.is_(None), chased)
        .order_by(deadlines.due, deadlines.id)
    ):
        following.setdefault(case_id, (name, due))
    rows = db.execute(
        select(
            cases.id, cases.ref, cases.kind, cases.status, cases.stage, cases.opened_at
        ).order_by(cases.id)
    )
    return [
        {
            "ref": ref,
            "kind": kind,
            "status": status,
            "stage": stage,
            "opened_at": opened_at,
            "next_deadline": following[case_id][0] if case_id in following else None,
            "next_due": following[case_id][1] if case_id in following else None,
        }
        for case_id, ref, kind, status, stage, opened_at in rows
    ]
