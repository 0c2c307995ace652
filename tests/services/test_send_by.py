"""The day a CSPR report must reach the National Panel, the Secretary of State and Ofsted is
chased: the digest names it from 5 working days before, and the Business Manager is reminded
on the usual days, once each, by email through a real SMTP server (aiosmtpd)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.app import AppFactory
from tests.fixtures.smtp import SmtpTestServer
from tests.services.test_event_dates import rapid_review_submitted
from tests.services.test_lifecycle import BM, Bot
from tests.services.test_outside_bodies import digest_text
from tests.services.test_send_time_truth import received, say, smtp_bot

REF = "TSCP-2026-0001"
LINE = (
    f"CSPR report for {REF}: send it to the National Panel, the Secretary of State and Ofsted "
    "by Tue 6 Jul 2027 to publish by the due day, Thu 15 Jul 2027 (the report is due 6 months "
    "from the CSPR decision on Fri 15 Jan 2027, and must reach them 7 working days before it "
    "is published)."
)


def cspr_decided(make_app: AppFactory, tmp_path: Path, server: SmtpTestServer) -> Bot:
    """TSCP-2026-0001 with a CSPR decided on Fri 15 Jan 2027: its report is due Thu 15 Jul 2027,
    and must reach the three bodies by Tue 6 Jul 2027 to be published by then."""
    bot = smtp_bot(make_app, tmp_path, server)
    rapid_review_submitted(bot)
    say(bot, "2027-01-20T10:00", "CSPR: yes 15/01/2027")
    return bot


def flat(text: str) -> str:
    return " ".join(text.split())


def send_by_reminders(server: SmtpTestServer) -> list[str]:
    return [
        g.subject + " | " + g.text
        for g in received(server)
        if g.to == [BM] and "CSPR report to send" in g.subject
    ]


def test_the_send_by_day_is_in_the_digest_and_reminded_once_each_day(
    make_app: AppFactory, tmp_path: Path, smtp_server: SmtpTestServer
) -> None:
    bot = cspr_decided(make_app, tmp_path, smtp_server)
    # Five working days before Tue 6 Jul is Tue 29 Jun; the report itself is not yet listed.
    assert "CSPR report for" not in flat(digest_text(bot, "2027-06-28T08:00"))
    assert LINE in flat(digest_text(bot, "2027-06-29T08:00"))

    # The usual reminder day before (Mon 5 Jul) and the day itself, each once, however often
    # the bot runs.
    for when in ("2027-07-05T09:30", "2027-07-05T11:00", "2027-07-06T09:30", "2027-07-06T15:00"):
        bot.at(when).run()
    got = send_by_reminders(smtp_server)
    assert len(got) == 2, got
    before, due = got
    assert "Reminder: CSPR report to send due Tue 6 Jul 2027" in before
    assert "Due: Tuesday 6 July 2027 Status: not yet due" in before
    assert (
        "The CSPR report is due by Thu 15 Jul 2027, 6 months from the CSPR decision on Fri 15 "
        "Jan 2027. The report must reach the National Panel, the Secretary of State and Ofsted "
        "7 working days before it is published, so to publish by the due day it must reach "
        "them by Tue 6 Jul 2027."
    ) in before
    assert "then reply Report sent: <date>, and Publication: <date>" in before
    assert "Reminder: CSPR report to send due today" in due

    # Once the report has gone, the digest no longer asks for it.
    say(bot, "2027-07-06T16:00", "Report sent: 06/07/2027")
    assert "CSPR report for" not in flat(digest_text(bot, "2027-07-07T08:00"))


def test_a_planned_publication_stops_the_chase(
    make_app: AppFactory, tmp_path: Path, smtp_server: SmtpTestServer
) -> None:
    bot = cspr_decided(make_app, tmp_path, smtp_server)
    assert LINE in flat(digest_text(bot, "2027-06-29T08:00"))
    say(bot, "2027-06-30T10:00", "Publication: 14/07/2027")
    assert "CSPR report for" not in flat(digest_text(bot, "2027-07-01T08:00"))
    for when in ("2027-07-05T09:30", "2027-07-06T09:30"):
        bot.at(when).run()
    assert send_by_reminders(smtp_server) == []


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("Report sent: 05/07/2027", "the report was recorded as sent on Mon 5 Jul 2027"),
        (
            "Publication delayed: the inquest is not yet held",
            "the National Panel is being told publication is delayed",
        ),
    ],
)
def test_a_reminder_waiting_for_the_mail_server_is_not_sent_once_it_is_not_needed(
    make_app: AppFactory, tmp_path: Path, smtp_server: SmtpTestServer, line: str, why: str
) -> None:
    bot = cspr_decided(make_app, tmp_path, smtp_server)
    smtp_server.stop()
    bot.at("2027-07-05T09:30").run()  # the reminder is queued, and cannot go
    say(bot, "2027-07-05T10:00", line)
    assert "CSPR report for" not in flat(digest_text(bot, "2027-07-06T08:00"))
    smtp_server.start()
    bot.at("2027-07-06T08:30").run()
    assert send_by_reminders(smtp_server) == []
    history = [e.detail for e in bot.case().events if e.what == "reminder_withdrawn"]
    assert any(why in h for h in history), history


def test_a_cspr_recorded_after_its_send_by_day_gets_no_reminder_saying_due_today(
    make_app: AppFactory, tmp_path: Path, smtp_server: SmtpTestServer
) -> None:
    bot = smtp_bot(make_app, tmp_path, smtp_server)
    rapid_review_submitted(bot)
    # Decided on Fri 15 Jan 2027 but recorded only on Wed 7 Jul: the send-by day has gone.
    say(bot, "2027-07-07T09:30", "CSPR: yes 15/01/2027")
    bot.at("2027-07-07T10:00").run()
    assert send_by_reminders(smtp_server) == []
    said = flat(digest_text(bot, "2027-07-08T08:00"))
    assert "the day to send it to the National Panel, the Secretary of State and Ofsted to " in said
    assert "was Tue 6 Jul 2027 and has passed" in said


def test_the_cspr_decision_says_why_the_report_is_due_before_the_6_months_end(
    make_app: AppFactory, tmp_path: Path, smtp_server: SmtpTestServer
) -> None:
    bot = smtp_bot(make_app, tmp_path, smtp_server)
    rapid_review_submitted(bot)
    say(bot, "2027-01-20T10:00", "CSPR: yes 18/01/2027")  # 6 months end on Sun 18 Jul 2027
    [decision] = [g for g in received(smtp_server) if "CSPR decision" in g.subject]
    assert (
        "Report due: Friday 16 July 2027 (6 months from the decision, brought forward from "
        "Sun 18 Jul 2027, a Sunday)"
    ) in decision.text


def test_the_send_by_lines_say_the_due_day_was_brought_forward_and_from_which_day(
    make_app: AppFactory, tmp_path: Path, smtp_server: SmtpTestServer
) -> None:
    """6 months from Mon 18 Jan 2027 end on Sun 18 Jul: the report is due Fri 16 Jul, and
    "6 months from the CSPR decision" alone would be untrue of that day (the Business Manager
    counting 6 months herself would find another). The digest and the reminder say it as the
    CSPR decision email does."""
    bot = smtp_bot(make_app, tmp_path, smtp_server)
    rapid_review_submitted(bot)
    say(bot, "2027-01-20T10:00", "CSPR: yes 18/01/2027")
    counted = (
        "6 months from the CSPR decision on Mon 18 Jan 2027, brought forward from Sun 18 Jul "
        "2027, a Sunday"
    )
    assert (
        f"by Wed 7 Jul 2027 to publish by the due day, Fri 16 Jul 2027 (the report is due "
        f"{counted}, and must reach them 7 working days before it is published)."
    ) in flat(digest_text(bot, "2027-06-30T08:00"))
    bot.at("2027-07-06T09:30").run()
    [before] = send_by_reminders(smtp_server)
    assert f"The CSPR report is due by Fri 16 Jul 2027, {counted}. The report must" in before


def test_a_delay_recorded_just_after_midnight_in_summer_stops_the_chase(
    make_app: AppFactory, tmp_path: Path, smtp_server: SmtpTestServer
) -> None:
    """The CSPR decided on Mon 14 Jun 2027 and `Publication delayed:` given at 00:30 that day
    (23:30 on Sun 13 Jun by UTC): the bodies are told, so the send-by day (Fri 3 Dec 2027) is
    not chased, as by day in London it was since the decision."""
    bot = smtp_bot(make_app, tmp_path, smtp_server)
    rapid_review_submitted(bot)
    say(bot, "2027-06-14T00:30", "CSPR: yes 14/06/2027\nPublication delayed: the inquest")
    assert bot.due("cspr_report").isoformat() == "2027-12-14"
    assert "CSPR report for" not in flat(digest_text(bot, "2027-12-01T08:00"))
    for when in ("2027-12-02T09:30", "2027-12-03T09:30"):
        bot.at(when).run()
    assert send_by_reminders(smtp_server) == []
