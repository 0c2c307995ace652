"""A complaint from the public as it arrives: what the complainant is told, and what the
Business Manager is asked to look at.

Through the real ingest path: the acknowledgement never promises a day that has gone by.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.services.digest import send_digest_if_due
from tests.fixtures.app import AppFactory
from tests.services.test_lifecycle import Bot, body_of

PUBLIC = "pat.public@example.org"
COMPLAINT = "I wish to make a formal complaint about how my concerns were handled."


@pytest.fixture
def bot(make_app: AppFactory, tmp_path: Path) -> Bot:
    return Bot(make_app, tmp_path, "2026-12-01T10:00")


def digest(b: Bot, when: str) -> str:
    b.at(when)
    assert send_digest_if_due(b.app)
    return body_of(b.outbox("daily_digest")[-1])


def triage_section(text: str) -> str:
    return text.split("MESSAGES TO TRIAGE", 1)[1]


def test_a_complaint_read_after_its_response_was_due_is_acknowledged_without_a_date(
    bot: Bot,
) -> None:
    # It came on Tue 1 Dec 2026; the mailbox was not read until Mon 4 Jan 2027 (an outage).
    arrived = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    bot.at("2027-01-04T09:00").mail(PUBLIC, "Complaint", COMPLAINT, auth=False, arrived=arrived)
    bot.run()
    [ack] = bot.outbox("complaint_acknowledgement")
    text = body_of(ack)
    assert "We received your complaint on Tuesday 1 December 2026" in text
    assert "written response by" not in text and text.count("December 2026") == 1
    assert "sorry" in text and "as soon as possible" in text
    reason = triage_section(digest(bot, "2027-01-05T08:05"))
    assert "already overdue" in reason and "TSCP-2026-0001" in reason
    assert any(e.what == "complaint_overdue_on_arrival" for e in bot.case().events)


def test_a_complaint_read_on_the_day_it_is_due_is_not_promised_that_day(bot: Bot) -> None:
    # 20 working days after Tue 1 Dec 2026 (25 and 28 Dec, 1 Jan off) is Thu 31 Dec 2026.
    arrived = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    bot.at("2026-12-31T09:00").mail(PUBLIC, "Complaint", COMPLAINT, auth=False, arrived=arrived)
    bot.run()
    text = body_of(bot.outbox("complaint_acknowledgement")[0])
    assert "31 December" not in text and "as soon as possible" in text


def test_a_complaint_read_in_time_is_given_its_date_and_not_flagged(bot: Bot) -> None:
    bot.mail(PUBLIC, "Complaint", COMPLAINT, auth=False)
    bot.run()
    text = body_of(bot.outbox("complaint_acknowledgement")[0])
    assert "We will send you a written response by Thursday 31 December 2026." in text
    assert "sorry" not in text
    assert "already overdue" not in triage_section(digest(bot, "2026-12-02T08:05"))
