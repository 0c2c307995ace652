"""A reminder withdrawn because its case closed goes after all when the case is reopened while
its clock still runs: `Reopen:` says the clock is chased again, and it is, each step once.

The case (the `bot` fixture) arrived on Wed 16 Dec 2026: its Screening Panel is due Fri 18
Dec. The mail server is down on Thu 17 Dec, so that day's reminder waits in the outbox; the
case is closed that morning, the reminder withdrawn unsent, and the case reopened at noon.
"""

from __future__ import annotations

from bot.adapters.db.models import OutboxMessage
from tests.services.test_lifecycle import BM, Bot, reply
from tests.services.test_notice_owed_when_closed import last_reply
from tests.services.test_notification_owed import REF
from tests.services.test_reminder_withdrawal import DownSender

KEY = f"reminder:{REF}:screening_meeting:2026-12-18:"


def _screening_chases(bot: Bot) -> list[OutboxMessage]:
    return [r for r in bot.outbox() if r.idempotency_key.removeprefix("withdrawn-").count(KEY)]


def _closed_with_its_reminder_withdrawn(bot: Bot) -> None:
    working = bot.app.open_sender
    bot.app.open_sender = DownSender
    bot.at("2026-12-17T10:00").run()  # the reminder of the day before is queued, not sent
    [waiting] = _screening_chases(bot)
    assert (waiting.idempotency_key, waiting.status) == (KEY + "before-1", "pending")
    bot.at("2026-12-17T10:30").mail(
        BM, reply(REF), "Notifiable: no because sent to us by mistake\nClose: not ours"
    )
    bot.run()
    bot.app.open_sender = working
    bot.at("2026-12-17T11:00").run()
    [withdrawn] = _screening_chases(bot)
    assert withdrawn.status == "withdrawn"
    [said] = [
        e.detail
        for e in bot.case().events
        if e.what == "reminder_withdrawn" and e.detail.startswith(f"Email #{withdrawn.id} ")
    ]
    assert said.endswith(
        "screening_meeting: the case is closed; if it is reopened while the clock runs, it is "
        "chased again"
    )


def test_a_reminder_withdrawn_at_closing_goes_after_reopening_while_its_day_lasts(
    bot: Bot,
) -> None:
    """Before, its idempotency key, kept on the withdrawn email, stopped the tick queuing the
    step again: the reply said the clock was chased again, and nobody was reminded."""
    _closed_with_its_reminder_withdrawn(bot)

    bot.at("2026-12-17T12:00").mail(BM, reply(REF), "Reopen: closed by mistake")
    bot.run()
    assert "1 deadline is chased again from its own due day" in last_reply(bot)
    bot.at("2026-12-17T13:00").run()

    sent = [r for r in _screening_chases(bot) if r.status == "sent"]
    assert [r.idempotency_key for r in sent] == [KEY + "before-1"]
    bot.at("2026-12-17T15:00").run()
    bot.at("2026-12-18T10:00").run()
    bot.at("2026-12-18T11:00").run()
    keys = sorted(r.idempotency_key for r in _screening_chases(bot) if r.status == "sent")
    assert keys == [KEY + "before-1", KEY + "due"]  # each once
