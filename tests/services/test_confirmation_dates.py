"""Confirmations write dates as the digest does ("Mon 14 Dec 2026"), never as numbers: some
readers take 11/01/2027 for 1 November. Through the Maildir inbox and the real ingest path."""

from __future__ import annotations

import re
from datetime import date

from bot.services.timeliness import timeliness
from tests.services.test_lifecycle import BM, Bot, body_of, decide_rapid_review, reply

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


def test_every_aware_reply_names_the_day_it_replaces_and_each_clock_it_moved(bot: Bot) -> None:
    """The SIN arrived Wed 16 Dec 2026: each `Aware:` after the first too says which day it
    replaces and moves the National Panel's clock in words, earlier or later, never unsaid."""
    said = {}
    for when, line in (
        ("2026-12-16T11:00", "Aware: 14/12/2026"),
        ("2026-12-16T12:00", "Aware: 11/12/2026"),
        ("2026-12-16T13:00", "Aware: 15/12/2026 because the form was misread"),
        ("2026-12-16T14:00", "Aware: 15/12/2026"),
    ):
        bot.at(when).mail(BM, reply("TSCP-2026-0001"), line)
        bot.run()
        said[line] = " ".join(body_of(bot.outbox("command_result")[-1]).split())
    assert (
        "local authority aware Mon 14 Dec 2026, replacing Wed 16 Dec 2026 (the date the SIN "
        "form was received): the National Panel notification is now due Mon 21 Dec 2026, "
        "earlier than the Wed 23 Dec 2026 counted before"
    ) in said["Aware: 14/12/2026"]
    assert (
        "local authority aware Fri 11 Dec 2026, replacing Mon 14 Dec 2026 (the date given with "
        "Aware:): the National Panel notification is now due Fri 18 Dec 2026, earlier than the "
        "Mon 21 Dec 2026 counted before"
    ) in said["Aware: 11/12/2026"]
    assert (
        "local authority aware Tue 15 Dec 2026, replacing Fri 11 Dec 2026 (the date given with "
        "Aware:): the National Panel notification is now due Tue 22 Dec 2026, later than the "
        "Fri 18 Dec 2026 counted before"
    ) in said["Aware: 15/12/2026 because the form was misread"]
    assert (
        "local authority aware Tue 15 Dec 2026, the day already counted from (the date given "
        "with Aware:): National Panel notification still due Tue 22 Dec 2026"
    ) in said["Aware: 15/12/2026"]


def test_an_aware_that_makes_a_notification_made_late_says_so(bot: Bot) -> None:
    bot.at("2026-12-18T10:00").mail(BM, reply("TSCP-2026-0001"), "Notified: 18/12/2026")
    bot.run()
    bot.at("2026-12-18T11:00").mail(BM, reply("TSCP-2026-0001"), "Aware: 09/12/2026")
    bot.run()
    said = " ".join(body_of(bot.outbox("command_result")[-1]).split())
    assert (
        "local authority aware Wed 9 Dec 2026, replacing Wed 16 Dec 2026 (the date the SIN form "
        "was received): the National Panel notification is now due Wed 16 Dec 2026, earlier "
        "than the Wed 23 Dec 2026 counted before: met on Fri 18 Dec 2026, it is now late"
    ) in said


def test_a_notification_made_after_its_due_day_is_said_late_in_the_reply(bot: Bot) -> None:
    """The SIN arrived Wed 16 Dec 2026, so the National Panel notification was due Wed 23 Dec:
    one made on Tue 29 Dec is recorded, and the reply says how late (Thu 24 and Tue 29 Dec
    count; Christmas and Boxing Day do not), as the Board's timeliness report will count it.
    One made on its due day is not called late."""
    bot.at("2026-12-29T10:00").mail(BM, reply("TSCP-2026-0001"), "Notified: 29/12/2026")
    bot.run()
    said = " ".join(body_of(bot.outbox("command_result")[-1]).split())
    assert (
        "notification recorded (made 2 working days after it was due, Wed 23 Dec 2026); "
        "Rapid Review due"
    ) in said
    bot.at("2026-12-29T11:00").mail(BM, reply("TSCP-2026-0001"), "Notified: 23/12/2026")
    bot.run()
    said = " ".join(body_of(bot.outbox("command_result")[-1]).split())
    assert "after it was due" not in said
    assert (
        "notification recorded as Wed 23 Dec 2026, replacing Tue 29 Dec 2026; the Rapid Review "
        "is now due"
    ) in said, said


def test_a_notification_made_on_a_sunday_is_said_as_late_as_the_boards_report_counts_it(
    bot: Bot,
) -> None:
    """Due Wed 23 Dec 2026, made Sun 27 Dec: the Board's report counts a day nobody works as
    the next working day, Tue 29 Dec (Mon 28 is Boxing Day's substitute), so 2 working days
    late (Thu 24 and Tue 29). The reply gives the same figure, not 1."""
    said = said_to(bot, "2026-12-29T10:00", "Notified: 27/12/2026")
    assert "(made 2 working days after it was due, Wed 23 Dec 2026)" in said, said
    with bot.app.sessions() as s:
        report = timeliness(
            s, bot.app.config, date(2026, 12, 1), date(2026, 12, 31), today=date(2027, 1, 4)
        )
    [measure] = [m for m in report.whole.measures if m.measure == "panel_notification"]
    assert [late.working_days_late for late in measure.late] == [2]


def said_to(bot: Bot, when: str, line: str) -> str:
    bot.at(when).mail(BM, reply("TSCP-2026-0001"), line)
    bot.run()
    return " ".join(body_of(bot.outbox("command_result")[-1]).split())


def test_a_notified_given_again_earlier_names_the_day_it_replaces_and_the_clock_moved(
    bot: Bot,
) -> None:
    """An earlier `Notified:` moves the Rapid Review's 15 working days: the reply says from
    which notification day and which due day, as `Aware:` does, never only the new one."""
    said_to(bot, "2026-12-17T10:00", "Notified: 17/12/2026")
    said = said_to(bot, "2026-12-17T11:00", "Notified: 16/12/2026")
    assert (
        "notification recorded as Wed 16 Dec 2026, replacing Thu 17 Dec 2026; the Rapid Review "
        "is now due Mon 11 Jan 2027, earlier than the Tue 12 Jan 2027 counted before"
    ) in said, said


def test_an_earlier_notified_that_makes_a_submitted_review_late_says_so(bot: Bot) -> None:
    decide_rapid_review(bot, "2026-12-17T09:00")
    said_to(bot, "2026-12-18T10:00", "Notified: 18/12/2026")
    said_to(bot, "2027-01-13T16:00", "Report submitted: 13/01/2027")  # its due day
    said = said_to(bot, "2027-01-14T10:00", "Notified: 17/12/2026")
    assert (
        "notification recorded as Thu 17 Dec 2026, replacing Fri 18 Dec 2026; the Rapid Review "
        "is now due Tue 12 Jan 2027, earlier than the Wed 13 Jan 2027 counted before: met on "
        "Wed 13 Jan 2027, it is now late"
    ) in said, said


def test_meeting_and_submission_given_again_earlier_name_the_day_they_replace(bot: Bot) -> None:
    decide_rapid_review(bot, "2026-12-17T09:00")
    said_to(bot, "2026-12-18T10:00", "Notified: 18/12/2026")
    said_to(bot, "2027-01-07T10:00", "Meeting held: 07/01/2027")
    said = said_to(bot, "2027-01-07T11:00", "Meeting held: 06/01/2027")
    assert "Rapid Review meeting recorded as Wed 6 Jan 2027, replacing Thu 7 Jan 2027" in said
    said_to(bot, "2027-01-14T10:00", "Report submitted: 14/01/2027")
    said = said_to(bot, "2027-01-14T11:00", "Report submitted: 13/01/2027")
    assert (
        "Rapid Review submission recorded as Wed 13 Jan 2027, replacing Thu 14 Jan 2027"
    ) in said, said


def test_a_cspr_yes_given_again_earlier_names_the_day_and_the_report_clock_moved(
    bot: Bot,
) -> None:
    decide_rapid_review(bot, "2026-12-17T09:00")
    said_to(bot, "2026-12-18T10:00", "Notified: 18/12/2026")
    said_to(bot, "2027-01-13T10:00", "Report submitted: 13/01/2027")
    said_to(bot, "2027-01-20T10:00", "CSPR: yes 15/01/2027")
    said = said_to(bot, "2027-01-21T10:00", "CSPR: yes 14/01/2027")
    assert (
        "CSPR decision recorded as Thu 14 Jan 2027, replacing Fri 15 Jan 2027; the CSPR report "
        "is now due Wed 14 Jul 2027, earlier than the Thu 15 Jul 2027 counted before; to "
        "publish by then"
    ) in said, said
    said_to(bot, "2027-06-01T10:00", "Publication: 02/07/2027")
    said_to(bot, "2027-07-02T10:00", "Published: 02/07/2027")
    said = said_to(bot, "2027-07-02T11:00", "Published: 01/07/2027")
    assert "publication recorded as Thu 1 Jul 2027, replacing Fri 2 Jul 2027; keep it" in said
    assert (
        "the Notice of publication is now due Tue 22 Jun 2027, earlier than the Wed 23 Jun 2027 "
        "counted before: it is now overdue"
    ) in said, said
