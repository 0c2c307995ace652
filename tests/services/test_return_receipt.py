"""The receipt an agency gets when its Appendix B return is recorded: once per email, with the
case's reference and the child's initials only, never to automatic mail or a no-reply address,
and none while it is in doubt whose return it is."""

from __future__ import annotations

import email
from email import policy

from sqlalchemy import select

from bot.adapters.db.models import CaseEvent, OutboxMessage, StoredMessage
from tests.fixtures.forms_docx import appendix_b_docx
from tests.fixtures.mail import drop_into_maildir
from tests.fixtures.mail import email as make_email
from tests.services.test_lifecycle import BM, HEALTH, Bot, body_of, delivered, reply

REF = "TSCP-2026-0001"
CHRONOLOGY = [("01/07/2026", "Home visit", "HV", "Visit", "Advice given")]
READABLE = ("Appendix B.docx", appendix_b_docx("Health visiting", CHRONOLOGY))
DAMAGED = ("Appendix B signed.docx", b"PK\x03\x04 damaged")


def ask(bot: Bot) -> None:
    bot.at("2026-12-17T09:00").mail(
        BM, reply(REF), "Decision: rapid review\nAgencies: icb\nReturn by: 24/12/2026"
    )
    bot.run()


def send(
    bot: Bot,
    n: int,
    *,
    sender: str = HEALTH,
    attachment: tuple[str, bytes] = READABLE,
    headers: dict[str, str] | None = None,
) -> None:
    raw = make_email(
        f"RE: [{REF}] Appendix B return",
        "Our return is attached.",
        sender=sender,
        message_id=f"<return-{n}@nhs.net>",
        attachment=attachment,
        headers=headers or {},
    )
    drop_into_maildir(bot.tmp_path / "inbox", delivered(raw, sender))


def receipts(bot: Bot) -> list[OutboxMessage]:
    return bot.outbox("appendix_b_receipt")


def flat(text: str) -> str:
    return " ".join(text.split())


def test_a_recorded_return_is_receipted_to_its_sender_once(bot: Bot) -> None:
    ask(bot)
    send(bot, 1)
    bot.at("2026-12-18T10:00").run()

    [receipt] = receipts(bot)
    assert receipt.recipients == [HEALTH] and receipt.case_id == bot.case().id
    assert receipt.subject == f"[{REF}] Appendix B return received"
    text = flat(body_of(receipt))
    assert "Appendix B return from NHS Greater Manchester Integrated Care (Tameside)" in text
    assert "We received it at 10:00 on Friday 18 December 2026." in text
    assert "You do not need to send it again." in text
    sent = email.message_from_bytes(receipt.raw, policy=policy.default)
    assert sent["In-Reply-To"] == "<return-1@nhs.net>"
    assert sent["Auto-Submitted"] == "auto-replied"  # its own answer is never answered

    # The same email sent round again (`triage retry`): no second receipt.
    with bot.app.sessions() as s:
        row = s.scalars(
            select(StoredMessage).where(StoredMessage.message_id == "return-1@nhs.net")
        ).one()
        row.status, row.attempts, row.needs_triage = "stored", 0, False
        s.commit()
    bot.at("2026-12-18T11:00").run()
    assert len(receipts(bot)) == 1

    # Sent again as a new email, thinking the first lost: that one is receipted too.
    send(bot, 2)
    bot.at("2026-12-21T10:00").run()
    assert [r.recipients for r in receipts(bot)] == [[HEALTH], [HEALTH]]


def test_a_return_that_could_not_be_read_is_receipted_as_one_a_person_will_look_at(
    bot: Bot,
) -> None:
    ask(bot)
    send(bot, 1, attachment=DAMAGED)
    bot.at("2026-12-18T10:00").run()

    [receipt] = receipts(bot)
    text = flat(body_of(receipt))
    assert "We could not read the attached document as an Appendix B form" in text
    assert "send it again" not in text


def test_no_receipt_to_a_no_reply_address_or_automatic_mail(bot: Bot) -> None:
    ask(bot)
    send(bot, 1, sender="no-reply@nhs.net")
    send(bot, 2, headers={"X-Auto-Response-Suppress": "All"})
    bot.at("2026-12-18T10:00").run()

    assert receipts(bot) == []
    events = [e.what for e in bot.case().events]
    assert "return_received" in events  # recorded all the same


def test_no_receipt_while_it_is_in_doubt_whose_return_it_is(bot: Bot) -> None:
    ask(bot)
    # The form says the trust, the address the ICB: a person settles it, and answers.
    other = ("Appendix B.docx", appendix_b_docx("Tameside and Glossop Integrated Care NHS "
                                                "Foundation Trust", CHRONOLOGY))  # fmt: skip
    send(bot, 1, attachment=other)
    bot.at("2026-12-18T10:00").run()

    assert receipts(bot) == []
    with bot.app.sessions() as s:
        [reason] = s.scalars(select(StoredMessage.triage_reason).where(StoredMessage.needs_triage))
    assert reason is not None and "its deadline not marked met" in reason


def test_the_fourth_receipt_of_the_day_to_one_address_is_held_back_quietly(bot: Bot) -> None:
    """The loop guard: a responder answering each receipt with a leaflet attached, on the
    case's thread, reads like the return sent again; an agency may also rightly send four
    returns in a day, so the fourth is recorded without a receipt and no one is asked."""
    ask(bot)
    for n in range(1, 5):
        send(bot, n)
        bot.at(f"2026-12-18T1{n}:00").run()

    assert len(receipts(bot)) == 3
    with bot.app.sessions() as s:
        triaged = s.scalars(select(StoredMessage.id).where(StoredMessage.needs_triage)).all()
        recorded = s.scalars(
            select(CaseEvent.what).where(CaseEvent.what.in_(("return_received", "return_updated")))
        ).all()
    assert triaged == []
    assert len(recorded) == 4
