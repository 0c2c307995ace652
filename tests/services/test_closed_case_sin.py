"""A new notification written as a reply on a closed case's thread: nothing is opened on a
guess, but it starts a clock, so a person is told at once, with the day it arrived.

Through the real ingest path (Maildir inbox, classification, plan, effects, outbox, digest).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from bot.core.triage_new_case import AlreadyOpened
from bot.services.triage_new_case import Opened, open_new_case
from tests.fixtures.app import AppFactory
from tests.services.test_forwarded_sin import POLICE, digest
from tests.services.test_lifecycle import BM, Bot, body_of

CLOSED = "RE: [TSCP-2026-0001] Serious Incident Notification - new incident GM SIN form"


def test_a_new_sin_on_a_closed_cases_thread_is_put_before_a_person_with_its_day(
    make_app: AppFactory, tmp_path: Path
) -> None:
    bot = Bot(make_app, tmp_path, "2026-12-14T09:05")
    bot.mail(POLICE, "GM SIN form", "Serious incident notification: form to follow.")
    bot.run()
    bot.at("2026-12-16T10:00").mail(
        BM, "RE: [TSCP-2026-0001] Screening Panel", "Notifiable: no\nClose: NFA"
    )
    bot.run()
    assert bot.case().status == "closed"
    arrived = datetime(2027, 2, 1, 9, 30, tzinfo=UTC)
    body = "A further serious incident has occurred; SIN form to follow."
    bot.at("2027-02-01T09:35").mail(POLICE, CLOSED, body, arrived=arrived)
    bot.run()
    said = digest(bot, "2027-02-02T08:05")
    triage = said.split("MESSAGES TO TRIAGE", 1)[1]
    assert "reads as a new serious incident notification" in triage
    assert "tscp-bot triage new-case 3" in triage and "Mon 1 Feb 2027" in triage
    [alert] = bot.outbox("triage_alert")
    assert alert.recipients == [BM] and "tscp-bot triage new-case 3" in body_of(alert)
    # She decides it is a new notification: its case counts from the day it arrived.
    bot.at("2027-02-02T09:00")
    opened = open_new_case(bot.app, 3, None, BM)
    assert isinstance(opened, Opened) and opened.ref == "TSCP-2027-0001"
    new = bot.case("TSCP-2027-0001")
    assert new.sin_received_on == date(2027, 2, 1)
    assert bot.due("screening_meeting", "TSCP-2027-0001") == date(2027, 2, 3)
    [ack] = [a for a in bot.outbox("sin_acknowledgement") if "TSCP-2027-0001" in a.subject]
    assert ack.recipients == [POLICE]
    assert "We did not find a notification form" in " ".join(body_of(ack).split())
    assert open_new_case(bot.app, 3, None, BM) == AlreadyOpened(
        "message #3 already opened TSCP-2027-0001: nothing more done"
    )
