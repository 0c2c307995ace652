"""The list of cases reads two tables in SQLAlchemy Core (so that `tscp-bot cases` loads neither
the ORM nor the models; tests/adapters/test_read_tables.py holds their columns to the models'):
the same rows as through the models."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.adapters.db.models import Case
from bot.core.lifecycle import Stage
from bot.services.case_list import case_summaries
from tests.services.test_lifecycle import BM, Bot, reply


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
    opened_at = row["opened_at"]
    assert isinstance(opened_at, datetime)
    assert opened_at == case.opened_at and opened_at.tzinfo == UTC
    assert row["next_due"] == due and type(due) is type(row["next_due"])
    assert (row["kind"], row["status"], row["stage"]) == (case.kind, case.status, case.stage)


def test_a_closed_case_lists_no_deadline_that_closing_stopped_chasing(bot: Bot) -> None:
    # Its Appendix B return was never made: `tscp-bot cases` must not call the closed case
    # OVERDUE, or ACT TODAY, for a chase the bot and the digest have both stopped.
    bot.at("2026-12-16T10:00").mail(
        BM,
        reply("TSCP-2026-0001"),
        "Decision: rapid review\nNotified: 16/12/2026\nAgencies: gmp\n"
        "Review period: 1 June 2026 to 15 December 2026\nReturn by: 22/12/2026",
    )
    bot.run()
    assert bot.case().stage == Stage.RAPID_REVIEW.value
    bot.at("2026-12-17T10:00").mail(BM, reply("TSCP-2026-0001"), "Close: referred elsewhere")
    bot.run()
    assert bot.case().status == "closed"

    with bot.app.engine.connect() as connection:
        [row] = case_summaries(connection)
    assert (row["next_deadline"], row["next_due"]) == (None, None)
