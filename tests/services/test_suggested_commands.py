"""Whoever an email tells to send a command may send it.

Cases are driven by email and the clock through the real path, so every template is rendered
with the context the code really builds; each command an email suggests ("reply with
Notified: <date>") is read with the real command parser and checked against the lifecycle
table for the roles of that email's recipients (or of the one the hint is addressed to).
"""

from __future__ import annotations

import re
from datetime import date

from bot.adapters.db.models import OutboxMessage
from bot.core import lifecycle
from bot.core.commands import parse_commands
from bot.services.roles import roles_of
from tests.services.test_lifecycle import BM, HEALTH, LA, POLICE, Bot, body_of, reply

# A suggestion is "reply" (to this email) (with one line:) and a capitalised command, up to the
# end of its sentence or paragraph.
_SUGGESTION = re.compile(
    r"\b[Rr]eply(?: to this email)?(?: with(?: one line| the line)?)?:?\s+(?=[A-Z])"
    r"(?P<rest>.*?)(?:\.\s|\.$|\n\n|$)",
    re.S,
)
_KEYWORD = re.compile(r"\b(?P<kw>[A-Z][a-z]+(?: [a-z]+){0,2}):|\b(?P<bare>Agree|Approve)\b")
# "Business Manager: reply with ..." names who the hint is for.
_ADDRESSEE = re.compile(r"(?P<who>[A-Z][A-Za-z ()/,]+?):\s*$")
_ADDRESSEES = {
    "business manager": {"business_manager"},
    "independent scrutineer": {"independent_scrutineer"},
    "local authority": {"local_authority"},
    "statutory partners": {"local_authority", "police", "health"},
}
# Lines that only complete another command ("Agencies:" carries these).
_PARTS = {"Review period", "Return by"}
_EXAMPLE_VALUES = (
    "rapid review",
    "18/12/2026",
    "18/12/2026 14:00",
    "yes",
    "17",
    "police",
    "see notes; owner: police; due: 18/01/2027",
    "see notes",
    "see notes; expected 29/01/2027",
    "18/01/2027 agreed with the complainant on 18/12/2026",
    "18/01/2027 agreed with the National Panel on 18/12/2026",
)


def command_type(keyword: str) -> type:
    """The command a keyword stands for, as the real parser reads it with a sensible value."""
    for value in ("",) if keyword in ("Agree", "Approve") else _EXAMPLE_VALUES:
        line = f"{keyword}: {value}" if value else keyword
        parsed = parse_commands(line, today=date(2026, 12, 20)).commands
        if parsed:
            return type(parsed[0])
    raise AssertionError(f"an email suggests {keyword!r}, which is not a command")


def suggestions(text: str) -> list[tuple[str | None, str]]:
    """(who the hint is addressed to, or None for every recipient; keyword) per suggestion."""
    found = []
    text = text.replace("\r\n", "\n")
    for m in _SUGGESTION.finditer(text):
        before = text[: m.start()].rsplit("\n", 1)[-1]
        who = _ADDRESSEE.search(before)
        for k in _KEYWORD.finditer(m.group("rest")):
            keyword = k.group("kw") or k.group("bare")
            if keyword not in _PARTS:
                found.append((who.group("who").lower() if who else None, keyword))
    return found


def refusals(bot: Bot, row: OutboxMessage) -> list[str]:
    recipients = {r: roles_of(bot.app, r) for r in row.recipients}
    wrong = []
    for who, keyword in suggestions(body_of(row)):
        kind = command_type(keyword)
        if who is not None:
            assert who in _ADDRESSEES, f"{row.event}: hint addressed to unknown {who!r}"
            targets = {r: roles for r, roles in recipients.items() if roles & _ADDRESSEES[who]}
        else:
            targets = recipients
        for address, roles in targets.items():
            if lifecycle.acting_role(kind, roles) is None:
                wrong.append(f"{row.event} tells {address} to reply {keyword}")
    return wrong


def drive_a_case_through_screening_and_rapid_review(bot: Bot) -> None:
    ref = "TSCP-2026-0001"
    # No notification yet: the LA representative is reminded and then escalated to.
    for day in ("2026-12-21", "2026-12-22", "2026-12-23", "2026-12-24", "2026-12-29"):
        bot.at(f"{day}T10:00").run()
    bot.at("2026-12-29T11:00").mail(LA, reply(ref), "Vote: rapid review")
    bot.mail(POLICE, reply(ref), "Vote: rapid review")
    bot.mail(HEALTH, reply(ref), "Decision: rapid review")  # not the health's to give
    bot.run()
    bot.at("2026-12-30T10:00").mail(
        BM, reply(ref), "Agencies: gmp, icb\nReturn by: 12/01/2027\nNotified: 30/12/2026"
    )
    bot.run()
    for day in ("2027-01-11", "2027-01-12", "2027-01-13", "2027-01-18", "2027-01-19"):
        bot.at(f"{day}T10:00").run()
    # The Business Manager answers the bot's question about a late review: a draft to approve.
    bot.at("2027-01-19T11:00").mail(
        BM, reply(ref), "Delay: health records awaited; expected 29/01/2027"
    )
    bot.run()


def decide(bot: Bot, ref: str, choice: str) -> None:
    bot.mail(POLICE, reply(ref), f"Vote: {choice}")
    bot.mail(HEALTH, reply(ref), f"Vote: {choice}")
    bot.run()


def test_every_suggested_command_may_be_given_by_its_recipients(bot: Bot) -> None:
    drive_a_case_through_screening_and_rapid_review(bot)
    for n, choice in ((2, "local learning review"), (3, "no further action")):
        bot.at("2027-01-20T09:00").mail(
            "casey.invented@gmp.police.uk",
            "Serious Incident Notification - GM SIN form",
            f"Please find GM SIN form number {n} for the Screening Panel.",
        )
        bot.run()
        decide(bot, f"TSCP-2027-000{n - 1}", choice)
    rows = bot.outbox()
    events = {r.event for r in rows}
    # The emails that suggest commands were all produced, so each was checked.
    assert {
        "screening_invitation",
        "screening_outcome",
        "deadline_reminder",
        "approval_request",
        "command_rejected",
        "rapid_review_delay_check",
    } <= events, events
    la_reminders = [r for r in rows if r.event == "deadline_reminder" and LA in r.recipients]
    assert la_reminders and "Notified:" in body_of(la_reminders[0])
    assert [w for r in rows for w in refusals(bot, r)] == []


def test_the_la_representative_may_reply_notified_as_the_reminder_says(bot: Bot) -> None:
    bot.at("2026-12-22T10:00").run()
    [reminder] = [r for r in bot.outbox("deadline_reminder") if LA in r.recipients]
    assert "Notified: <date>" in body_of(reminder)
    bot.at("2026-12-22T11:00").mail(LA, reply("TSCP-2026-0001"), "Notified: 21/12/2026")
    bot.run()
    assert bot.outbox("command_rejected") == []
    assert bot.case().notification_sent_on == date(2026, 12, 21)
    [result] = bot.outbox("command_result")
    assert result.recipients == [LA]
    assert "Rapid Review due" in body_of(result)
