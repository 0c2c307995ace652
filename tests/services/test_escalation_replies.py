"""An escalation about an action-plan item or the National Panel notification never says "no
reply recorded" when the agency chased wrote on the case since: its safeguarding lead would
read that as their colleague ignoring the reminders (bot.core.agency_answers)."""

from __future__ import annotations

from tests.services.test_lifecycle import (
    BM,
    LA,
    POLICE,
    SCRUTINEER,
    Bot,
    body_of,
    decide_rapid_review,
    reply,
)

REF = "TSCP-2026-0001"
DAYS = ("2026-12-18", "2026-12-21", "2026-12-22", "2026-12-23", "2026-12-24", "2026-12-29")
LATER = ("2026-12-30", "2026-12-31", "2027-01-04", "2027-01-05", "2027-01-06")


def escalation(bot: Bot, deadline: str) -> str:
    for day in (*DAYS, *LATER):
        bot.at(f"{day}T10:00").run()
    [row] = [r for r in bot.outbox("deadline_escalation") if f":{deadline}:" in r.idempotency_key]
    return " ".join(body_of(row).split())


def gmp_owns_an_action(bot: Bot) -> None:
    """Action 1, agreed Thu 17 Dec 2026, is GMP's, due Thu 24 Dec."""
    decide_rapid_review(bot, "2026-12-17T09:00")
    bot.at("2026-12-17T09:30").mail(
        BM, reply(REF), "Action: Audit the referral pathway; owner: gmp; due: 24/12/2026"
    )
    bot.run()


def test_the_action_escalation_says_the_owner_replied(bot: Bot) -> None:
    gmp_owns_an_action(bot)
    bot.at("2026-12-18T10:00").mail(
        POLICE, reply(REF), "Our lead is on leave; the audit will be finished in January."
    )
    bot.run()
    body = escalation(bot, "action:1")
    assert "no reply" not in body
    assert (
        "a reply was received Friday 18 December 2026, but the action is not yet recorded as done"
        in body
    )


def test_the_action_escalation_with_no_reply_says_none_was_recorded(bot: Bot) -> None:
    gmp_owns_an_action(bot)
    body = escalation(bot, "action:1")
    assert "sent, with no reply recorded" in body and "a reply was received" not in body


def notifiable(bot: Bot) -> None:
    """A Rapid Review decided on Wed 16 Dec 2026; the National Panel is to be notified by the
    local authority by Tue 22 Dec (from its awareness on 15 Dec)."""
    bot.at("2026-12-16T11:00").mail(LA, reply(REF), "Vote: rapid review")
    bot.mail(POLICE, reply(REF), "Vote: Rapid Review")
    bot.at("2026-12-16T12:00").mail(BM, reply(REF), "Notifiable: yes\nAware: 15/12/2026")
    bot.run()


def test_the_notification_escalation_says_the_local_authority_replied(bot: Bot) -> None:
    notifiable(bot)
    bot.at("2026-12-18T10:00").mail(
        LA, reply(REF), "We are completing the notification form and will send it next week."
    )
    bot.run()
    body = escalation(bot, "panel_notification")
    assert "no reply" not in body
    assert (
        "a reply was received Friday 18 December 2026, but the notification to the National "
        "Panel is not yet recorded" in body
    )


def test_the_scrutineer_writing_is_no_reply_from_the_local_authority(bot: Bot) -> None:
    # The Scrutineer writes from the council's domain: not the local authority replying.
    notifiable(bot)
    bot.at("2026-12-18T10:00").mail(SCRUTINEER, reply(REF), "Has the notification gone yet?")
    bot.run()
    body = escalation(bot, "panel_notification")
    assert "a reply was received" not in body and "sent, with no reply recorded" in body
