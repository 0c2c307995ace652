"""Confirmations write dates as the digest does ("Mon 14 Dec 2026"), never as numbers: some
readers take 11/01/2027 for 1 November. Through the Maildir inbox and the real ingest path."""

from __future__ import annotations

import re

from tests.services.test_lifecycle import BM, Bot, body_of, reply

NUMERIC = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b")


def test_a_confirmation_writes_the_dates_it_worked_out_in_words(bot: Bot) -> None:
    bot.at("2026-12-16T11:00").mail(BM, reply("TSCP-2026-0001"), "Aware: 14/12/2026")
    bot.run()
    [told] = bot.outbox("command_result")
    text = body_of(told).replace("\r\n", "\n")
    outcome = text.split("> Aware: 14/12/2026", 1)[1]
    assert "local authority aware Mon 14 Dec 2026" in outcome, text
    assert "Mon 21 Dec 2026" in outcome, text
    assert NUMERIC.search(outcome) is None, text
