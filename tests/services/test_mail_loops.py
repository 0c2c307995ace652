"""No mail loop with a helpdesk or CRM that answers every email, with automatic-mail headers or
without: the bot acknowledges one address a few times a day at most, then asks a person."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.adapters.db.models import Case, StoredMessage
from bot.core.loop_guard import ACKNOWLEDGEMENTS_PER_DAY
from tests.fixtures.app import AppFactory
from tests.services.test_lifecycle import Bot

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
