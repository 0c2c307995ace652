"""Which refusals wait in the digest: one sent by email, which its sender may not have read,
and not one typed at the terminal, which was said there and then to the one who typed it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.adapters.db.models import Case
from bot.core.commands import parse_commands
from bot.services.commands import Outcome, run_command
from bot.services.review import Actor
from tests.services.test_lifecycle import BM, Bot, reply
from tests.services.test_outside_bodies import digest_text


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
