"""An out-of-office from an agency whose Appendix B return is awaited is shown beside the
return in every digest and named in the escalation: without it the Business Manager reads five
reminders "with no reply recorded" that went to an away mailbox."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.app import AppFactory
from tests.fixtures.scenarios import Scenarios
from tests.services.conftest import build_bot, copied
from tests.services.test_case_warnings import digest_on
from tests.services.test_lifecycle import (
    POLICE,
    Bot,
    body_of,
    decide_rapid_review,
    gmp_asked_for_a_return,
)

REF = "TSCP-2026-0001"
AWAY = {"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"}


def build_asked(make_app: AppFactory, tmp_path: Path) -> Bot:
    b = build_bot(make_app, tmp_path)
    gmp_asked_for_a_return(b)
    return b


@pytest.fixture
def asked(
    make_app: AppFactory, tmp_path: Path, migrated_database_url: str, scenarios: Scenarios
) -> Bot:
    """The `bot` case after gmp_asked_for_a_return, replayed once per backend and process and
    copied for each test (tests/fixtures/scenarios.py)."""
    return copied(
        "gmp_asked_for_a_return", build_asked, make_app, tmp_path, migrated_database_url, scenarios
    )


def police_away(bot: Bot, when: str) -> None:
    bot.at(when).mail(
        POLICE,
        f"Automatic reply: [{REF}] Rapid Review information request (Appendix B)",
        "I am out of the office until Monday 4 January 2027 with no access to email.",
        headers=AWAY,
    )
    bot.run()


def returns_section(digest: str) -> str:
    return " ".join(digest[digest.index("APPENDIX B RETURNS") : digest.index("ACTIONS")].split())


def test_the_awaited_return_says_an_out_of_office_came_in_every_digest(asked: Bot) -> None:
    police_away(asked, "2026-12-17T10:00")
    for day in ("2026-12-18", "2026-12-21"):
        owed = returns_section(digest_on(asked, day))
        assert "Greater Manchester Police; out-of-office received Thu 17 Dec 2026" in owed


def test_an_out_of_office_before_the_request_is_not_about_the_return(bot: Bot) -> None:
    decide_rapid_review(bot, "2026-12-17T09:00")
    police_away(bot, "2026-12-17T09:10")  # to the screening outcome, before any request
    bot.at("2026-12-18T09:30").mail(
        "tscp.business.manager@tameside.gov.uk",
        f"RE: [{REF}] Screening Panel",
        "Agencies: gmp\nReturn by: 24/12/2026",
    )
    bot.run()
    owed = returns_section(digest_on(bot, "2026-12-21"))
    assert "Greater Manchester Police" in owed and "out-of-office" not in owed


def test_the_escalation_to_the_safeguarding_lead_names_the_out_of_office(asked: Bot) -> None:
    police_away(asked, "2026-12-17T10:00")
    for day in ("2026-12-23", "2026-12-24", "2026-12-29", "2026-12-30", "2026-12-31"):
        asked.at(f"{day}T10:00").run()
    asked.at("2027-01-04T10:00").run()
    [escalation] = [
        r for r in asked.outbox("deadline_escalation") if ":appendix_b:gmp:" in r.idempotency_key
    ]
    body = " ".join(body_of(escalation).split())
    assert "no reply recorded" not in body
    assert "the only reply was an out-of-office received Thursday 17 December 2026" in body
    assert "An out-of-office reply came from Greater Manchester Police on Thursday" in body


def escalation_body(bot: Bot) -> str:
    for day in ("2026-12-23", "2026-12-24", "2026-12-29", "2026-12-30", "2026-12-31"):
        bot.at(f"{day}T10:00").run()
    bot.at("2027-01-04T10:00").run()
    [escalation] = [
        r for r in bot.outbox("deadline_escalation") if ":appendix_b:gmp:" in r.idempotency_key
    ]
    return " ".join(body_of(escalation).split())


def test_the_escalation_never_says_no_reply_when_a_person_at_the_agency_replied(
    asked: Bot,
) -> None:
    # "Our lead is away; it will follow" brings no return: the return is still chased, but the
    # safeguarding lead is not told the reminders had no reply, which would be untrue.
    asked.at("2026-12-18T10:00").mail(
        POLICE,
        f"RE: [{REF}] Rapid Review information request (Appendix B)",
        "Our safeguarding lead is on leave. We will send the return on 5 January.",
    )
    asked.run()
    body = escalation_body(asked)
    assert "no reply" not in body
    assert "a reply was received Friday 18 December 2026, but the return is not yet recorded" in (
        body
    )


def test_a_persons_reply_and_an_out_of_office_are_both_named(asked: Bot) -> None:
    police_away(asked, "2026-12-17T10:00")
    asked.at("2026-12-18T10:00").mail(
        POLICE,
        f"RE: [{REF}] Rapid Review information request (Appendix B)",
        "I am covering the mailbox: the return will follow next week.",
    )
    asked.run()
    body = escalation_body(asked)
    assert "the only reply" not in body and "no reply" not in body
    assert "a reply was received Friday 18 December 2026" in body
    assert "an out-of-office was also received Thursday 17 December 2026" in body


def test_the_awaited_return_says_a_person_at_the_agency_replied(asked: Bot) -> None:
    asked.at("2026-12-18T10:00").mail(
        POLICE,
        f"RE: [{REF}] Rapid Review information request (Appendix B)",
        "Our safeguarding lead is on leave. We will send the return on 5 January.",
    )
    asked.run()
    owed = returns_section(digest_on(asked, "2026-12-21"))
    assert "Greater Manchester Police; replied Fri 18 Dec 2026, no return yet" in owed
