"""A chase queued while the mail server was down is looked at again just before it goes: it is
withdrawn, with the reason on the case, when what it says has stopped being true."""

from __future__ import annotations

from datetime import date

from bot.adapters.db.models import OutboxMessage
from bot.adapters.outgoing import SendError
from tests.fixtures.mail import drop_into_maildir
from tests.fixtures.mail import email as make_email
from tests.services.test_lifecycle import (
    HEALTH,
    LA,
    POLICE,
    Bot,
    gmp_asked_for_a_return,
    reply,
)


class DownSender:
    """A mail server that answers every email with a temporary refusal."""

    def send(self, raw: bytes, sender: str, recipients: list[str]) -> None:
        raise SendError("451 try later")


def _chases(bot: Bot, name: str) -> list[OutboxMessage]:
    prefix = f"reminder:TSCP-2026-0001:{name}:"
    return [r for r in bot.outbox() if r.idempotency_key.startswith(prefix)]


def _step(row: OutboxMessage) -> str:
    return row.idempotency_key.rsplit(":", 1)[1]


def test_a_reminder_queued_while_the_server_was_down_is_withdrawn_once_the_return_came(
    bot: Bot,
) -> None:
    gmp_asked_for_a_return(bot)
    working = bot.app.open_sender
    bot.app.open_sender = DownSender
    bot.at("2026-12-24T10:00").run()  # "due today" queued, not sent
    [due] = [r for r in _chases(bot, "appendix_b:gmp") if _step(r) == "due"]
    assert due.status == "pending"
    raw = make_email(
        "Appendix B return for TSCP-2026-0001",
        "Return attached.",
        sender="casey.invented@gmp.police.uk",
        message_id="<gmpret-late@gmp.police.uk>",
        attachment=("Appendix B GMP.docx", b"PK\x03\x04 dummy"),
    )
    drop_into_maildir(bot.tmp_path / "inbox", raw)
    bot.at("2026-12-24T11:00").run()  # the return is recorded; the server is still down
    bot.app.open_sender = working
    bot.at("2026-12-29T09:30").run()

    # The police are not told their return is due today after they sent it.
    [due] = [r for r in _chases(bot, "appendix_b:gmp") if _step(r) == "due"]
    assert due.status == "withdrawn" and due.sent_at is None
    after = [r for r in bot.outbox() if r.sent_at and r.sent_at.date() >= date(2026, 12, 24)]
    assert [r.subject for r in after if POLICE in r.recipients] == []
    # Nor the Business Manager given yesterday's count beside today's: only the newest goes.
    panel = {_step(r): r.status for r in _chases(bot, "panel_notification")}
    assert panel == {"overdue-1": "withdrawn", "overdue-2": "sent"}
    why = [e.detail for e in bot.case().events if e.what == "reminder_withdrawn"]
    assert any("appendix_b:gmp" in w and "met" in w for w in why), why
    assert any("panel_notification" in w and "overdue-2" in w for w in why), why


def test_a_vote_chase_queued_while_the_server_was_down_is_withdrawn_once_that_partner_voted(
    bot: Bot,
) -> None:
    ref = "TSCP-2026-0001"
    bot.at("2026-12-16T11:00").mail(POLICE, reply(ref), "Vote: rapid review")
    bot.run()
    working = bot.app.open_sender
    bot.app.open_sender = DownSender
    bot.at("2026-12-17T10:00").run()  # the local authority and health are asked; nothing goes
    assert sorted(r.recipients[0] for r in bot.outbox("vote_reminder")) == sorted([LA, HEALTH])
    # The local authority votes (no majority yet: the police want a Rapid Review).
    bot.at("2026-12-17T11:00").mail(LA, reply(ref), "Vote: no further action")
    bot.run()
    bot.app.open_sender = working
    bot.at("2026-12-17T11:30").run()

    # The local authority is not asked for the vote it gave; health, who has not voted, is.
    chases = {r.recipients[0]: r for r in bot.outbox("vote_reminder")}
    assert chases[LA].status == "withdrawn" and chases[LA].sent_at is None
    assert chases[HEALTH].status == "sent"
    why = [e.detail for e in bot.case().events if e.what == "reminder_withdrawn"]
    assert any("voted since" in w for w in why), why
