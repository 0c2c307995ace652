"""No mail loop with a helpdesk or CRM that answers every email, with automatic-mail headers or
without: the bot acknowledges one address a few times a day at most, then asks a person."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.adapters.db.models import Case, StoredMessage
from bot.core.loop_guard import ACKNOWLEDGEMENTS_PER_DAY
from tests.fixtures.app import AppFactory, example_data
from tests.services.test_lifecycle import BM, Bot, body_of, reply

CRM = "customer.services@invented-crm.example.org"  # a helpdesk outside every agency
REFERRER = "casey.invented@gmp.police.uk"
HELPDESK = "servicedesk@gmp.police.uk"  # an agency's, so its escalations read as such


def _acknowledgements(bot: Bot) -> int:
    return len([r for r in bot.outbox() if r.event.endswith("_acknowledgement")])


def test_a_crm_answering_a_complaints_acknowledgement_is_filed_on_that_complaint(
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
    assert _acknowledgements(bot) == 1  # the rest are the same sender on its open complaint
    with bot.app.sessions() as s:
        assert len(list(s.scalars(select(Case)))) == 1


def test_an_address_acknowledged_three_times_in_a_day_is_not_acknowledged_again(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """An agency's helpdesk answering each escalation acknowledgement with words that read as
    a new escalation, on no thread: each still opens a record, but past three a day none is
    acknowledged and a person is asked."""
    bot = Bot(make_app, tmp_path, "2026-12-24T09:00")
    for n in range(ACKNOWLEDGEMENTS_PER_DAY + 2):
        bot.at(f"2026-12-24T09:{n * 2:02d}")
        bot.mail(
            HELPDESK,
            f"Escalation {n}: the screening decision",
            f"Ticket {n}: your escalation about the screening decision has been logged.",
        )
        bot.run()
    assert _acknowledgements(bot) == ACKNOWLEDGEMENTS_PER_DAY
    with bot.app.sessions() as s:
        rows = list(s.scalars(select(StoredMessage).order_by(StoredMessage.id)))
        assert len(list(s.scalars(select(Case)))) == ACKNOWLEDGEMENTS_PER_DAY + 2  # none lost
    loop = f"possible mail loop with {HELPDESK}: 3 automatic acknowledgements were sent to it"
    assert [loop in (r.triage_reason or "") for r in rows] == [False] * 3 + [True] * 2
    # The alerts for those held back give the real reason, not "it looked automatic": the
    # Scrutineer, outside the council, reads them too.
    alerts = [" ".join(body_of(r).split()) for r in bot.outbox("escalation_alert")]
    held = "already been sent several automatic acknowledgements in the last 24 hours"
    assert [held in a for a in alerts] == [False] * 3 + [True] * 2
    assert not any("does not answer mail that looks automatic" in a for a in alerts)
    bot.at("2026-12-25T09:30")  # a day later the address is answered again
    bot.mail(HELPDESK, "Escalation 9: the screening decision", "About the screening decision.")
    bot.run()
    assert _acknowledgements(bot) == ACKNOWLEDGEMENTS_PER_DAY + 1


def test_sins_from_one_referral_unit_are_each_acknowledged(
    make_app: AppFactory, tmp_path: Path
) -> None:
    bot = Bot(make_app, tmp_path, "2026-12-24T09:00")
    for n in range(ACKNOWLEDGEMENTS_PER_DAY + 2):
        bot.at(f"2026-12-24T09:{n * 2:02d}")
        bot.mail(REFERRER, f"Serious Incident Notification - GM SIN form {n}", f"Form {n}.")
        bot.run()
    assert _acknowledgements(bot) == ACKNOWLEDGEMENTS_PER_DAY + 2


def test_a_no_reply_helpdesk_is_limited_at_the_reply_to_it_is_answered_at(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """The acknowledgements go to the Reply-To, so that is the address counted: a count of
    those to the no-reply From would find none, and the loop would run for ever."""
    bot = Bot(make_app, tmp_path, "2026-12-24T09:00")
    for n in range(ACKNOWLEDGEMENTS_PER_DAY + 2):
        bot.at(f"2026-12-24T09:{n * 2:02d}")
        bot.mail(
            "no-reply@gmp.police.uk",
            f"Escalation {n}: the screening decision",
            f"Ticket {n}: your escalation about the screening decision has been logged.",
            headers={"Reply-To": HELPDESK},
        )
        bot.run()
    assert [r.recipients for r in bot.outbox("escalation_acknowledgement")] == [
        [HELPDESK]
    ] * ACKNOWLEDGEMENTS_PER_DAY
    with bot.app.sessions() as s:
        rows = list(s.scalars(select(StoredMessage).order_by(StoredMessage.id)))
    loop = f"possible mail loop with {HELPDESK}: 3 automatic acknowledgements were sent to it"
    assert [loop in (r.triage_reason or "") for r in rows] == [False] * 3 + [True] * 2


PUBLIC = "pat.public@example.org"
COMPLAINT = "I wish to make a formal complaint about how my concerns were handled."


@pytest.mark.parametrize(("per_day", "acknowledged"), [(1, 1), (None, 2)])
def test_the_daily_limit_is_the_configured_one(
    make_app: AppFactory, tmp_path: Path, per_day: int | None, acknowledged: int
) -> None:
    """Two complaints from one address in a morning (the first closed in between, so the
    second is a new one): with `max_acknowledgements_per_day = 1` the second is not
    acknowledged and a person is told why; by default (3) both are."""
    ingest = example_data()["ingest"]
    if per_day is not None:
        ingest["max_acknowledgements_per_day"] = per_day
    bot = Bot(make_app, tmp_path, "2026-12-21T09:00", ingest=ingest)
    bot.mail(PUBLIC, "Complaint", COMPLAINT, auth=False)
    bot.run()
    bot.at("2026-12-21T10:00").mail(BM, reply("TSCP-2026-0001"), "Close: dealt with by telephone")
    bot.run()
    bot.at("2026-12-21T11:00").mail(PUBLIC, "Complaint", COMPLAINT, auth=False)
    bot.run()
    assert bot.case("TSCP-2026-0002").kind == "complaint"  # its record opens all the same
    acks = bot.outbox("complaint_acknowledgement")
    assert [a.recipients for a in acks] == [[PUBLIC]] * acknowledged
    with bot.app.sessions() as s:
        last = s.scalars(select(StoredMessage).order_by(StoredMessage.id.desc())).first()
        assert last is not None
    loop = f"possible mail loop with {PUBLIC}: 1 automatic acknowledgement was sent to it in"
    assert (loop in (last.triage_reason or "")) is (per_day == 1)
