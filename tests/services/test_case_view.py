"""One case's view (`tscp-bot case REF`) reads in SQLAlchemy Core, from columns it names itself,
so that the command loads neither the ORM nor the models: those columns must be the models',
read as the models read them, and the view the same whether its rows come from Core or from
the models a session loaded."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import JSON, Boolean, Date, Float, Integer, String, Text, select
from sqlalchemy.sql import TableClause

from bot.adapters.db.models import (
    ActionItem,
    AgencyRequest,
    Base,
    Case,
    CaseEvent,
    CaseField,
    Deadline,
    Meeting,
    MeetingResponse,
    OutboxDeliveryFailure,
    OutboxMessage,
    StoredMessage,
    Vote,
)
from bot.adapters.db.types import SafeText, UtcDateTime
from bot.services import case_view
from bot.services.case_view import agency_names, case_detail, find_case_row, panel_members
from bot.services.meeting_replies import meeting_views
from tests.services.test_lifecycle import BM, HEALTH, LA, POLICE, Bot, reply

REF = "TSCP-2026-0001"
TABLES: list[tuple[TableClause, type[Base]]] = [
    (case_view.CASES, Case),
    (case_view.DEADLINES, Deadline),
    (case_view.EVENTS, CaseEvent),
    (case_view.VOTES, Vote),
    (case_view.REQUESTS, AgencyRequest),
    (case_view.ACTIONS, ActionItem),
    (case_view.FIELDS, CaseField),
    (case_view.MEETINGS, Meeting),
    (case_view.RESPONSES, MeetingResponse),
    (case_view.MESSAGES, StoredMessage),
    (case_view.OUTBOX, OutboxMessage),
    (case_view.FAILURES, OutboxDeliveryFailure),
]


@pytest.mark.parametrize(("core", "model"), TABLES, ids=[t.name for t, _ in TABLES])
def test_the_view_s_columns_are_the_models(core: TableClause, model: type[Base]) -> None:
    assert core.name == model.__tablename__
    for name, col in core.c.items():
        mapped = model.__table__.c[name]
        for kind in (UtcDateTime, Date, Integer, Boolean, Float, JSON):
            if isinstance(col.type, kind):
                assert isinstance(mapped.type, kind), name
                break
        else:  # text: read as it is stored
            assert isinstance(mapped.type, SafeText | String | Text), name


def _typed(value: object) -> object:
    """The value with the type of every part of it, so that 1 is not taken for True."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_typed(v) for v in value]
    return (type(value).__name__, value)


def test_core_reads_what_the_orm_reads(bot: Bot) -> None:
    bot.at("2026-12-16T11:00").mail(LA, reply(REF), "Vote: rapid review")
    bot.mail(POLICE, reply(REF), "Vote: Rapid Review")
    bot.mail(HEALTH, reply(REF), "Vote: no further action")
    bot.at("2026-12-16T12:00").mail(BM, reply(REF), "Notifiable: yes\nAware: 15/12/2026")
    bot.run()
    bot.at("2026-12-18T10:00").mail(
        BM,
        reply(REF),
        "Agencies: gmp, icb\nReview period: 1 June 2026 to 15 December 2026\nReturn by: 05/01/2027",
    )
    bot.run()
    app, today = bot.app, date(2027, 1, 6)
    names, members = agency_names(app.config), panel_members(app.config)
    with app.engine.connect() as connection:
        row = find_case_row(connection, REF.lower())
        assert row is not None
        core = case_detail(connection, row, today, names, members)
    with app.sessions() as session:
        case = session.scalars(select(Case).where(Case.ref == REF)).one()
        orm = case_detail(session, case, today, names, members)
        assert meeting_views(session, app, case) == orm["meetings"]
    assert core["votes"] and core["returns"] and core["meetings"]
    assert _typed(core) == _typed(orm)
