"""The digest's Screening Panels: a panel whose time passed with no decision stays listed, with
each partner's vote and who has not voted, until its decision is recorded."""

from __future__ import annotations

import email
from datetime import datetime
from email import policy

from sqlalchemy import select

from bot.adapters.db.models import Meeting, OutboxMessage
from bot.services.daily_digest import send_digest_if_due
from tests.services.test_lifecycle import BM, POLICE, Bot, reply
from tests.services.test_outside_bodies import digest_text


def section(text: str, title: str, after: str) -> str:
    return text.split(title, 1)[1].split(after, 1)[0]


def digest_html(bot: Bot, when: str) -> str:
    bot.at(when)
    assert send_digest_if_due(bot.app)
    row: OutboxMessage = bot.outbox("daily_digest")[-1]
    msg = email.message_from_bytes(row.raw, policy=policy.default)
    part = msg.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())


def test_a_panel_whose_time_passed_undecided_stays_listed_with_who_has_not_voted(
    bot: Bot,
) -> None:
    bot.at("2026-12-16T11:00").mail(POLICE, reply("TSCP-2026-0001"), "Vote: no further action")
    bot.run()
    with bot.app.sessions() as s:
        start = s.scalars(select(Meeting.start)).one()
    assert start < datetime.fromisoformat("2026-12-21T08:05+00:00")
    text = digest_text(bot, "2026-12-21T08:05")
    panels = section(text, "SCREENING PANELS", "APPENDIX B RETURNS")
    assert "TSCP-2026-0001" in panels and "TIME PASSED, NOT DECIDED" in panels
    assert "Votes: no majority yet; waiting for Local authority, Health" in panels
    lines = [" ".join(x.split()) for x in panels.splitlines()]
    assert "Police No further action" in lines
    assert "Local authority not voted yet" in lines and "Health not voted yet" in lines
    assert "1 past their time, undecided" in text.split("SCREENING PANELS")[0]
    html = digest_html(bot, "2026-12-22T08:05")
    assert "time passed, not decided" in html and "Police: No further action" in html
    assert "Health: not voted yet" in html


def test_a_decided_panel_whose_time_passed_is_no_longer_listed(bot: Bot) -> None:
    bot.at("2026-12-18T11:00").mail(BM, reply("TSCP-2026-0001"), "Decision: rapid review")
    bot.run()
    panels = section(digest_text(bot, "2026-12-21T08:05"), "SCREENING PANELS", "APPENDIX B")
    assert "TSCP-2026-0001" not in panels
