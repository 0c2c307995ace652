"""One case's view (`tscp-bot case REF`) reads in SQLAlchemy Core, so that the command loads
neither the ORM nor the models (tests/adapters/test_read_tables.py holds the columns to the
models'): the view must be the same whether its rows come from Core or from the models a
session loaded."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.adapters.db.models import Case
from bot.services.case_view import agency_names, case_detail, find_case_row, panel_members
from bot.services.meeting_replies import meeting_views
from tests.services.test_lifecycle import BM, HEALTH, LA, POLICE, Bot, reply

REF = "TSCP-2026-0001"


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


def test_a_closed_case_shows_no_act_today_for_a_chase_closing_stopped(bot: Bot) -> None:
    # The return is due Sat 26 Dec; on Thu 24 Dec an open case says ACT TODAY. Once closed,
    # nobody chases it: `tscp-bot case` must not tell her to act on it today.
    bot.at("2026-12-16T10:00").mail(
        BM,
        reply(REF),
        "Decision: rapid review\nNotified: 16/12/2026\nAgencies: gmp\n"
        "Review period: 1 June 2026 to 15 December 2026\nReturn by: 26/12/2026",
    )
    bot.run()
    bot.at("2026-12-17T10:00").mail(BM, reply(REF), "Close: referred elsewhere")
    bot.run()
    app, today = bot.app, date(2026, 12, 24)
    with app.engine.connect() as connection:
        row = find_case_row(connection, REF.lower())
        assert row is not None and row.status == "closed"
        detail = case_detail(
            connection,
            row,
            today,
            agency_names(app.config),
            panel_members(app.config),
            lambda: app.calendar,
        )
    [chase] = [d for d in detail["deadlines"] if d["name"] == "appendix_b:gmp"]
    assert (chase["due"], chase["while_closed"]) == (date(2026, 12, 26), None)
    assert detail["next_deadline"] is None
