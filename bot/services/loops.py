"""What the loop guard (bot.core.loop_guard) is told: the acknowledgements one address was
sent in the day before a message arrived."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from bot.adapters.db.models import OutboxMessage
from bot.services.return_receipt import RETURN_RECEIPT

# The kinds of mail the guard limits, and the acknowledgements it counts: one per kind, and
# the receipts for Appendix B returns (which may come as any reply on a case).
GUARDED_KINDS = ("complaint", "escalation")
ACKNOWLEDGEMENTS = (*(f"{kind}_acknowledgement" for kind in GUARDED_KINDS), RETURN_RECEIPT)


def acknowledged_since(session: Session | None, address: str, arrived: datetime, limit: int) -> int:
    """How many (up to the guard's `limit`: no more is ever needed) acknowledgements went to
    `address` from a day before `arrived`."""
    if session is None or "@" not in address or '"' in address:
        return 0
    # Recipients are a JSON list of lower-cased addresses, each written in quotes.
    named = func.lower(cast(OutboxMessage.recipients, String)).like(f'%"{address.lower()}"%')
    found = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.event.in_(ACKNOWLEDGEMENTS),
            OutboxMessage.created_at >= arrived - timedelta(days=1),
            named,
        )
        .limit(limit)
    )
    return session.scalar(select(func.count()).select_from(found.subquery())) or 0
