"""An escalation that had to wait (the mail server down) goes as the last step of its sequence,
but says how late the deadline is on the day it really goes, never the day it was queued."""

from __future__ import annotations

from bot.adapters.db.models import OutboxMessage
from tests.services.test_lifecycle import BM, POLICE, Bot, body_of, gmp_asked_for_a_return
from tests.services.test_reminder_withdrawal import DownSender

POLICE_OFFICER = "casey.invented@gmp.police.uk"


def _escalation(bot: Bot) -> OutboxMessage:
    [row] = [
        r
        for r in bot.outbox("deadline_escalation")
        if r.idempotency_key.startswith("reminder:TSCP-2026-0001:appendix_b:gmp:")
    ]
    return row


def test_an_escalation_that_waited_gives_the_working_days_late_on_the_day_it_goes(
    bot: Bot,
) -> None:
    gmp_asked_for_a_return(bot)  # due Thu 24 Dec 2026; GMP never returns
    for day in ("2026-12-23", "2026-12-24", "2026-12-29", "2026-12-30", "2026-12-31"):
        bot.at(f"{day}T10:00").run()
    working = bot.app.open_sender
    bot.app.open_sender = DownSender
    bot.at("2027-01-04T10:00").run()  # the escalation is queued: 4 working days late
    assert _escalation(bot).status == "pending"
    bot.app.open_sender = working
    bot.at("2027-01-07T09:30").run()

    escalation = _escalation(bot)
    assert escalation.status == "sent" and POLICE in escalation.recipients
    text = " ".join(body_of(escalation).split())
    # Thu 7 Jan: 29, 30, 31 Dec and 4, 5, 6, 7 Jan have passed since it was due.
    assert "Overdue by: 7 working days" in text, text
    assert "Overdue by: 4 working days" not in text
    assert escalation.subject.endswith("7 working days overdue"), escalation.subject
    # Still to the police's safeguarding lead, the Business Manager copied, dated the day it went.
    message = bot.app.parse(escalation.raw)
    assert POLICE not in message.cc and BM in message.cc
    assert "7 Jan 2027" in message.header("date")
    [told] = [e for e in bot.case().events if e.what == "escalation_restated"]
    assert "worded again for Thu 7 Jan 2027, the day it went" in told.detail


def test_an_escalation_that_waited_names_the_reply_that_came_meanwhile(bot: Bot) -> None:
    gmp_asked_for_a_return(bot)
    for day in ("2026-12-23", "2026-12-24", "2026-12-29", "2026-12-30", "2026-12-31"):
        bot.at(f"{day}T10:00").run()
    working = bot.app.open_sender
    bot.app.open_sender = DownSender
    bot.at("2027-01-04T10:00").run()
    # The police write on the case (no return yet) while the escalation waits.
    bot.at("2027-01-05T11:00").mail(
        POLICE_OFFICER,
        "RE: [TSCP-2026-0001] Rapid Review information request (Appendix B)",
        "We are still gathering the records and will send the return this week.",
    )
    bot.run()
    bot.app.open_sender = working
    bot.at("2027-01-06T09:30").run()

    text = " ".join(body_of(_escalation(bot)).split())
    assert "Overdue by: 6 working days" in text, text
    assert "no reply recorded" not in text
    assert "a reply was received Tuesday 5 January 2027" in text, text
