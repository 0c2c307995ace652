"""The database schema: typed SQLAlchemy 2 models, one DeclarativeBase (models.base).

Every model module is imported here, so that Base.metadata (what Alembic compares the
migrations with) holds every table whichever model a caller imports.
"""

from __future__ import annotations

from bot.adapters.db.models.base import Base
from bot.adapters.db.models.cases import (
    ActionItem,
    AgencyRequest,
    Case,
    CaseCounter,
    CaseEvent,
    CaseField,
    ChronologyEntry,
    Deadline,
    Vote,
)
from bot.adapters.db.models.meetings import Meeting, MeetingResponse
from bot.adapters.db.models.messages import MessageRaw, StoredMessage
from bot.adapters.db.models.operations import (
    BotInstance,
    CalendarState,
    JobHealth,
    JobLease,
    JunkSeen,
    MailboxState,
    PurgeRecord,
    StuckMessage,
)
from bot.adapters.db.models.outbox import OutboxDeliveryFailure, OutboxMessage

__all__ = [
    "ActionItem",
    "AgencyRequest",
    "Base",
    "BotInstance",
    "CalendarState",
    "Case",
    "CaseCounter",
    "CaseEvent",
    "CaseField",
    "ChronologyEntry",
    "Deadline",
    "JobHealth",
    "JobLease",
    "JunkSeen",
    "MailboxState",
    "Meeting",
    "MeetingResponse",
    "MessageRaw",
    "OutboxDeliveryFailure",
    "OutboxMessage",
    "PurgeRecord",
    "StoredMessage",
    "StuckMessage",
    "Vote",
]
