"""Whether a stored message repeats one already stored under the same Message-ID: a reused
Message-ID (a resend, or a forgery) for a person to look at, or the same email delivered
again by another route, acted on once (bot.adapters.redelivery)."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, aliased

from bot.adapters.db.models import StoredMessage
from bot.adapters.db.raw import MissingRaw
from bot.adapters.redelivery import same_email


def message_id_reused(session: Session, row: StoredMessage) -> bool:
    # Only earlier rows are read, which nothing pending in this transaction changes: no flush.
    with session.no_autoflush:
        earlier = session.scalar(
            select(StoredMessage.id)
            .where(StoredMessage.message_id == row.message_id, StoredMessage.id < row.id)
            .limit(1)
        )
    return earlier is not None


def earlier_copy(session: Session, row: StoredMessage, raw: bytes) -> int | None:
    """The earlier message under the same Message-ID that this one is, delivered again by
    another route, if one is (bot.adapters.redelivery); None for a different message."""
    with session.no_autoflush:
        earlier = session.scalars(
            select(StoredMessage)
            .where(StoredMessage.message_id == row.message_id, StoredMessage.id < row.id)
            .order_by(StoredMessage.id)
            .limit(_COPIES_COMPARED)
        ).all()
    for other in earlier:
        try:
            if same_email(other.raw, raw):
                return other.id
        except MissingRaw:  # purged: it cannot be compared, so a person looks
            continue
    return None


# A Message-ID shared by more than a few emails is no one's redelivery.
_COPIES_COMPARED = 5


def message_ids_reused(session: Session, row_ids: list[int]) -> set[int]:
    """Of these rows, those whose Message-ID an earlier row already carries: what
    message_id_reused says of each, in one query for a batch. Every row is stored before
    the batch is processed, and processing never changes a Message-ID, so asking up front
    gives the same answers as asking message by message."""
    if not row_ids:
        return set()
    earlier = aliased(StoredMessage)
    return set(
        session.scalars(
            select(StoredMessage.id).where(
                StoredMessage.id.in_(row_ids),
                exists().where(
                    earlier.message_id == StoredMessage.message_id,
                    earlier.id < StoredMessage.id,
                ),
            )
        )
    )
