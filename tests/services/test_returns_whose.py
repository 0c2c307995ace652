"""Whose Appendix B a reply is: the agency its request went to, not the sender's domain alone.

A trust's named nurse writes from nhs.net, which is also the ICB's domain. Her reply to the
request sent to the trust is never recorded as the ICB's return; when her address says one
agency and the request (or the form) another, no deadline is met on a guess: a person says.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.adapters.db.models import StoredMessage
from tests.fixtures.forms_docx import appendix_b_docx
from tests.fixtures.mail import drop_into_maildir
from tests.fixtures.mail import email as make_email
from tests.services.test_lifecycle import BM, Bot, decide_rapid_review, delivered, reply

REF = "TSCP-2026-0001"
TRUST = "Tameside and Glossop Integrated Care NHS Foundation Trust"
NURSE = "jane.nurse@nhs.net"  # the trust's nurse, on the NHS-wide mail service
TRUST_CONTACT = "safeguarding.children@tgh.nhs.uk"
ROW = [("01/07/2026", "Home visit", "HV", "Visit", "Advice given")]


def asked_icb_and_trust(bot: Bot) -> dict[str, str]:
    """The Message-ID of the request email each agency was sent."""
    decide_rapid_review(bot, "2026-12-17T09:00")
    bot.at("2026-12-17T09:30").mail(BM, reply(REF), "Agencies: icb, tg-icft\nReturn by: 24/12/2026")
    bot.run()
    return {
        "icb" if "nhs.net" in " ".join(r.recipients) else "tg-icft": r.message_id
        for r in bot.outbox("appendix_b_request")
    }


def answer(bot: Bot, sender: str, request: str, agency: str = TRUST, n: int = 1) -> None:
    raw = make_email(
        f"RE: [{REF}] Rapid Review information request (Appendix B)",
        "Our return is attached.",
        sender=sender,
        message_id=f"<ret-{n}@test>",
        headers={"In-Reply-To": f"<{request}>", "References": f"<{request}>"},
        attachment=("Appendix B.docx", appendix_b_docx(agency, ROW)),
    )
    bot.at("2026-12-22T10:00")
    drop_into_maildir(bot.tmp_path / "inbox", delivered(raw, sender))
    bot.run()


def state(bot: Bot, agency: str) -> str:
    return next(d.state for d in bot.case().deadlines if d.name == f"appendix_b:{agency}")


def triage_of(bot: Bot, n: int = 1) -> str | None:
    with bot.app.sessions() as s:
        row = s.scalars(select(StoredMessage).where(StoredMessage.message_id == f"ret-{n}@test"))
        return row.one().triage_reason


def test_the_trust_s_reply_from_nhs_net_is_never_the_icb_s_return_and_meets_no_deadline(
    bot: Bot,
) -> None:
    sent = asked_icb_and_trust(bot)
    answer(bot, NURSE, sent["tg-icft"])
    assert (state(bot, "icb"), state(bot, "tg-icft")) == ("open", "open")
    assert triage_of(bot) == (
        f"an Appendix B return on {REF} in reply to the request to tg-icft, but sent from an "
        "address of icb: kept as tg-icft's, its deadline not marked met; send it on to the "
        "mailbox with Return from: <agency> at the top to say whose return it is"
    )


def test_a_reply_to_its_own_request_from_its_own_address_meets_that_deadline(bot: Bot) -> None:
    sent = asked_icb_and_trust(bot)
    answer(bot, TRUST_CONTACT, sent["tg-icft"])
    assert (state(bot, "icb"), state(bot, "tg-icft")) == ("open", "met")
    assert triage_of(bot) is None


def test_a_form_naming_another_agency_than_the_request_meets_no_deadline(bot: Bot) -> None:
    sent = asked_icb_and_trust(bot)
    answer(
        bot,
        TRUST_CONTACT,
        sent["tg-icft"],
        agency="NHS Greater Manchester Integrated Care (Tameside)",
    )
    assert (state(bot, "icb"), state(bot, "tg-icft")) == ("open", "open")
    assert "its form's Agency is icb" in (triage_of(bot) or "")


PASTED = f"""Rapid Review Information Request (Appendix B)

Agency: {TRUST}
Name: Jane Nurse
Role: Named nurse
Date returned: 22/12/2026
Period covered: 01/06/2026 to 15/12/2026
Was your agency involved: Yes
Summary of involvement: Universal services only.
View on whether the CSPR criteria are met: Not met.
"""


def test_a_pasted_return_she_sends_on_with_return_from_meets_the_agency_s_deadline(
    bot: Bot,
) -> None:
    """As the triage list advises: her forward carries the return pasted in, not attached."""
    asked_icb_and_trust(bot)
    body = f"Return from: tg-icft\n\n---------- Forwarded message ----------\n{PASTED}"
    bot.at("2026-12-22T11:00").mail(BM, f"FW: [{REF}] Appendix B", body)
    bot.run()
    assert (state(bot, "icb"), state(bot, "tg-icft")) == ("open", "met")
