"""A copy queued for the recipients a mail server put off is looked at before it goes, as the
email it copies would be: a chase no longer true is withdrawn, never sent to them late."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, OutboxMessage
from bot.adapters.outgoing import MailSender, RecipientsRefusedError, SendError
from bot.services.partly_sent import record_refusals
from bot.services.return_requests import replied_request_agency
from tests.fixtures.app import AppFactory
from tests.fixtures.mail import email
from tests.services.test_lifecycle import BM, LA, POLICE, Bot, gmp_asked_for_a_return, reply


class PutsOff:
    """A relay answering 450 ("try later") for one address: the others get each email at once
    (through the real sender); that address nothing, until the relay is mended."""

    def __init__(self, real: MailSender, address: str) -> None:
        self.real, self.address = real, address
        self.received: list[list[str]] = []

    def send(self, raw: bytes, sender: str, recipients: list[str]) -> None:
        others = [r for r in recipients if r != self.address]
        if not others:
            raise SendError("SMTP relay: recipient(s) refused (450)")
        self.real.send(raw, sender, others)
        self.received.append(others)
        if len(others) < len(recipients):
            refused = {self.address: 450}
            raise RecipientsRefusedError("SMTP relay: recipient(s) refused", refused, others)


def test_a_copy_of_a_chase_no_longer_true_is_withdrawn_not_sent_late(bot: Bot) -> None:
    gmp_asked_for_a_return(bot)
    working = bot.app.open_sender
    relay = PutsOff(working(), LA)
    bot.app.open_sender = lambda: relay
    bot.at("2026-12-23T09:30").run()  # the National Panel notification is overdue
    [reminder, copy] = [
        r for r in bot.outbox("deadline_reminder") if ":panel_notification:" in r.idempotency_key
    ]
    assert (reminder.status, reminder.recipients) == ("sent", [BM, LA])
    assert (copy.status, copy.recipients) == ("pending", [LA])
    assert copy.idempotency_key == f"resend-1:{reminder.idempotency_key}"

    bot.at("2026-12-23T10:00").mail(BM, reply("TSCP-2026-0001"), "Notified: 18/12/2026")
    bot.run()  # the relay still puts the local authority off
    bot.app.open_sender = working
    bot.at("2026-12-29T09:30").run()

    [_, copy] = [
        r for r in bot.outbox("deadline_reminder") if ":panel_notification:" in r.idempotency_key
    ]
    assert copy.status == "withdrawn" and copy.sent_at is None
    why = [e.detail for e in bot.case().events if e.what == "reminder_withdrawn"]
    assert any(f"#{copy.id}" in w and "panel_notification" in w for w in why), why


DEPUTY = "deputy.invented@gmp.police.uk"


def deputy_put_off(bot: Bot, s: Session) -> OutboxMessage:
    """GMP asked for its return; the deputy's server put the request off (450) when it went
    to the DSP: a copy for the deputy is queued. The request, as first sent."""
    gmp_asked_for_a_return(bot)
    [request] = s.scalars(select(OutboxMessage).where(OutboxMessage.event == "appendix_b_request"))
    refused = RecipientsRefusedError("put off", {DEPUTY: 450}, [POLICE])
    record_refusals(bot.app, s, request, refused)
    return request


def test_a_reply_to_a_copy_of_a_request_is_matched_to_the_agency_asked(bot: Bot) -> None:
    deputy = DEPUTY
    with bot.app.sessions() as s:
        request = deputy_put_off(bot, s)
        s.flush()
        key = f"resend-1:{request.idempotency_key}"
        copy = s.scalars(select(OutboxMessage).where(OutboxMessage.idempotency_key == key)).one()
        answer = email(
            "RE: Appendix B",
            "Attached.",
            sender=deputy,
            headers={"In-Reply-To": f"<{copy.message_id}>"},
        )
        case = s.scalars(select(Case)).one()
        assert copy.message_id != request.message_id
        assert replied_request_agency(s, case, bot.app.parse(answer)) == "gmp"


def test_a_copy_of_a_request_put_off_for_days_goes_with_the_words_the_agency_was_sent(
    bot: Bot,
) -> None:
    deputy = DEPUTY
    with bot.app.sessions() as s:
        deputy_put_off(bot, s)
        s.commit()
    [_, written] = bot.outbox("appendix_b_request")
    bot.at("2026-12-21T09:30").run()  # the deputy's server takes it four days later

    [_, copy] = bot.outbox("appendix_b_request")
    # Not re-dated (nor held) for the day it goes: the agency has one request, one return date.
    assert (copy.status, copy.recipients, copy.raw) == ("sent", [deputy], written.raw)
    assert bot.due("appendix_b:gmp") == date(2026, 12, 24)


def test_a_copy_of_an_invitation_to_a_panel_gone_by_is_held_not_sent(
    make_app: AppFactory, tmp_path: Path
) -> None:
    bot = Bot(make_app, tmp_path, "2026-12-16T09:00")
    working = bot.app.open_sender
    relay = PutsOff(working(), POLICE)
    bot.app.open_sender = lambda: relay
    bot.mail(
        "casey.invented@gmp.police.uk",
        "Serious Incident Notification - GM SIN form",
        "Please find the GM SIN form for the Screening Panel.",
    )
    bot.run()  # the panel booked for 14:00 today; the police's server puts its invitation off
    [invitation, copy] = bot.outbox("screening_invitation")
    assert invitation.status == "sent"
    assert (copy.status, copy.recipients) == ("pending", [POLICE])

    bot.app.open_sender = working  # mended only once the meeting has gone by
    bot.at("2026-12-16T15:30").run()

    [_, copy] = bot.outbox("screening_invitation")
    assert copy.status == "held" and copy.sent_at is None
    [held] = [e.detail for e in bot.case().events if e.what == "email_held"]
    assert f"#{copy.id}" in held and "had begun or gone by" in held
