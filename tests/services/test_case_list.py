"""The list of cases reads two tables in SQLAlchemy Core, from columns it names itself (so that
`tscp-bot cases` loads neither the ORM nor the models): those columns must be the models',
read as the models read them."""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import Date, Integer, select

from bot.adapters.db.models import Case, Deadline
from bot.adapters.db.types import SafeString, UtcDateTime
from bot.core.lifecycle import Stage
from bot.services.case_list import CASES, DEADLINES, case_summaries
from tests.services.test_lifecycle import Bot


def test_the_listing_s_columns_are_the_models() -> None:
    for core, model in ((CASES, Case), (DEADLINES, Deadline)):
        assert core.name == model.__tablename__
        for name, col in core.c.items():
            mapped = model.__table__.c[name]
            if isinstance(col.type, UtcDateTime):
                assert isinstance(mapped.type, UtcDateTime), name
            elif isinstance(col.type, Date):
                assert isinstance(mapped.type, Date), name
            elif isinstance(col.type, Integer):
                assert isinstance(mapped.type, Integer), name
            else:
                assert isinstance(mapped.type, SafeString), name


def test_a_new_case_s_stage_is_the_lifecycle_s_first() -> None:
    """The models write the first stage's value out rather than import the lifecycle table."""
    default = Case.__table__.c.stage.default
    assert default is not None and getattr(default, "arg", None) == Stage.SCREENING.value


def test_core_reads_what_the_orm_reads(bot: Bot) -> None:
    app = bot.app
    with app.engine.connect() as connection:
        listed = case_summaries(connection)
    with app.sessions() as session:
        assert case_summaries(session) == listed  # the same through a session
        case = session.scalars(select(Case)).one()
        due = min(d.due for d in case.deadlines if d.met_at is None)
    [row] = listed
    assert row["ref"] == case.ref == "TSCP-2026-0001"
    assert row["opened_at"] == case.opened_at and row["opened_at"].tzinfo == UTC  # type: ignore[union-attr]
    assert row["next_due"] == due and type(due) is type(row["next_due"])
    assert (row["kind"], row["status"], row["stage"]) == (case.kind, case.status, case.stage)
