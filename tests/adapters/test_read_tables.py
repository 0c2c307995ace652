"""The read-only commands read in SQLAlchemy Core from tables they name column by column (so
that they load neither the ORM nor the models): every one of those columns must be the
models', read as the models read it."""

from __future__ import annotations

import pytest
from sqlalchemy import JSON, Boolean, Date, Float, Integer, String, Text
from sqlalchemy.sql import TableClause

from bot.adapters.db import read_tables
from bot.adapters.db.column_types import SafeText, UtcDateTime
from bot.adapters.db.models import Base

TABLES = [t for t in vars(read_tables).values() if isinstance(t, TableClause)]


def test_every_table_a_command_reads_is_checked() -> None:
    assert {"cases", "deadlines", "outbox", "messages", "job_health"} <= {t.name for t in TABLES}


@pytest.mark.parametrize("core", TABLES, ids=[t.name for t in TABLES])
def test_the_columns_are_the_models(core: TableClause) -> None:
    mapped_table = Base.metadata.tables[core.name]
    for name, col in core.c.items():
        mapped = mapped_table.c[name]
        for kind in (UtcDateTime, Date, Integer, Boolean, Float, JSON):
            if isinstance(col.type, kind):
                assert isinstance(mapped.type, kind), name
                break
        else:  # text: read as it is stored
            assert isinstance(col.type, String), name
            assert isinstance(mapped.type, SafeText | String | Text), name
