"""What the digest names, and for how long: a refusal sent by email (its sender may not have
read the answer), not one typed at the terminal (said there and then); a return that came in,
once, the morning after."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.adapters.db.models import Case
from bot.core.commands import parse_commands
from bot.services.commands import Outcome, run_command
from bot.services.review import Actor
from tests.services.test_lifecycle import BM, Bot, gmp_asked_for_a_return, reply
from tests.services.test_outside_bodies import digest_text
from tests.services.test_returns_asked_again import gmp_returns


def _at_the_terminal(bot: Bot, line: str) -> Outcome:
    outcome, now = Outcome(), bot.app.clock.now()
    with bot.app.sessions() as s:
        case = s.scalars(select(Case)).one()
        for cmd in parse_commands(line, today=date(2026, 12, 16)).commands:
            actor = Actor("terminal:bm", "business_manager", "terminal", now)
            run_command(s, bot.app, case, cmd, actor, now, outcome)
        s.commit()
    return outcome


def test_a_refusal_at_the_terminal_is_not_repeated_in_the_digest(bot: Bot) -> None:
    bot.at("2026-12-16T11:00")
    assert _at_the_terminal(bot, "Published: 15/12/2026").errors  # no CSPR to publish
    bot.mail(BM, reply("TSCP-2026-0001"), "Published: 14/12/2026")
    bot.run()
    attention = digest_text(bot, "2026-12-17T08:05").split("NEEDS YOUR ATTENTION")[1]
    assert "Published: 14/12/2026" in attention  # by email: she may not have read the answer
    assert "Published: 15/12/2026" not in attention


def test_a_return_that_came_in_is_named_in_the_next_digest_then_counted(bot: Bot) -> None:
    gmp_asked_for_a_return(bot)
    gmp_returns(bot, "2026-12-18T10:00", 1)
    first = digest_text(bot, "2026-12-21T08:05")
    section = first.split("APPENDIX B RETURNS", 1)[1].split("ACTIONS", 1)[0]
    [line] = [x for x in section.splitlines() if "TSCP-2026-0001" in x]
    assert "received" in line and "Greater Manchester Police" in line
    assert "Appendix B returns        0 (0 overdue)" in first  # nothing awaited
    second = digest_text(bot, "2026-12-22T08:05")
    assert "TSCP-2026-0001" not in second.split("APPENDIX B RETURNS", 1)[1].split("ACTIONS")[0]
    assert "0 (0 overdue); 1 received earlier, not listed" in second
