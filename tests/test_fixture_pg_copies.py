"""The PostgreSQL copies every database test starts from (tests/fixtures/pg_copies.py): a
database goes to the next test only as a fresh copy would be, or not at all."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.fixtures.database import PG_ENV, SchemaTemplates, _admin, _migrated
from tests.fixtures.pg_copies import PostgresCopies

pytestmark = pytest.mark.skipif(not os.environ.get(PG_ENV), reason=f"{PG_ENV} not set")

PURGE = (
    "INSERT INTO purge_log (purged_at, rule, kind, reference, since, removed, run_by) "
    "VALUES (now(), 'closed_cases_years=35', 'case', 'TSCP-2026-0001', now(), '{}', 'test') "
    "RETURNING id"
)


@pytest.fixture
def copies(schema_templates: SchemaTemplates) -> Iterator[PostgresCopies]:
    made = PostgresCopies(os.environ[PG_ENV], schema_templates.postgres_template(), _admin)
    yield made
    made.close()


@pytest.fixture
def empties() -> Iterator[PostgresCopies]:
    made = PostgresCopies(os.environ[PG_ENV], None, _admin)
    yield made
    made.close()


def sql(url: str, statement: str) -> object:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            result = conn.execute(text(statement))
            return result.scalar() if result.returns_rows else None
    finally:
        engine.dispose()


def databases() -> set[str]:
    found = sql(
        os.environ[PG_ENV],
        "SELECT string_agg(datname, ' ') FROM pg_database WHERE datname LIKE 'tscp_test_%'",
    )
    return set(str(found or "").split())


def test_the_next_test_gets_the_same_database_with_no_rows_and_ids_from_one(
    copies: PostgresCopies,
) -> None:
    with copies.copy() as first:
        assert sql(first, PURGE) == 1
        assert sql(first, PURGE) == 2
        sql(first, "INSERT INTO case_counters (year, last_number) VALUES (2026, 7)")
    with copies.copy() as second:
        assert second == first
        assert sql(second, "SELECT count(*) FROM case_counters") == 0
        assert sql(second, PURGE) == 1
        assert sql(second, "SELECT count(*) FROM alembic_version") == 1


def test_a_database_whose_schema_a_test_changed_is_dropped_not_reused(
    copies: PostgresCopies,
) -> None:
    with copies.copy() as first:
        sql(first, "ALTER TABLE purge_log ADD COLUMN extra integer")
    with copies.copy() as second:
        assert second != first
        assert (
            sql(
                second,
                "SELECT count(*) FROM information_schema.columns "
                "WHERE table_name = 'purge_log' AND column_name = 'extra'",
            )
            == 0
        )
    assert make_url(first).database not in databases()


def test_a_connection_a_test_left_open_is_ended_before_the_wipe(copies: PostgresCopies) -> None:
    with copies.copy() as first:
        left = create_engine(first).connect()
        left.execute(text(PURGE))  # uncommitted, holding its locks
    try:
        with copies.copy() as second:
            assert second == first
            assert sql(second, "SELECT count(*) FROM purge_log") == 0
        with pytest.raises(Exception, match="terminat"):
            left.execute(text("SELECT 1"))
    finally:
        left.invalidate()


def test_rows_written_after_the_wipe_mean_a_new_database_and_a_warning(
    copies: PostgresCopies,
) -> None:
    with copies.copy() as first:
        pass
    sql(first, PURGE)  # as a process that outlived its test would
    warned = pytest.warns(UserWarning, match="written to after its test ended")
    with warned, copies.copy() as second:
        assert second != first
        assert sql(second, "SELECT count(*) FROM purge_log") == 0
    assert make_url(first).database not in databases()


def test_closing_drops_every_spare_database(copies: PostgresCopies) -> None:
    with copies.copy() as first, copies.copy() as second:
        names = {make_url(first).database, make_url(second).database}
    assert names <= databases()
    copies.close()
    assert not names & databases()


TABLES = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"


def test_an_empty_database_a_test_migrated_comes_back_empty(empties: PostgresCopies) -> None:
    with empties.copy() as first:
        _migrated(first)
        assert sql(first, TABLES)  # the schema, alembic_version among it
    with empties.copy() as second:
        assert second == first
        assert sql(second, TABLES) == 0
        _migrated(second)  # from empty again: no version left behind
        assert sql(second, PURGE) == 1


def test_an_empty_database_given_a_schema_of_its_own_is_dropped(empties: PostgresCopies) -> None:
    with empties.copy() as first:
        sql(first, "CREATE SCHEMA reports")
    with empties.copy() as second:
        assert second != first
        assert sql(second, "SELECT count(*) FROM pg_namespace WHERE nspname = 'reports'") == 0
    assert make_url(first).database not in databases()
