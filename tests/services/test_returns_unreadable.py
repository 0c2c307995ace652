"""An Appendix B return the bot cannot read, or a message on the return's thread that holds
none: what the agency returned before is kept, the clock is met only by a return that came, and
a person is told every day until a readable copy arrives."""

from __future__ import annotations

from sqlalchemy import select

from bot.adapters.db.models import AgencyRequest, ChronologyEntry, StoredMessage
from tests.fixtures.forms_docx import appendix_b_docx
from tests.fixtures.mail import drop_into_maildir
from tests.fixtures.mail import email as make_email
from tests.services.test_lifecycle import BM, HEALTH, POLICE, Bot, body_of, delivered, reply

REF = "TSCP-2026-0001"
CHRONOLOGY = [("01/07/2026", "Home visit", "HV", "Visit", "Advice given")]
READABLE = ("Appendix B.docx", appendix_b_docx("Health visiting", CHRONOLOGY))
DAMAGED = ("Appendix B signed.docx", b"PK\x03\x04 damaged")
# A small picture named like the form (a thumbnail, a logo): rule 20 calls it a return.
THUMBNAIL = ("Appendix B.png", b"\x89PNG\r\n\x1a\n" + bytes(2000))


def send(bot: Bot, sender: str, body: str, attachment: tuple[str, bytes] | None, n: int) -> None:
    raw = make_email(
        f"RE: [{REF}] Appendix B return",
        body,
        sender=sender,
        message_id=f"<return-{n}@example.org>",
        attachment=attachment,
    )
    drop_into_maildir(bot.tmp_path / "inbox", delivered(raw, sender))


def ask(bot: Bot, agency: str) -> None:
    bot.at("2026-12-17T09:00").mail(
        BM, reply(REF), f"Decision: rapid review\nAgencies: {agency}\nReturn by: 24/12/2026"
    )
    bot.run()


def triaged(bot: Bot) -> list[str]:
    with bot.app.sessions() as s:
        rows = s.scalars(select(StoredMessage).where(StoredMessage.needs_triage.is_(True)))
        return [str(m.triage_reason) for m in rows]


def returned_on(bot: Bot, agency: str) -> object:
    with bot.app.sessions() as s:
        return (
            s.scalars(select(AgencyRequest).where(AgencyRequest.agency_key == agency))
            .one()
            .received_at
        )


def flat(text: str) -> str:
    return " ".join(text.split())


def test_a_damaged_copy_keeps_the_return_and_is_named_daily_until_a_readable_one(
    bot: Bot,
) -> None:
    ask(bot, "icb")
    send(bot, HEALTH, "Return attached.", READABLE, 1)
    bot.at("2026-12-18T10:00").run()
    first = returned_on(bot, "icb")
    send(bot, HEALTH, "Sorry, here is the signed copy.", DAMAGED, 2)
    bot.at("2026-12-21T10:00").run()

    with bot.app.sessions() as s:
        assert len(s.scalars(select(ChronologyEntry)).all()) == 1  # the readable return's row
    assert returned_on(bot, "icb") == first
    [reason] = triaged(bot)
    assert reason.startswith("Appendix B from icb could not be read (Appendix B signed.docx")
    for day in ("2026-12-22", "2026-12-29", "2027-01-05"):
        bot.at(f"{day}T08:30").run()
        digest = flat(body_of(bot.outbox("daily_digest")[-1]))
        assert f"{REF} return unreadable Appendix B from icb could not be read" in digest, day

    send(bot, HEALTH, "A readable copy.", READABLE, 3)
    bot.at("2027-01-05T10:00").run()
    bot.at("2027-01-06T08:30").run()
    assert "return unreadable" not in flat(body_of(bot.outbox("daily_digest")[-1]))


def test_a_message_with_no_return_in_it_leaves_the_request_open_and_chased(bot: Bot) -> None:
    ask(bot, "gmp")
    send(bot, POLICE, "Our return will follow next week.", THUMBNAIL, 1)
    bot.at("2026-12-18T10:00").run()

    assert returned_on(bot, "gmp") is None
    assert triaged(bot) == [
        "a message on an Appendix B thread that holds no return (no form, no document): any "
        "request to its agency stays open"
    ]
    bot.at("2026-12-24T10:00").run()
    chased = [r for r in bot.outbox("deadline_reminder") if ":appendix_b:gmp:" in r.idempotency_key]
    assert chased and chased[-1].subject == f"[{REF}] Reminder: Appendix B return due today"


def test_a_return_on_a_closed_case_is_kept_and_put_to_a_person(bot: Bot) -> None:
    ask(bot, "gmp")
    bot.at("2026-12-18T09:00").mail(
        BM, reply(REF), "Notifiable: no because a duplicate\nClose: duplicate of TSCP-2026-0002"
    )
    bot.run()
    send(bot, POLICE, "Return attached.", READABLE, 1)
    bot.at("2026-12-21T10:00").run()

    assert returned_on(bot, "gmp") is None
    with bot.app.sessions() as s:
        assert s.scalars(select(ChronologyEntry)).all() == []
        [row] = s.scalars(select(StoredMessage).where(StoredMessage.kind == "appendix_b")).all()
        assert row.case is not None and row.case.ref == REF  # filed where it came, as evidence
    assert triaged(bot) == [
        f"Appendix B return on {REF}, which is closed: nothing recorded from it; check whether "
        "it belongs to another case"
    ]


SCHOOLS_LEAD = "education.safeguarding@tameside.gov.uk"  # a schools contact, at the council


def test_a_return_is_the_agency_whose_person_sent_it_not_the_domains(bot: Bot) -> None:
    ask(bot, "schools, tameside-council")
    send(bot, SCHOOLS_LEAD, "Return attached.", READABLE, 1)
    bot.at("2026-12-18T10:00").run()

    assert returned_on(bot, "schools") is not None
    assert returned_on(bot, "tameside-council") is None
    with bot.app.sessions() as s:
        assert {r.agency_key for r in s.scalars(select(ChronologyEntry))} == {"schools"}


def test_a_return_the_business_manager_sends_on_is_put_to_her_not_credited(bot: Bot) -> None:
    ask(bot, "gmp, tameside-council")
    send(bot, BM, "Forwarding the police return.", READABLE, 1)
    bot.at("2026-12-18T10:00").run()

    assert returned_on(bot, "gmp") is None and returned_on(bot, "tameside-council") is None
    [reason] = triaged(bot)
    assert reason.startswith("Appendix B sent on by the Business Manager: nothing recorded")
