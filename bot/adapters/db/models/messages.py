"""Incoming email: one row per message received, and its bytes apart in their own table."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, LargeBinary
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship

from bot.adapters.db.models.base import Base, SafeString, SafeText, UtcDateTime, intpk, utc
from bot.adapters.db.raw import read_raw

if TYPE_CHECKING:
    from bot.adapters.db.models.cases import Case


class StoredMessage(Base):
    """One incoming email exactly as received: the evidential record."""

    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_status", "status"),
        Index("ix_messages_case_id", "case_id"),
    )

    id: Mapped[intpk]
    sha256: Mapped[str] = mapped_column(SafeString(64), unique=True)
    message_id: Mapped[str] = mapped_column(SafeString(998), index=True)
    size: Mapped[int]
    # When it arrived in the mailbox (every clock it starts counts from here) ...
    received_at: Mapped[utc]
    # ... and when the bot read it; the two differ by a weekend when the bot was down.
    fetched_at: Mapped[utc]
    # "mailbox": received_at is the server's arrival time. "fetch_time": the server gave none,
    # so received_at is fetched_at and every date counted from it says so.
    received_source: Mapped[str] = mapped_column(SafeString(20), default="mailbox")
    # Graph's message ids alone run to ~150 characters; with the Internet Message-ID beside.
    source_key: Mapped[str] = mapped_column(SafeString(1000), default="")
    # stored -> processed | quarantined; "stored" rows are still to be worked on.
    status: Mapped[str] = mapped_column(SafeString(20), default="stored")
    attempts: Mapped[int] = mapped_column(default=0)
    # Processing attempts begun and not finished, committed before each (bot.services.begun):
    # more than zero on a stored message means the process processing it died.
    begun: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(SafeText(), default=None)
    processed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    released_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    # When it was first among the messages whose shared unknown database error stopped the
    # mail pass (bot.services.process_stored): the hold is bounded from here.
    held_since: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    duplicate_deliveries: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str | None] = mapped_column(SafeString(20), default=None)
    rule: Mapped[str | None] = mapped_column(SafeString(100), default=None)
    # What the rules made of it (reasons, hits, misses), what is kept of it to compare later
    # mail with (bot.services.repeats), and the cases a person opened from its SIN forms
    # (bot.services.triage_new_case).
    classification: Mapped[dict[str, object]] = mapped_column(default=dict)
    flags: Mapped[list[str]] = mapped_column(default=list)
    subject: Mapped[str] = mapped_column(SafeText(), default="")
    from_addr: Mapped[str] = mapped_column(SafeString(320), default="")
    needs_triage: Mapped[bool] = mapped_column(default=False)
    triage_reason: Mapped[str | None] = mapped_column(SafeText(), default=None)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), default=None)

    case: Mapped[Case | None] = relationship()

    @property
    def raw(self) -> bytes:
        """The bytes as received, read now from their own table (MessageRaw): never loaded
        with the row, never kept on it. bot.services.store writes them."""
        session = object_session(self)
        if session is None:
            raise RuntimeError(f"message #{self.id} is in no session: its bytes cannot be read")
        return read_raw(session, self.id, self.size)


class MessageRaw(Base):
    """The bytes of one incoming email, exactly as received, apart from its row.

    Apart so that the row's many updates (status, processed_at, released_at, ...) never
    rewrite them (SQLite writes a whole row on every UPDATE), and so that no query of the
    rows (lists, the digest, release) loads them. Deleted with their message.
    """

    __tablename__ = "message_raw"

    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    data: Mapped[bytes] = mapped_column(LargeBinary)
