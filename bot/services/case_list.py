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
from bot.core.extensions import shown_due

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session

    from bot.services.case_view_types import CaseListRow


def case_summaries(db: Connection | Session) -> list[CaseListRow]:
    """Every case with its unmet deadlines, the next first: two queries, however many cases
    there are. The later ones are there for the terminal to mark each that falls due while the
    council is closed (bot.core.closed_ahead), not only the next."""
    cases, deadlines = CASES.c, DEADLINES.c
    unmet: dict[int, list[tuple[str, date]]] = {}
    extended: dict[int, str] = {}
    # Closing stops every chase but a statutory notification still owed (as the digest lists
    # them): a closed case's other unmet clocks are no next deadline, OVERDUE or ACT TODAY.
    # The set bot.core.lifecycle.CHASED_WHEN_CLOSED names, read here without loading the
    # lifecycle, which `cases` does not pay for at start-up (tests/test_cli_imports.py).
    chased = (cases.status == "open") | deadlines.name.in_(clocks.STATUTORY_NOTICES)
    for case_id, name, due, first, extension in db.execute(
        select(
            deadlines.case_id,
            deadlines.name,
            deadlines.due,
            deadlines.first_due,
            deadlines.extension,
        )
        .join(CASES, cases.id == deadlines.case_id)
        .where(deadlines.met_at.is_(None), chased)
        .order_by(deadlines.due, deadlines.id)
    ):
        if case_id not in unmet and first is not None:
            extended[case_id] = shown_due(due, first, extension)  # the next one's
        unmet.setdefault(case_id, []).append((name, due))
    following = {case_id: found[0] for case_id, found in unmet.items()}
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
            "next_extended": extended.get(case_id),
            "later": [{"deadline": n, "due": d} for n, d in unmet.get(case_id, [])[1:]],
        }
        for case_id, ref, kind, status, stage, opened_at in rows
    ]
