"""Dates kept earlier than their rule now gives, told to the Business Manager once.

Told by the deadline tick when the calendar changed (bot.services.recount), or by a re-timing
that would otherwise store a later day (bot.services.cases.set_deadline); whichever tells
first, the other finds the same news on the case and stays quiet.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, CaseEvent
from bot.core.recount import Recount

# The case event, which the digest lists under "Needs your attention" (bot.services.raised_flags).
KEPT = "deadline_kept_earlier"


def untold(session: Session, case: Case, kept: Sequence[Recount]) -> list[Recount]:
    """The kept dates not yet told on this case."""
    if case.id is None or not kept:
        return list(kept)
    told = session.scalars(
        select(CaseEvent.detail).where(CaseEvent.case_id == case.id, CaseEvent.what == KEPT)
    ).all()
    return [r for r in kept if not any(r.told_as() in detail for detail in told)]
