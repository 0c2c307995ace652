"""A SIN that reaches the mailbox late, passed on by someone else or on a closed case's thread:
its screening clock starts from the real event, and a person is told.

Through the real ingest path (Maildir inbox, classification, plan, effects, outbox, digest).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.services.daily_digest import send_digest_if_due
from tests.fixtures.app import AppFactory
from tests.fixtures.smtp import SmtpTestServer
from tests.services.test_lifecycle import BM, Bot, body_of
from tests.services.test_send_time_acks import down_bot
from tests.services.test_send_time_truth import received, to_business_manager

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
    # The partnership had it on the Friday: "received" is never said of her forward's day.
    assert "We received it" not in text
    assert (
        "It was passed on to this mailbox by the partnership on Wednesday 16 December 2026. "
        "It was sent on Friday 11 December 2026, so its deadlines are counted from that day."
    ) in text
    said = digest(bot, "2026-12-17T08:05")
    assert "forwarded SIN: its clocks count from Fri 11 Dec 2026" in said
    assert "check" in said and "Aware:" in said


def test_a_forwarded_sin_sent_late_on_a_summer_evening_utc_counts_from_the_london_day(
    make_app: AppFactory, tmp_path: Path
) -> None:
    # 23:30 UTC on Wed 16 June 2027 was 00:30 BST on Thursday 17 June: the referrer's day,
    # and the one the acknowledgement names, is the Thursday.
    b = Bot(make_app, tmp_path, "2027-06-21T09:05")
    sent = "Wed, 16 Jun 2027 23:30:00 +0000"
    b.mail(BM, SUBJECT, forward(sent), arrived=datetime(2027, 6, 21, 8, 0, tzinfo=UTC))
    b.run()
    case = b.case("TSCP-2027-0001")
    assert case.sin_received_on == date(2027, 6, 17)
    screening = next(d for d in case.deadlines if d.name == "screening_meeting")
    assert (screening.start, screening.due) == (date(2027, 6, 17), date(2027, 6, 21))
    text = " ".join(body_of(b.outbox("sin_acknowledgement")[0]).split())
    assert "It was sent on Thursday 17 June 2027, so its deadlines are counted from that day" in (
        text
    )


def test_a_forwarded_sin_sent_near_midnight_in_a_zone_of_two_meanings_is_not_dated(
    make_app: AppFactory, tmp_path: Path
) -> None:
    # 00:30 British Summer Time on Thu 17 June 2027 was the 17th in London; 00:30 in
    # Bangladesh, the 16th: the day is unsure, and a person is asked, as for an unreadable one.
    b = Bot(make_app, tmp_path, "2027-06-21T09:05")
    sent = "Thursday, 17 June 2027 00:30 BST"
    b.mail(BM, SUBJECT, forward(sent), arrived=datetime(2027, 6, 21, 8, 0, tzinfo=UTC))
    b.run()
    assert b.case("TSCP-2027-0001").sin_received_on == date(2027, 6, 21)
    text = " ".join(body_of(b.outbox("sin_acknowledgement")[0]).split())
    assert "We could not read for sure the day it was first sent" in text
    assert "17 June" not in text and "16 June" not in text
    said = digest(b, "2027-06-22T08:05")
    assert (
        "forwarded SIN: its clocks count from Mon 21 Jun 2027, when the forward arrived, as "
        "the day the forwarded email was sent could not be read for sure"
    ) in said


def test_a_forwarded_sin_sent_at_an_est_time_of_two_london_days_names_the_zone(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """23:30 EST on Wed 2 Dec 2026: US Eastern puts it on Thu 3 Dec in London, Australian
    Eastern on Wed 2 Dec. Read as US time alone, the clocks would count from the 3rd when the
    police may have sent it on the 2nd. Counted from the forward, and the Business Manager is
    told why in the letters' own terms, in the digest and in the clocks' explanation."""
    b = Bot(make_app, tmp_path, "2026-12-07T09:05")
    sent = "Wednesday, 02 December 2026 23:30 EST"
    b.mail(BM, SUBJECT, forward(sent), arrived=datetime(2026, 12, 7, 9, 0, tzinfo=UTC))
    b.run()
    case = b.case("TSCP-2026-0001")
    assert case.sin_received_on == date(2026, 12, 7)
    text = " ".join(body_of(b.outbox("sin_acknowledgement")[0]).split())
    assert "We could not read for sure the day it was first sent" in text
    doubt = (
        "the Sent line's time zone 'EST' may be US Eastern or Australian Eastern time, which "
        "fall on different days (Wed 2 Dec 2026 or Thu 3 Dec 2026)"
    )
    said = digest(b, "2026-12-08T08:05")
    assert (
        "forwarded SIN: its clocks count from Mon 7 Dec 2026, when the forward arrived, as the "
        f"day the forwarded email was sent could not be read for sure: {doubt}. If it was sent"
    ) in said
    screening = next(d for d in case.deadlines if d.name == "screening_meeting")
    assert doubt in (screening.assumption or "")


def test_a_forwarded_sin_whose_day_could_be_misread_counts_from_the_forward_and_says_so(
    bot: Bot,
) -> None:
    bot.mail(BM, SUBJECT, forward("05/12/2026 16:00"), arrived=WED_16_DEC)
    bot.run()
    case = bot.case("TSCP-2026-0001")
    assert case.sin_received_on == date(2026, 12, 16)
    # Counted from the forward, perhaps later than the real ones: the referrer is given no
    # key dates, and no day it was received; the Business Manager will confirm them.
    [ack] = bot.outbox("sin_acknowledgement")
    text = " ".join(body_of(ack).split())
    assert "We received it" not in text
    assert "It was passed on to this mailbox by the partnership on Wednesday 16 December" in text
    assert (
        "We could not read for sure the day it was first sent, so the Business Manager will "
        "confirm its deadlines."
    ) in text
    assert "KEY DATES The Business Manager will confirm the deadlines" in text
    assert [d.due.isoformat() for d in case.deadlines if d.due.isoformat() in text] == []
    assert "18/12/2026" not in text and "Fri 18 Dec" not in text
    said = digest(bot, "2026-12-17T08:05")
    assert "forwarded SIN: its clocks count from Wed 16 Dec 2026, when the forward arrived" in said
    assert "No key dates were given to the referrer: tell them the deadlines once checked" in said


def test_a_sin_a_colleague_forwards_with_no_day_read_is_acknowledged_without_key_dates(
    bot: Bot,
) -> None:
    colleague = "sam.colleague@gmp.police.uk"
    bot.mail(colleague, SUBJECT, forward("a few days ago", writer=POLICE), arrived=WED_16_DEC)
    bot.run()
    [ack] = bot.outbox("sin_acknowledgement")
    assert ack.recipients == [colleague]
    text = " ".join(body_of(ack).split())
    assert (
        "It was forwarded to this mailbox: we could not read for sure the day the email "
        "forwarded was first sent, so the Business Manager will confirm its deadlines."
    ) in text
    assert "KEY DATES The Business Manager will confirm the deadlines" in text
    assert "Screening Panel meeting" not in text.split("KEY DATES")[1]


def test_a_colleague_s_forward_says_who_was_acknowledged_and_who_was_not(bot: Bot) -> None:
    colleague = "sam.colleague@gmp.police.uk"
    bot.mail(colleague, SUBJECT, forward(writer=POLICE), arrived=WED_16_DEC)
    bot.run()
    [ack] = bot.outbox("sin_acknowledgement")
    assert ack.recipients == [colleague]  # by design: they notified the mailbox
    said = digest(bot, "2026-12-17T08:05")
    assert (
        f"The acknowledgement went to {colleague}, who forwarded it, not to {POLICE}, who "
        "wrote it (named on the quoted From line)"
    ) in said
    # Her own forward is acknowledged to the writer: nothing to say.
    bot.mail(BM, SUBJECT, forward(writer="robin.invented@nhs.net"), arrived=WED_16_DEC)
    bot.run()
    assert "who forwarded it, not to robin" not in digest(bot, "2026-12-18T08:05")


def test_a_forwarded_sin_whose_writer_cannot_be_answered_is_not_acknowledged_to_her(
    bot: Bot,
) -> None:
    bot.mail(BM, SUBJECT, forward(writer="no-reply@gmp.police.uk"), arrived=WED_16_DEC)
    bot.run()
    assert bot.outbox("sin_acknowledgement") == []
    assert bot.case().sin_received_on == date(2026, 12, 11)
    said = digest(bot, "2026-12-17T08:05")
    assert "answer the referrer another way" in said


def test_an_unsure_forward_s_acknowledgement_written_again_when_it_goes_keeps_its_words(
    make_app: AppFactory, tmp_path: Path, smtp_server: SmtpTestServer
) -> None:
    # The relay is down from the forward (Wed 16 Dec) until Mon 21 Dec, past the panel booked
    # for Wed 16 Dec 14:00: the acknowledgement is written again as of the day it goes.
    late = down_bot(make_app, tmp_path, smtp_server, "2026-12-16T09:05")
    late.mail(BM, SUBJECT, forward("05/12/2026 16:00"), arrived=WED_16_DEC)
    late.run()
    smtp_server.start()
    late.at("2026-12-21T09:30").run()
    [ack] = [g for g in received(smtp_server) if g.to == [POLICE]]
    assert "The panel was booked for Wednesday 16 December 2026, 14:00 to 15:00" in ack.text
    assert (
        "It was passed on to this mailbox by the partnership on Wednesday 16 December" in ack.text
    )
    assert "KEY DATES The Business Manager will confirm the deadlines" in ack.text
    assert "We received it" not in ack.text and "(this date has passed)" not in ack.text
    late.at("2026-12-21T09:35").run()
    [note] = to_business_manager(smtp_server, "Written again when it went")
    # It is told only what changed: the panel, not key dates the referrer was never given.
    assert "which had come or gone by the day it could go: it was written again" in note.text
    assert "key dates" not in note.text
