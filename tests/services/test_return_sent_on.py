"""`Return from: gmp`: an agency's Appendix B that came to the Business Manager, sent on by her
to the mailbox, is recorded as that agency's return, so the agency is not chased for it.

Mail goes in through the Maildir inbox and the real ingest path; assertions are on the case's
deadline, the chronology, the reply to her and the reminders the agency would get.
"""

from __future__ import annotations

from datetime import date
from email.message import EmailMessage

from sqlalchemy import select

from bot.adapters.db.models import AgencyRequest, ChronologyEntry
from tests.fixtures.forms_docx import appendix_b_docx
from tests.fixtures.mail import drop_into_maildir
from tests.services.test_lifecycle import (
    BM,
    POLICE,
    Bot,
    body_of,
    delivered,
    gmp_asked_for_a_return,
)

REF = "TSCP-2026-0001"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CHRONOLOGY = [("01/07/2026", "Home visit", "HV", "Visit", "Advice given")]


def sent_on(bot: Bot, when: str, said: str, *, document: bytes | None = None) -> None:
    """The Business Manager forwards GMP's email, its return attached, with `said` on top."""
    msg = EmailMessage()
    msg["From"], msg["To"] = BM, "tscp@tameside.gov.uk"
    bot.counter += 1
    msg["Subject"], msg["Message-ID"] = f"FW: [{REF}] Appendix B", f"<fw-{bot.counter}@test>"
    msg.set_content(f"{said}\n\n---------- Forwarded message ----------\nFrom: {POLICE}\n")
    if document is not None:
        msg.add_attachment(
            document, maintype="application", subtype=DOCX.split("/")[1], filename="AppB GMP.docx"
        )
    bot.at(when)
    drop_into_maildir(bot.tmp_path / "inbox", delivered(msg.as_bytes(), BM))
    bot.run()


def told(bot: Bot) -> str:
    return " ".join(body_of(bot.outbox("command_result")[-1]).split())


def gmp_deadline(bot: Bot) -> tuple[str, date | None]:
    d = next(d for d in bot.case().deadlines if d.name == "appendix_b:gmp")
    return d.state, d.met_on


def test_a_return_sent_on_by_the_business_manager_is_gmps_and_stops_its_reminders(
    bot: Bot,
) -> None:
    gmp_asked_for_a_return(bot)
    sent_on(
        bot,
        "2026-12-22T10:00",
        "Return from: gmp 21/12/2026",
        document=appendix_b_docx("GMP", CHRONOLOGY),
    )
    # Met on the day GMP sent it, not the day she sent it on; its chronology is read.
    assert gmp_deadline(bot) == ("met", date(2026, 12, 21))
    assert (
        "Appendix B from Greater Manchester Police recorded as received on Mon 21 Dec 2026"
        in told(bot)
    )
    with bot.app.sessions() as s:
        assert s.scalars(select(AgencyRequest)).one().received_at is not None
        assert [e.event for e in s.scalars(select(ChronologyEntry))] == ["Visit"]
    # GMP is not told its return is due, or overdue, after it gave it.
    for when in ("2026-12-23T10:00", "2026-12-24T10:00", "2026-12-29T10:00"):
        bot.at(when).run()
    assert [
        r
        for r in bot.outbox()
        if POLICE in r.recipients
        and "Appendix B" in r.subject
        and r.created_at.date() >= date(2026, 12, 22)
    ] == []


def test_without_a_date_it_counts_from_the_day_the_mailbox_had_it_and_says_so(bot: Bot) -> None:
    gmp_asked_for_a_return(bot)
    sent_on(
        bot, "2026-12-22T10:00", "Return from: gmp", document=appendix_b_docx("GMP", CHRONOLOGY)
    )
    assert gmp_deadline(bot) == ("met", date(2026, 12, 22))
    assert "if Greater Manchester Police sent it earlier, write Return from: gmp <date>" in told(
        bot
    )


def test_a_day_after_it_arrived_before_the_request_or_no_document_is_refused(bot: Bot) -> None:
    gmp_asked_for_a_return(bot)
    doc = appendix_b_docx("GMP", CHRONOLOGY)
    for said, why in (
        ("Return from: gmp 23/12/2026", "is after this email reached the mailbox"),
        ("Return from: gmp 16/12/2026", "is before the return was requested"),
        ("Return from: icb", "no Appendix B was requested from"),
    ):
        sent_on(bot, "2026-12-22T10:00", said, document=doc)
        assert why in told(bot), said
        assert gmp_deadline(bot) == ("open", None)
    sent_on(bot, "2026-12-22T11:00", "Return from: gmp")  # nothing attached
    assert "has no document attached" in told(bot)
    assert gmp_deadline(bot) == ("open", None)
