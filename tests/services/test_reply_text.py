"""What a person writes in a reply is never cut off unseen: a "Thanks" after a greeting, a PS
below the signature, a line past the first few.

Each reply goes in through the Maildir inbox and the real ingest path (tests/corpus holds
them); the assertions are on what is recorded, what the sender is told and what the Business
Manager sees in her alert, the case history and the digest.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from bot.adapters.db.models import Vote
from bot.core.attention import NOTHING_WRITTEN
from bot.services.daily_digest import send_digest_if_due
from tests.fixtures.app import ROOT
from tests.fixtures.mail import drop_into_maildir
from tests.services.test_lifecycle import BM, HEALTH, POLICE, Bot, body_of, delivered, reply

CORPUS = ROOT / "tests" / "corpus"
OFFICER = "morgan.invented@gmp.police.uk"


def _arrives(bot: Bot, name: str, sender: str) -> None:
    drop_into_maildir(bot.tmp_path / "inbox", delivered((CORPUS / name).read_bytes(), sender))
    bot.at("2026-12-16T13:45").run()


def _alert(bot: Bot) -> str:
    [alert] = bot.outbox("case_reply_alert")
    return body_of(alert).replace("\r\n", "\n")


def _new_on_case(bot: Bot) -> str:
    bot.at("2026-12-17T08:05")
    assert send_digest_if_due(bot.app)
    digest = body_of(bot.outbox("daily_digest")[-1]).replace("\r\n", "\n")
    return digest.split("NEW ON YOUR CASES", 1)[1]


def _votes(bot: Bot) -> list[tuple[str, str]]:
    with bot.app.sessions() as s:
        return [(v.role, v.choice) for v in s.scalars(select(Vote).order_by(Vote.id))]


def test_a_vote_below_hi_and_thanks_is_counted_and_confirmed(bot: Bot) -> None:
    _arrives(bot, "case-reply-vote-below-greeting-and-thanks.eml", POLICE)
    assert _votes(bot) == [("police", "rapid_review")]
    [told] = [o for o in bot.outbox("command_result") if POLICE in o.recipients]
    assert "Vote: rapid review" in body_of(told)
    assert not any(NOTHING_WRITTEN in e.detail for e in bot.case().events)


def test_news_below_hi_and_thank_you_is_alerted_not_taken_for_an_empty_reply(bot: Bot) -> None:
    _arrives(bot, "case-reply-death-below-greeting-and-thank-you.eml", OFFICER)
    assert "  | The child died in hospital this morning." in _alert(bot)
    assert "      | The child died in hospital this morning." in _new_on_case(bot)
    assert not any(NOTHING_WRITTEN in e.detail for e in bot.case().events)


def test_the_business_managers_aware_below_morning_and_thank_you_starts_the_clock(
    bot: Bot,
) -> None:
    bot.at("2026-12-16T11:00").mail(
        BM, reply("TSCP-2026-0001"), "Morning,\nThank you\nAware: 14/12/2026"
    )
    bot.run()
    start = next(d.start for d in bot.case().deadlines if d.name == "panel_notification")
    assert start == date(2026, 12, 14)  # the real event, not the day the SIN came in
    assert [o for o in bot.outbox("command_result") if BM in o.recipients]


def test_a_postscript_below_the_signature_is_alerted_and_in_the_digest(bot: Bot) -> None:
    _arrives(bot, "case-reply-arrest-in-postscript-below-signature.eml", OFFICER)
    alert = _alert(bot)
    assert "  | Noted, I will attend.\n  | PS the mother was arrested this morning" in alert
    assert "Public Protection" not in alert  # the signature between them is still left out
    assert "      | PS the mother was arrested this morning" in _new_on_case(bot)


def test_a_vote_with_a_postscript_is_counted_and_the_postscript_reaches_her(bot: Bot) -> None:
    _arrives(bot, "case-reply-vote-with-postscript-sibling-missing.eml", POLICE)
    assert _votes(bot) == [("police", "rapid_review")]
    assert "  | P.S. Sibling Now Missing From Home" in _alert(bot)
    assert "Vote: rapid review" not in _alert(bot)  # confirmed to the sender instead


def test_a_fifth_line_of_news_is_shown_and_what_is_left_out_is_said(bot: Bot) -> None:
    _arrives(bot, "case-reply-arrest-on-fifth-line.eml", OFFICER)
    news = "| Separately: the child's brother was arrested this morning."
    alert = _alert(bot)
    assert f"  {news}" in alert and "  | (1 more line in the email)" in alert
    digest = _new_on_case(bot)
    assert f"      {news}" in digest and "(1 more line in the email)" in digest


def test_news_on_the_greeting_line_is_alerted_not_taken_for_an_empty_reply(bot: Bot) -> None:
    _arrives(bot, "case-reply-death-on-the-greeting-line.eml", OFFICER)
    assert "  | Hi Jo, the child died last night." in _alert(bot)
    assert "      | Hi Jo, the child died last night." in _new_on_case(bot)
    assert not any(NOTHING_WRITTEN in e.detail for e in bot.case().events)


def test_an_aware_below_the_signature_of_a_reply_opening_hi_all_is_not_obeyed(bot: Bot) -> None:
    bot.at("2026-12-16T11:00").mail(
        BM,
        reply("TSCP-2026-0001"),
        "Hi all, chronology attached.\n\nKind regards\nJo\nBusiness Manager\nAware: 14/12/2026",
    )
    bot.run()
    start = next(d.start for d in bot.case().deadlines if d.name == "panel_notification")
    assert start == date(2026, 12, 16)  # the SIN's day: a signature's lines are no instruction


@pytest.mark.parametrize(
    ("name", "sender", "role", "detail"),
    [
        ("case-reply-vote-signature-out-of-hours-line.eml", POLICE, "police", "Duty Team"),
        ("case-reply-vote-signature-base-hospital-line.eml", HEALTH, "health", "Hartley Vale"),
    ],
)
def test_a_vote_whose_signature_labels_a_hospital_or_emergency_team_is_not_news(
    bot: Bot, name: str, sender: str, role: str, detail: str
) -> None:
    _arrives(bot, name, sender)
    assert _votes(bot) == [(role, "rapid_review")]
    assert bot.outbox("case_reply_alert") == []  # no alert on every vote from that person
    assert detail not in _new_on_case(bot)


@pytest.mark.parametrize("vote", ["Vote: rapid review", "Vote rapid review"])
def test_a_command_below_the_signature_is_shown_to_her_with_or_without_its_colon(
    bot: Bot, vote: str
) -> None:
    # Not carried out (its sender is told so): the Business Manager must see the line too, as
    # the sender may not act on the answer before the panel.
    body = f"Noted, thank you.\n\nKind regards\nSam Invented\nPolice DSP\n{vote}"
    bot.at("2026-12-16T11:00").mail(OFFICER, reply("TSCP-2026-0001"), body)
    bot.run()
    assert _votes(bot) == []
    assert f"  | Noted, thank you.\n  | {vote}" in _alert(bot)
    assert f"      | {vote}" in _new_on_case(bot)
    assert "Police DSP" not in _alert(bot)  # the signature itself is still left out
