"""A partner in Wales signs off in Welsh ("Cofion,", "Cofion cynnes,", "Diolch,", "Yn
gywir,"). What follows is their signature (name, role, base, phone), not news: a vote signed
so is recorded, and the Business Manager is not alerted to a signature as if something had
happened ("Hartley Vale Hospital" has a word of news in it).

Mail goes in through the Maildir inbox and the real ingest path, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.adapters.db.models import Vote
from tests.services.test_lifecycle import POLICE, Bot, body_of, reply

SIGNATURE = (
    "Dana Invented\n"
    "Ditectif Ringyll | Detective Sergeant\n"
    "Hartley Vale Hospital\n"
    "Ff\u00f4n: 0161 496 0000\n"
)


@pytest.mark.parametrize("sign_off", ["Cofion,", "Cofion cynnes,", "Diolch,", "Yn gywir,"])
def test_a_vote_signed_off_in_welsh_is_recorded_and_its_signature_is_no_news(
    bot: Bot, sign_off: str
) -> None:
    body = f"Vote: rapid review\n\n{sign_off}\n{SIGNATURE}"
    bot.at("2026-12-16T13:45").mail(POLICE, reply("TSCP-2026-0001"), body)
    bot.run()
    with bot.app.sessions() as s:
        assert [v.choice for v in s.scalars(select(Vote))] == ["rapid_review"]
    assert [body_of(a) for a in bot.outbox("case_reply_alert")] == []
    assert bot.outbox("command_not_recognised") == []


def test_news_above_a_welsh_sign_off_still_reaches_her_without_the_signature(bot: Bot) -> None:
    news = "Mae'r plentyn yn yr ysbyty: the child was admitted to hospital last night."
    body = f"Vote: rapid review\n\n{news}\n\nCofion cynnes,\n{SIGNATURE}"
    bot.at("2026-12-16T13:45").mail(POLICE, reply("TSCP-2026-0001"), body)
    bot.run()
    [alert] = bot.outbox("case_reply_alert")
    shown = body_of(alert)
    assert f"  | {news}" in shown
    assert "Cofion" not in shown and "more lines in the email" not in shown
