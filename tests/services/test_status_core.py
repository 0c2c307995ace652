"""`tscp-bot status` and the health readers read in SQLAlchemy Core, from columns they name
themselves (so that the command loads neither the ORM nor the models): those columns must be
the models', read as the models read them."""

from __future__ import annotations

import pytest
from sqlalchemy import Integer, String, Text
from sqlalchemy.sql import TableClause

from bot.adapters.db.models import (
    Base,
    BotInstance,
    JobHealth,
    JobLease,
    MailboxState,
    OutboxMessage,
    StoredMessage,
)
from bot.adapters.db.types import SafeText, UtcDateTime
from bot.services import health, status

TABLES: list[tuple[TableClause, type[Base]]] = [
    (health.JOB_HEALTH, JobHealth),
    (health.BOT_INSTANCES, BotInstance),
    (health.OUTBOX_ROWS, OutboxMessage),
    (status.MAILBOX_STATE, MailboxState),
    (status.JOB_LEASES, JobLease),
    (status.MESSAGES, StoredMessage),
]


@pytest.mark.parametrize(("core", "model"), TABLES, ids=[t.name for t, _ in TABLES])
def test_the_report_s_columns_are_the_models(core: TableClause, model: type[Base]) -> None:
    assert core.name == model.__tablename__
    for name, col in core.c.items():
        mapped = model.__table__.c[name]
        if isinstance(col.type, UtcDateTime):
            assert isinstance(mapped.type, UtcDateTime), name
        elif isinstance(col.type, Integer):
            assert isinstance(mapped.type, Integer), name
        else:
            assert isinstance(col.type, String), name
            assert isinstance(mapped.type, SafeText | String | Text), name
