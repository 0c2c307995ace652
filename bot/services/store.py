"""Step one for every message: keep the raw bytes, before anything can go wrong."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from email.parser import BytesHeaderParser
from email.policy import compat32

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.adapters.db.models import StoredMessage
from bot.adapters.parsing import message_id_for
from bot.core.threading import normalise_message_id


@dataclass(frozen=True)
class Stored:
    id: int
    new: bool


def header_message_id(raw: bytes) -> str:
    """The Message-ID from the headers alone, so storing never depends on parsing the body."""
    try:
        headers = BytesHeaderParser(policy=compat32).parsebytes(raw)
        value = str(headers.get("Message-ID") or "")
    except Exception:
        value = ""
    found = normalise_message_id(value)
    return found or message_id_for(raw)


def store_raw(session: Session, raw: bytes, source_key: str, now: datetime) -> Stored:
    """Insert the message unless these exact bytes are already held; commit before returning."""
    digest = hashlib.sha256(raw).hexdigest()
    existing = session.scalar(select(StoredMessage).where(StoredMessage.sha256 == digest))
    if existing is not None:
        return _seen_again(session, existing, source_key)
    row = StoredMessage(
        sha256=digest,
        message_id=header_message_id(raw),
        raw=raw,
        size=len(raw),
        received_at=now,
        source_key=source_key,
    )
    session.add(row)
    try:
        session.commit()
    except IntegrityError:
        # Another bot instance stored the same bytes between our check and our insert.
        session.rollback()
        other = session.scalar(select(StoredMessage).where(StoredMessage.sha256 == digest))
        if other is None:
            raise
        return _seen_again(session, other, source_key)
    return Stored(row.id, new=True)


def _seen_again(session: Session, row: StoredMessage, source_key: str) -> Stored:
    row.duplicate_deliveries += 1
    row.source_key = source_key
    session.commit()
    return Stored(row.id, new=False)
