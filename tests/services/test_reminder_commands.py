"""The Business Manager's own deadline reminders name the command that records progress, as the
National Panel's names Notified:; "reply with the matching command" left her to find it."""

from __future__ import annotations

from tests.services.test_lifecycle import BM, Bot, body_of, reply
from tests.services.test_suggested_commands import refusals, suggestions

REF = "TSCP-2026-0001"


def reminder_about(bot: Bot, deadline: str) -> str:
    rows = [
        r
        for r in bot.outbox("deadline_reminder")
        if r.idempotency_key.startswith(f"reminder:{REF}:{deadline}:")
    ]
    assert rows and all(r.recipients == [BM] for r in rows), deadline
    assert all(refusals(bot, r) == [] for r in rows)  # each named command is hers to give
    return " ".join(body_of(rows[-1]).split())


def test_screening_and_rapid_review_reminders_name_their_commands(bot: Bot) -> None:
    bot.at("2026-12-17T10:00").run()
    screening = reminder_about(bot, "screening_meeting")
    assert "reply Decision: rapid review, local learning review or no further action" in (screening)
    assert "reply Reschedule: <date> <time>" in screening

    bot.at("2026-12-17T11:00").mail(BM, reply(REF), "Decision: rapid review\nNotified: 17/12/2026")
    bot.run()
    bot.at("2027-01-11T10:00").run()
    review = reminder_about(bot, "rapid_review")
    assert "Reply Meeting held: <date>" in review and "Report submitted: <date>" in review
    assert "reply Delay: <reason>; expected <date>" in review
    for text in (screening, review):
        assert "matching command" not in text and suggestions(text)


def test_the_cspr_report_reminder_names_its_commands(cspr: Bot) -> None:
    cspr.at("2027-07-06T10:00").run()
    text = reminder_about(cspr, "cspr_report")
    assert "Reply Published: <date>" in text and "Report sent: <date>" in text
    assert "reply Publication delayed: <reason>" in text
    assert "matching command" not in text and suggestions(text)
