"""One email delivered twice, by two routes, is acted on once; a resend with changes still
waits for a person. Through the Maildir inbox and the real ingest path."""

from __future__ import annotations

from sqlalchemy import select

from bot.adapters.db.models import StoredMessage
from tests.fixtures.mail import drop_into_maildir
from tests.fixtures.mail import email as make_email
from tests.services.test_lifecycle import POLICE, Bot, delivered, reply

SECOND_ROUTE = b"Received: from relay2.gmp.police.uk by mx2.tameside.gov.uk; 16 Dec 2026\r\n"


def _reply(text: str) -> bytes:
    raw = make_email(reply("TSCP-2026-0001"), text, sender=POLICE, message_id="<twice@test>")
    return delivered(raw, POLICE)


def _triaged(bot: Bot) -> list[str | None]:
    with bot.app.sessions() as s:
        return list(
            s.scalars(select(StoredMessage.triage_reason).where(StoredMessage.needs_triage))
        )


def test_the_same_reply_by_a_second_route_alerts_once_and_waits_for_no_one(bot: Bot) -> None:
    first = _reply("The child has deteriorated overnight and is back in intensive care.")
    drop_into_maildir(bot.tmp_path / "inbox", first)
    bot.at("2026-12-16T11:00").run()
    drop_into_maildir(bot.tmp_path / "inbox", SECOND_ROUTE + first)
    bot.at("2026-12-16T11:05").run()
    assert len(bot.outbox("case_reply_alert")) == 1
    assert _triaged(bot) == []


def test_a_changed_email_under_the_same_message_id_still_waits_for_a_person(bot: Bot) -> None:
    drop_into_maildir(bot.tmp_path / "inbox", _reply("The child is stable."))
    bot.at("2026-12-16T11:00").run()
    drop_into_maildir(bot.tmp_path / "inbox", SECOND_ROUTE + _reply("The child has died."))
    bot.at("2026-12-16T11:05").run()
    assert _triaged(bot) == ["same Message-ID as an earlier message but different content"]
