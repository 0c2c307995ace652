"""A copy queued for the recipients a mail server put off is looked at before it goes, as the
email it copies would be: a chase no longer true is withdrawn, never sent to them late."""

from __future__ import annotations

from bot.adapters.outgoing import MailSender, RecipientsRefusedError, SendError
from tests.services.test_lifecycle import BM, LA, Bot, gmp_asked_for_a_return, reply


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
