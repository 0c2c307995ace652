"""The question "will the Rapid Review be late?" goes to the Business Manager in the reminders'
working hours on a working day, like every other chase: never at night or at the weekend."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tests.fixtures.app import LONDON
from tests.services.test_lifecycle import BM, Bot, body_of, decide_rapid_review, reply
from tests.services.test_never_later import new_release


def asked(bot: Bot) -> list[datetime]:
    return [r.created_at.astimezone(LONDON) for r in bot.outbox("rapid_review_delay_check")]


def test_the_delay_question_waits_for_working_hours(bot: Bot) -> None:
    decide_rapid_review(bot, "2026-12-17T09:00")
    bot.at("2027-01-04T10:00").mail(BM, reply("TSCP-2026-0001"), "Notified: 04/01/2027")
    bot.run()
    # The Rapid Review is due Mon 25 Jan 2027; the question is due from Wed 20 Jan.
    for night in ("2027-01-20T02:00", "2027-01-20T08:59", "2027-01-20T17:00"):
        bot.at(night).run()
        assert asked(bot) == [], f"asked at {night}"
    bot.at("2027-01-23T11:00").run()  # a Saturday, even within the hours
    assert asked(bot) == []
    bot.at("2027-01-25T09:00").run()
    assert asked(bot) == [datetime(2027, 1, 25, 9, 0, tzinfo=LONDON)]


def test_asked_only_after_the_due_day_it_says_the_review_is_late(bot: Bot) -> None:
    decide_rapid_review(bot, "2026-12-17T09:00")
    # The notification of Mon 4 Jan 2027 recorded only after the review fell due (Mon 25 Jan).
    bot.at("2027-01-27T10:00").mail(BM, reply("TSCP-2026-0001"), "Notified: 04/01/2027")
    bot.run()
    [ask] = bot.outbox("rapid_review_delay_check")
    # Never "will it be late?" of a day gone by: it is late, and the Panel must be told.
    assert ask.subject == (
        "[TSCP-2026-0001] Rapid Review was due Mon 25 Jan 2027: tell the National Panel it is late"
    )
    said = " ".join(body_of(ask).split())
    assert (
        "was due on Monday 25 January 2027, 15 working days after the notification was sent to "
        "the National Panel on Monday 4 January 2027. It has not been recorded as submitted, so "
        "it is late."
    ) in said
    assert "If it will not be submitted by" not in said
    assert "Delay: <reason>; expected <date>" in said


def test_a_due_day_kept_earlier_is_not_called_fifteen_working_days_after(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    decide_rapid_review(bot, "2026-12-17T09:00")
    bot.at("2027-01-04T10:00").mail(BM, reply("TSCP-2026-0001"), "Notified: 04/01/2027")
    bot.run()
    assert bot.due("rapid_review") == date(2027, 1, 25)
    # A bank holiday added since: counted again the review would be due Tue 26 Jan, but the
    # earlier day stands, and the question must not call it the rule's count.
    new_release(monkeypatch, {date(2027, 1, 15): "Invented bank holiday"})
    bot.restart()
    bot.at("2027-01-20T10:00").run()
    assert bot.due("rapid_review") == date(2027, 1, 25)
    [ask] = bot.outbox("rapid_review_delay_check")
    said = " ".join(body_of(ask).split())
    assert "15 working days after" not in said
    assert (
        "is due on Monday 25 January 2027, the day first counted from the notification sent to "
        "the National Panel on Monday 4 January 2027. Counted again on today's working calendar "
        "(a closure or bank holiday added since) it would be Tuesday 26 January 2027; the bot "
        "never moves a date later by itself, so the earlier day is kept."
    ) in said
