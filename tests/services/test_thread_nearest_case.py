"""A reply whose subject lost its case tag is filed by its thread on the case of the email it
answers, the nearest one the bot knows, not on whichever case the thread began on.

Mail goes in through the Maildir inbox and the real ingest path, on SQLite and PostgreSQL;
the assertions are on the alert the Business Manager is emailed and where the reply is filed.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.adapters.db.models import Case, StoredMessage
from tests.services.test_lifecycle import BM, Bot, body_of

OFFICER = "morgan.invented@gmp.police.uk"
NURSE = "riley.invented@nhs.net"


def _filed_on(bot: Bot, message_id: str) -> str | None:
    with bot.app.sessions() as s:
        row = s.scalars(select(StoredMessage).where(StoredMessage.message_id == message_id)).one()
        case = s.get(Case, row.case_id) if row.case_id is not None else None
        return case.ref if case is not None else None


def test_a_reply_without_its_tag_goes_on_the_case_of_the_email_it_answers(bot: Bot) -> None:
    # The `bot` fixture's SIN is TSCP-2026-0001; a sibling's notification opens the second.
    bot.at("2026-12-16T10:00").mail(
        "sky.invented@tameside.gov.uk",
        "Serious Incident Notification - GM SIN form (second family)",
        "Please find the GM SIN form for the Screening Panel. A different child and family.",
    )
    bot.run()
    assert bot.case("TSCP-2026-0002").ref == "TSCP-2026-0002"
    # The officer writes on the first case; the nurse answers him about the second, changing
    # the tag; the officer's answer to her lost the tag altogether (a phone's mail app).
    bot.at("2026-12-16T11:00").mail(
        OFFICER, "RE: [TSCP-2026-0001] Screening Panel", "We will attend the panel."
    )
    bot.run()
    first = f"m{bot.counter}@test"
    bot.at("2026-12-16T11:30").mail(
        NURSE,
        "RE: [TSCP-2026-0002] Screening Panel",
        "Our records for the second family are attached to the health chronology.",
        headers={"In-Reply-To": f"<{first}>", "References": f"<{first}>"},
    )
    bot.run()
    second = f"m{bot.counter}@test"
    assert (_filed_on(bot, first), _filed_on(bot, second)) == ("TSCP-2026-0001", "TSCP-2026-0002")
    bot.at("2026-12-16T12:00").mail(
        OFFICER,
        "RE: Screening Panel",
        "The father of the second family was arrested this morning.",
        headers={"In-Reply-To": f"<{second}>", "References": f"<{first}> <{second}>"},
    )
    bot.run()
    assert _filed_on(bot, f"m{bot.counter}@test") == "TSCP-2026-0002"
    [alert] = [a for a in bot.outbox("case_reply_alert") if "arrested" in body_of(a)]
    assert alert.recipients == [BM]
    assert alert.subject.startswith("[TSCP-2026-0002] New on your case")
