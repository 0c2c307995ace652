"""Outgoing email: the outbox, and the delivery reports that say a recipient was not reached."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, LargeBinary, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.adapters.db.models.base import Base, SafeString, SafeText, UtcDateTime, intpk, text, utc

if TYPE_CHECKING:
    from bot.adapters.db.models.cases import Case


class OutboxMessage(Base):
    """Every outgoing email, written in the same transaction as the change that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_case_id", "case_id"),
        Index("ix_outbox_event_created", "event", "created_at"),
    )

    id: Mapped[intpk]
    idempotency_key: Mapped[str] = mapped_column(SafeString(300), unique=True)
    message_id: Mapped[str] = mapped_column(SafeString(300), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), default=None)
    event: Mapped[str] = mapped_column(SafeString(60))
    sender: Mapped[str] = mapped_column(SafeString(320))
    recipients: Mapped[list[str]] = mapped_column()
    subject: Mapped[text]
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[utc]
    # pending -> sent | failed (refused for good by the server; kept and shown in the digest)
    # | withdrawn (a chase no longer true when it could go: bot.services.stale_chases)
    # | held (an email to an outside body whose dates were no longer true on the day it could
    # go: bot.services.send_checks; approved again or replaced by a newer draft)
    status: Mapped[str] = mapped_column(SafeString(20), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[utc]
    last_error: Mapped[str | None] = mapped_column(SafeText(), default=None)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    # Mail to outside bodies waits as a draft until the Business Manager approves it.
    requires_approval: Mapped[bool] = mapped_column(default=False)
    approved_by: Mapped[str | None] = mapped_column(SafeString(320), default=None)
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    # A lease, so that two bot instances never send the same row at once.
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    # Set and committed before the SMTP transaction, cleared when its outcome is recorded: a
    # row claimed with it still set was being sent when the process died, and may have gone.
    attempt_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    # The dates it states to an outside body, as written (bot.core.stated_dates.Stated), looked
    # at again just before it is sent; None for every other email.
    stated: Mapped[dict[str, object] | None] = mapped_column(default=None)

    case: Mapped[Case | None] = relationship()


class OutboxDeliveryFailure(Base):
    """A delivery report saying an outbox email did not reach one of its recipients."""

    __tablename__ = "outbox_delivery_failures"
    __table_args__ = (UniqueConstraint("outbox_id", "recipient"),)

    id: Mapped[intpk]
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"), index=True)
    recipient: Mapped[str] = mapped_column(SafeString(320))
    # RFC 3463 code ("5.1.1"), "" when the report gave none; diagnostic is the server's words.
    status: Mapped[str] = mapped_column(SafeString(20), default="")
    diagnostic: Mapped[str] = mapped_column(SafeText(), default="")
    reported_at: Mapped[utc]
    # The stored bounce that said so.
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), default=None)

    outbox: Mapped[OutboxMessage] = relationship()
