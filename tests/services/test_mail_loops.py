"""No mail loop with a helpdesk or CRM that answers every email, with automatic-mail headers or
without: the bot acknowledges one address a few times a day at most, then asks a person."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.adapters.db.models import StoredMessage
from bot.core.loop_guard import ACKNOWLEDGEMENTS_PER_DAY
from tests.fixtures.app import AppFactory
from tests.services.test_lifecycle import Bot

CRM = "customer.services@tameside.gov.uk"


def test_a_crm_answering_each_acknowledgement_is_acknowledged_a_few_times_then_triaged(
    make_app: AppFactory, tmp_path: Path
) -> None:
    bot = Bot(make_app, tmp_path, "2026-12-24T09:00")
    for n in range(ACKNOWLEDGEMENTS_PER_DAY + 2):
        bot.at(f"2026-12-24T09:{n * 2:02d}")
        bot.mail(
            CRM,
            f"Thank you for your complaint - reference CS-00012{n}",
            "We have logged your complaint and will respond within 10 working days.",
        )
        bot.run()
    acks = [r for r in bot.outbox() if r.event.endswith("_acknowledgement")]
    assert len(acks) == ACKNOWLEDGEMENTS_PER_DAY
    with bot.app.sessions() as s:
        rows = list(s.scalars(select(StoredMessage).order_by(StoredMessage.id)))
    loop = f"possible mail loop with {CRM}: 3 automatic acknowledgements were sent to it"
    assert [(r.triage_reason or "").startswith(loop) for r in rows] == [False] * 3 + [True] * 2
    bot.at("2026-12-25T09:30")  # a day later the address is answered again
    bot.mail(CRM, "Complaint about the service I received", "I wish to complain.")
    bot.run()
    assert len([r for r in bot.outbox() if r.event.endswith("_acknowledgement")]) == 4
