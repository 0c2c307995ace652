"""A professional's challenge to a decision as it arrives: an escalation opened, the Business
Manager and the Independent Scrutineer alerted, whatever words it is put in."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.mail import drop_into_maildir
from tests.services.test_lifecycle import BM, POLICE, SCRUTINEER, Bot, body_of, reply

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
CASE = "TSCP-2026-0001"
ESCALATING = (
    "Disagree with the panel's decision: the hospital now says the injuries are "
    "non-accidental. I am escalating this under the GM escalation policy and ask the panel "
    "to reconsider.\n\nPolice DSP"
)


def test_a_partners_escalation_worded_like_the_scrutineers_disagree_is_opened(bot: Bot) -> None:
    bot.at("2026-12-16T11:00").mail(BM, reply(CASE), "Decision: no further action")
    bot.run()
    before = len(bot.outbox())
    bot.at("2026-12-17T09:00").mail(POLICE, reply(CASE), ESCALATING)
    bot.run()
    escalation = bot.case("TSCP-2026-0002")
    assert escalation.kind == "escalation" and escalation.parent_id == bot.case(CASE).id
    [alert] = bot.outbox("escalation_alert")
    assert sorted(alert.recipients) == sorted([BM, SCRUTINEER])
    # Not told "0 recorded, 1 not carried out": the line was their escalation, not a command.
    to_police = [m for m in bot.outbox()[before:] if POLICE in m.recipients]
    assert [m.event for m in to_police] == ["escalation_acknowledgement"]
    assert not any("not carried out" in body_of(m) for m in bot.outbox()[before:])


@pytest.mark.parametrize(
    "name",
    [
        "escalation-professional-disagreement-health.eml",
        "escalation-professional-disagreement-in-body-only.eml",
    ],
)
def test_a_professional_disagreement_about_a_decision_is_an_escalation(bot: Bot, name: str) -> None:
    drop_into_maildir(bot.tmp_path / "inbox", (CORPUS / name).read_bytes())
    bot.at("2026-12-17T10:00").run()
    assert bot.case("TSCP-2026-0002").kind == "escalation"
    [alert] = bot.outbox("escalation_alert")
    assert sorted(alert.recipients) == sorted([BM, SCRUTINEER])
    [ack] = bot.outbox("escalation_acknowledgement")
    assert ack.recipients == ["safeguarding.children@tgh.nhs.uk"]


def test_an_escalation_sent_from_a_no_reply_address_is_acknowledged_to_its_reply_to(
    bot: Bot,
) -> None:
    """A police case-management system sends From its no-reply address, Reply-To the officer."""
    officer = "casey.invented@gmp.police.uk"
    bot.at("2026-12-17T10:00").mail(
        "no-reply@gmp.police.uk",
        "Escalation: challenge to the screening decision",
        "We wish to challenge the screening decision under the resolving professional "
        "differences policy.",
        headers={"Reply-To": f"Casey Invented <{officer}>"},
    )
    bot.run()
    [ack] = bot.outbox("escalation_acknowledgement")
    assert ack.recipients == [officer]
    [alert] = bot.outbox("escalation_alert")
    assert "The sender has been sent an acknowledgement" in body_of(alert)
    assert bot.case("TSCP-2026-0002").referrer_email == officer


def test_the_alert_says_the_policys_timescales_are_not_tracked(bot: Bot) -> None:
    # The GM policy's meeting within 5 working days and minutes within 15 have no clock in
    # the bot: the Business Manager and the Scrutineer are told so, not left to assume one.
    bot.at("2026-12-16T11:00").mail(BM, reply(CASE), "Decision: no further action")
    bot.run()
    bot.at("2026-12-17T09:00").mail(POLICE, reply(CASE), ESCALATING)
    bot.run()
    [alert] = bot.outbox("escalation_alert")
    body = " ".join(body_of(alert).split())
    assert "The bot keeps no clock for an escalation" in body
    assert "a professionals meeting within 5 working days" in body
    assert "its minutes circulated within 15 working days" in body
