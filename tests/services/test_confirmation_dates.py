"""Confirmations write dates as the digest does ("Mon 14 Dec 2026"), never as numbers: some
readers take 11/01/2027 for 1 November. Through the Maildir inbox and the real ingest path."""

from __future__ import annotations

import re

from tests.services.test_lifecycle import BM, Bot, body_of, reply

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
    assert "notification recorded; Rapid Review due" in said and "after it was due" not in said
