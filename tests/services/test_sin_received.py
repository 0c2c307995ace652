"""`Correct Received:` on a SIN case: the Business Manager moves the day the notification
reached the partnership, when the day the bot counted from was wrong.

The police sent their notification on Monday 14 December; the forward the bot read gives
Friday 11 December (a day misread, or an earlier email of theirs to someone else). Corrected,
the Screening Panel's clock is counted again, the National Panel's follows when it ran from the
receipt, and the acknowledgement that gave the old days is flagged, or, not sent yet, written
again. Through the real ingest path (Maildir inbox, run_once, outbox, digest).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.adapters.db.models import Deadline
from tests.fixtures.app import AppFactory
from tests.fixtures.smtp import SmtpTestServer
from tests.services.test_forwarded_sin import POLICE, SUBJECT, WED_16_DEC, digest, forward
from tests.services.test_lifecycle import BM, LA, Bot, body_of, reply
from tests.services.test_send_time_acks import down_bot
from tests.services.test_send_time_truth import received

REF = "TSCP-2026-0001"
CORRECT = "Correct Received: 14/12/2026 because the police sent it on the Monday, not Friday"


def forwarded(b: Bot) -> Bot:
    """The forward, read Wed 16 Dec 2026, counted from Fri 11 Dec (screening due Tue 15 Dec,
    National Panel notification due Fri 18 Dec)."""
    b.mail(BM, SUBJECT, forward(), arrived=WED_16_DEC)
    b.run()
    assert b.case().sin_received_on == date(2026, 12, 11)
    return b


@pytest.fixture
def bot(make_app: AppFactory, tmp_path: Path) -> Bot:
    return forwarded(Bot(make_app, tmp_path, "2026-12-16T09:05"))


def say(b: Bot, when: str, body: str, sender: str = BM) -> str:
    """An email on the case's thread; the confirmation's text, its whitespace made single."""
    b.at(when).mail(sender, reply(REF), body)
    b.run()
    return " ".join(body_of(b.outbox("command_result")[-1]).split())


def clock(b: Bot, name: str) -> Deadline:
    return next(d for d in b.case().deadlines if d.name == name)


def test_the_screening_clock_and_the_receipt_awareness_are_counted_again(bot: Bot) -> None:
    text = say(bot, "2026-12-16T10:00", CORRECT)
    assert "corrected from Fri 11 Dec 2026 to Mon 14 Dec 2026" in text
    # Two working days from Mon 14 Dec: Wed 16 Dec; five: Mon 21 Dec.
    assert "the Screening Panel is now due Wed 16 Dec 2026" in text
    assert "the National Panel notification is due Mon 21 Dec 2026" in text
    screening, aware = clock(bot, "screening_meeting"), clock(bot, "panel_notification")
    assert (screening.start, screening.due) == (date(2026, 12, 14), date(2026, 12, 16))
    assert (aware.start, aware.due) == (date(2026, 12, 14), date(2026, 12, 21))
    assert "as corrected by the Business Manager" in (aware.assumption or "")
    case = bot.case()
    assert case.sin_received_on == date(2026, 12, 14)
    [fixed] = [e for e in case.events if e.what == "date_corrected"]
    assert "from Fri 11 Dec 2026 to Mon 14 Dec 2026" in fixed.detail
    assert "on the Monday, not Friday" in (fixed.why or "") and fixed.actor == BM


def test_the_acknowledgement_already_sent_is_flagged_as_outdated(bot: Bot) -> None:
    [ack] = bot.outbox("sin_acknowledgement")
    assert ack.status == "sent" and ack.recipients == [POLICE]
    text = say(bot, "2026-12-16T10:00", CORRECT)
    assert (
        f"the acknowledgement of a serious incident notification already sent (#{ack.id}) gave "
        "the old day of receipt and key dates counted from it: tell the referrer" in text
    )
    assert "the screening panel invitation already sent" in text
    flagged = [e for e in bot.case().events if e.what == "sent_notice_outdated"]
    assert any("acknowledgement" in e.detail for e in flagged)
    said = digest(bot, "2026-12-17T08:05")
    attention = said.split("NEEDS YOUR ATTENTION", 1)[1].split("AWAITING YOUR APPROVAL", 1)[0]
    assert (
        REF in attention and "tell the referrer the corrected day and the new due days" in attention
    )


def test_an_earlier_awareness_date_still_wins_over_the_corrected_receipt(bot: Bot) -> None:
    say(bot, "2026-12-16T09:30", "Aware: 10/12/2026")
    assert clock(bot, "panel_notification").start == date(2026, 12, 10)
    text = say(bot, "2026-12-16T10:00", CORRECT)
    assert "counted from the date given with Aware: Thu 10 Dec 2026" in text
    aware = clock(bot, "panel_notification")
    assert (aware.start, aware.due) == (date(2026, 12, 10), date(2026, 12, 17))
    assert clock(bot, "screening_meeting").due == date(2026, 12, 16)


def test_a_decision_on_time_by_the_old_day_stays_met_and_says_so_by_the_new_one(
    bot: Bot,
) -> None:
    say(bot, "2026-12-17T09:00", "Decision: rapid review")
    text = say(bot, "2026-12-17T10:00", CORRECT)
    assert "the Screening Panel's decision on Thu 17 Dec 2026 was after its 2 working" in text
    assert "(due Wed 16 Dec 2026)" in text
    screening = clock(bot, "screening_meeting")
    assert (screening.state, screening.due) == ("met", date(2026, 12, 16))


def test_impossible_days_a_missing_reason_and_a_partner_are_refused(bot: Bot) -> None:
    for body, why in [
        (
            "Correct Received: 17/12/2026 because typo",
            "is after the SIN reached the mailbox (Wed 16 Dec 2026)",
        ),
        ("Correct Received: 14/12/2025 because typo", "check the year"),
        ("Correct Received: 14/12/2026", "a correction needs its reason"),
    ]:
        text = say(bot, "2026-12-17T10:00", body)
        assert "NOT CARRIED OUT" in text and why in text
    assert bot.case().sin_received_on == date(2026, 12, 11)
    text = say(bot, "2026-12-17T11:00", CORRECT, sender=LA)
    assert "only the Business Manager may" in text
    assert bot.case().sin_received_on == date(2026, 12, 11)
    assert clock(bot, "screening_meeting").due == date(2026, 12, 15)


def test_an_acknowledgement_not_sent_yet_goes_with_the_corrected_day(
    make_app: AppFactory, tmp_path: Path, smtp_server: SmtpTestServer
) -> None:
    bot = forwarded(down_bot(make_app, tmp_path, smtp_server, "2026-12-16T09:05"))
    text = say(bot, "2026-12-16T10:00", CORRECT)
    assert "acknowledgement already sent" not in text  # it has not gone: it is written again
    smtp_server.start()
    bot.at("2026-12-16T10:30").run()
    [ack] = [g for g in received(smtp_server) if g.to == [POLICE]]
    assert "It was sent on Monday 14 December 2026, so its deadlines are counted" in ack.text
    # Not "Those 2 working days ended on Tuesday 15 December": by the corrected day they had not.
    assert "11 December" not in ack.text and "15 December" not in ack.text


def test_a_panel_booked_in_time_by_the_old_day_and_late_by_the_new_one_is_flagged(
    make_app: AppFactory, tmp_path: Path
) -> None:
    # A SIN read Wed 16 Dec 2026 09:00, the panel booked for 14:00 that day; the referrer
    # had sent it to someone else on Thu 10 Dec, so the 2 working days ended Mon 14 Dec.
    b = Bot(make_app, tmp_path, "2026-12-16T09:00")
    b.mail(POLICE, "Serious Incident Notification - GM SIN form", "Please find the GM SIN form.")
    b.run()
    assert clock(b, "screening_meeting").due == date(2026, 12, 18)
    text = say(b, "2026-12-16T10:00", "Correct Received: 10/12/2026 because sent to a colleague")
    assert "the Screening Panel was due Mon 14 Dec 2026: it is now overdue" in text
    assert "the panel booked for Wed 16 Dec 2026 14:00 is after that" in text
    said = digest(b, "2026-12-17T08:05")
    attention = said.split("NEEDS YOUR ATTENTION", 1)[1].split("AWAITING YOUR APPROVAL", 1)[0]
    assert "counted from the corrected day of receipt (due Mon 14 Dec 2026)" in attention
