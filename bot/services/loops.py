"""What the loop guard (bot.core.loop_guard) is told: the acknowledgements one address was
sent in the day before a message arrived."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Integer, String, bindparam, cast, func, select
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
    since = arrived - timedelta(days=1)
    pattern = f'%"{address.lower()}"%'
    found = session.scalar(_SENT_TO, {"since": since, "pattern": pattern, "limit": limit})
    return found or 0


# Built once, as every complaint, escalation and Appendix B return asks: building it per
# message cost more than its answer. Recipients are a JSON list of lower-cased addresses,
# each written in quotes.
_SENT_TO = select(func.count()).select_from(
    select(OutboxMessage.id)
    .where(
        OutboxMessage.event.in_(ACKNOWLEDGEMENTS),
        OutboxMessage.created_at >= bindparam("since"),
        func.lower(cast(OutboxMessage.recipients, String)).like(bindparam("pattern")),
    )
    .limit(bindparam("limit", type_=Integer))
    .subquery()
)
