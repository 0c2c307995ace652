"""A SIN that reaches the mailbox late, passed on by someone else or on a closed case's thread:
its screening clock starts from the real event, and a person is told.

Through the real ingest path (Maildir inbox, classification, plan, effects, outbox, digest).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.services.digest import send_digest_if_due
from tests.fixtures.app import AppFactory
from tests.services.test_lifecycle import BM, Bot, body_of

POLICE = "casey.invented@gmp.police.uk"
SUBJECT = "FW: Serious Incident Notification - GM SIN form"


def forward(sent: str = "Friday, 11 December 2026 16:00", writer: str = POLICE) -> str:
    """The Business Manager's Outlook forward of a SIN the police sent to her."""
    return (
        "For the mailbox, please.\n\n"
        "________________________________\n"
        f"From: Casey Invented <{writer}>\n"
        f"Sent: {sent}\n"
        f"To: {BM}\n"
        "Subject: Serious Incident Notification - GM SIN form\n\n"
        "Please accept this as our serious incident notification; the GM SIN form will follow "
        "by secure email.\n"
    )


@pytest.fixture
def bot(make_app: AppFactory, tmp_path: Path) -> Bot:
    return Bot(make_app, tmp_path, "2026-12-16T09:05")


WED_16_DEC = datetime(2026, 12, 16, 9, 0, tzinfo=UTC)


def digest(b: Bot, when: str) -> str:
    b.at(when)
    assert send_digest_if_due(b.app)
    return " ".join(body_of(b.outbox("daily_digest")[-1]).split())


def test_a_forwarded_sin_counts_from_the_day_the_police_sent_it(bot: Bot) -> None:
    bot.mail(BM, SUBJECT, forward(), arrived=WED_16_DEC)
    bot.run()
    case = bot.case("TSCP-2026-0001")
    # Sent Fri 11 Dec 2026: its 2 working days ended Tue 15 Dec, before the forward arrived.
    assert case.sin_received_on == date(2026, 12, 11)
    screening = next(d for d in case.deadlines if d.name == "screening_meeting")
    assert (screening.start, screening.due) == (date(2026, 12, 11), date(2026, 12, 15))
    assert "the forwarded email says the referrer sent it" in (screening.assumption or "")
    # The awareness clock runs from the same earlier day, and still says it may be earlier.
    aware = next(d for d in case.deadlines if d.name == "panel_notification")
    assert aware.start == date(2026, 12, 11) and "may be earlier" in (aware.assumption or "")
    # The police referrer is told, with the overdue wording; the Business Manager is not.
    [ack] = bot.outbox("sin_acknowledgement")
    assert ack.recipients == [POLICE] and bot.case().referrer_email == POLICE
    text = " ".join(body_of(ack).split())
    assert "Those 2 working days ended on Tuesday 15 December 2026" in text
    assert "sent on Friday 11 December 2026" in text and "passed on to this mailbox" in text
    said = digest(bot, "2026-12-17T08:05")
    assert "forwarded SIN: its clocks count from Fri 11 Dec 2026" in said
    assert "check" in said and "Aware:" in said


def test_a_forwarded_sin_whose_day_could_be_misread_counts_from_the_forward_and_says_so(
    bot: Bot,
) -> None:
    bot.mail(BM, SUBJECT, forward("05/12/2026 16:00"), arrived=WED_16_DEC)
    bot.run()
    case = bot.case("TSCP-2026-0001")
    assert case.sin_received_on == date(2026, 12, 16)
    said = digest(bot, "2026-12-17T08:05")
    assert "forwarded SIN: its clocks count from Wed 16 Dec 2026, when the forward arrived" in said


def test_a_forwarded_sin_whose_writer_cannot_be_answered_is_not_acknowledged_to_her(
    bot: Bot,
) -> None:
    bot.mail(BM, SUBJECT, forward(writer="no-reply@gmp.police.uk"), arrived=WED_16_DEC)
    bot.run()
    assert bot.outbox("sin_acknowledgement") == []
    assert bot.case().sin_received_on == date(2026, 12, 11)
    said = digest(bot, "2026-12-17T08:05")
    assert "answer the referrer another way" in said
