"""A partner signing a vote with their own name and whom they cover for, with no closing word
("Regards") above it: shown in the digest as written, not alerted as news. Anything else
beside the vote still is. Through the Maildir inbox and the real ingest path."""

from __future__ import annotations

from email.utils import formataddr

from sqlalchemy import select

from bot.adapters.db.models import Vote
from bot.services.daily_digest import send_digest_if_due
from tests.fixtures.mail import drop_into_maildir
from tests.fixtures.mail import email as make_email
from tests.services.test_lifecycle import LA, Bot, body_of, delivered, reply


def _vote_from_sam(bot: Bot, body: str, name: str = "Sam Deputy") -> None:
    """The local authority's vote given by its deputy, whose display name is Sam Deputy."""
    bot.counter += 1
    raw = make_email(
        reply("TSCP-2026-0001"),
        body,
        sender=formataddr((name, LA)),
        message_id=f"<sam-{bot.counter}@test>",
    )
    drop_into_maildir(bot.tmp_path / "inbox", delivered(raw, LA))
    bot.run()


def test_a_deputys_name_and_cover_under_a_vote_are_shown_not_alerted(bot: Bot) -> None:
    bot.at("2026-12-16T11:00")
    _vote_from_sam(bot, "Vote: rapid review\n\nCovering for the LA DSP today.\nSam Deputy")
    with bot.app.sessions() as s:
        assert [v.role for v in s.scalars(select(Vote))] == ["local_authority"]
    assert bot.outbox("case_reply_alert") == []
    bot.at("2026-12-17T08:05")
    assert send_digest_if_due(bot.app)
    digest = body_of(bot.outbox("daily_digest")[-1]).replace("\r\n", "\n")
    section = digest.split("NEW ON YOUR CASES", 1)[1]
    assert "| Covering for the LA DSP today." in section and "| Sam Deputy" in section


def test_news_above_the_deputys_name_is_still_alerted(bot: Bot) -> None:
    bot.at("2026-12-16T11:00")
    _vote_from_sam(bot, "Vote: rapid review\n\nThe mother was arrested this morning.\nSam")
    [alert] = bot.outbox("case_reply_alert")
    assert "  | The mother was arrested this morning." in body_of(alert)


def test_a_deputy_signing_an_accented_name_is_not_alerted(bot: Bot) -> None:
    """ "Élodie", from "Nowak, Élodie" as Outlook gives the name, signs the vote as Sam does:
    the accent made it news, and the Business Manager was emailed at once for a signature."""
    bot.at("2026-12-16T11:00")
    body = "Vote: rapid review\n\nCovering for the LA DSP today.\n\u00c9lodie"
    _vote_from_sam(bot, body, name="Nowak, \u00c9lodie")
    with bot.app.sessions() as s:
        assert [v.role for v in s.scalars(select(Vote))] == ["local_authority"]
    assert bot.outbox("case_reply_alert") == []
