"""The Board's timeliness report counts the action plan: each item done by its due date or
not, on the day `Action done:` was said (the email's day, not the day the bot read it).
Through the Maildir inbox and the real ingest path."""

from __future__ import annotations

from datetime import date, datetime

from bot.core.timeliness_figures import LateCase, MeasureFigures
from bot.services.timeliness import timeliness
from tests.fixtures.app import LONDON
from tests.services.test_lifecycle import (
    BM,
    Bot,
    reply,
)
from tests.services.test_lifecycle import (
    test_case_from_sin_to_action_plan_using_only_email as to_the_action_plan,
)

REF = "TSCP-2026-0001"
LABEL = "Action plan items done by their due date"


def action_plan(bot: Bot, end: date) -> MeasureFigures | None:
    with bot.app.sessions() as s:
        report = timeliness(s, bot.app.config, date(2027, 7, 1), end, end)
    return next((m for m in report.whole.measures if m.label == LABEL), None)


def test_each_action_counts_on_time_or_late_on_the_day_it_was_said_done(bot: Bot) -> None:
    # Action 1, due Thu 30 Sep 2027, is said done in an email of Mon 4 Oct.
    to_the_action_plan(bot)
    bot.at("2027-10-04T11:00").mail(
        BM, reply(REF), "Action: Audit the referral pathway; owner: gmp; due: 15/10/2027"
    )
    bot.run()
    # Action 2, due Fri 15 Oct, is said done in an email of Thu 14 Oct read on Wed 20 Oct.
    sent = datetime(2027, 10, 14, 16, 0, tzinfo=LONDON)
    bot.at("2027-10-20T10:00").mail(BM, reply(REF), "Action done: 2", arrived=sent)
    bot.run()

    figures = action_plan(bot, date(2027, 12, 31))

    assert figures is not None
    assert (figures.due, figures.on_time, figures.undated) == (2, 1, ())
    # 1 and 4 October: two working days late.
    assert figures.late == (LateCase(REF, date(2027, 9, 30), date(2027, 10, 4), 2),)


def test_a_period_without_an_action_plan_shows_no_such_measure(bot: Bot) -> None:
    assert action_plan(bot, date(2027, 9, 30)) is None
