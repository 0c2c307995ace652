"""Sending the outbox through a real SMTP server, on SQLite and PostgreSQL.

Times are London local in December, so GMT: 09:00 local is 09:00 UTC.
"""

from __future__ import annotations

import email
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import select, update

from bot.adapters.db.db_clock import database_now
from bot.adapters.db.models import OutboxDeliveryFailure, OutboxMessage
from bot.app import App
from bot.services.mailout import queue_email
from bot.services.outbox import SendReport, send_due
from bot.services.outbox_retry import retry_now
from tests.fixtures.app import AppFactory, Clock
from tests.fixtures.smtp import SmtpTestServer

REFERRER = "casey.invented@gmp.police.uk"
MAILBOX = "tscp@tameside.gov.uk"
BM = "tscp.business.manager@tameside.gov.uk"
NOTICE = "not_delivered_notice"  # the Business Manager's, of an email not delivered


def smtp_app(make_app: AppFactory, server: SmtpTestServer) -> tuple[App, Clock]:
    return make_app(
        outgoing={
            "backend": "smtp",
            "max_attempts": 3,
            "retry_base_seconds": 60,
            "smtp": {"host": "127.0.0.1", "port": server.port, "security": "plain"},
        }
    )


def queue(app: App, clock: Clock, key: str, ref: str = "TSCP-2026-0001") -> OutboxMessage | None:
    context: dict[str, Any] = {
        "case": {"ref": ref, "initials": "XY"},
        "received_at": clock.now(),
        "screening": None,
        "deadlines": [],
        "screening_overdue": None,
    }
    with app.sessions() as s:
        row = queue_email(
            s,
            app,
            key=key,
            event="sin_acknowledgement",
            to=[REFERRER],
            context=context,
            now=clock.now(),
        )
        s.commit()
        return row


def rows(app: App) -> list[OutboxMessage]:
    with app.sessions() as s:
        return list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def only_row(app: App) -> OutboxMessage:
    (row,) = rows(app)
    return row


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def subjects(server: SmtpTestServer) -> list[str]:
    return [str(email.message_from_bytes(m.raw)["Subject"]) for m in server.messages]


def refused(server: SmtpTestServer) -> str:
    return f"SMTP 127.0.0.1:{server.port}: connection refused (is the mail server running?)"


def test_same_idempotency_key_queues_one_email(
    make_app: AppFactory, smtp_server: SmtpTestServer
) -> None:
    app, clock = smtp_app(make_app, smtp_server)
    assert queue(app, clock, "ack:1") is not None
    assert queue(app, clock, "ack:1", ref="TSCP-2026-0099") is None
    row = only_row(app)
    assert row.idempotency_key == "ack:1"
    assert row.subject == "[TSCP-2026-0001] Serious incident notification received"
    assert (row.status, row.attempts, row.recipients) == ("pending", 0, [REFERRER])


def test_sent_once_and_only_once(make_app: AppFactory, smtp_server: SmtpTestServer) -> None:
    app, clock = smtp_app(make_app, smtp_server)
    queue(app, clock, "ack:1")
    assert send_due(app, app.open_sender()) == SendReport(sent=1)
    clock.set("2026-12-23T09:05")
    assert send_due(app, app.open_sender()) == SendReport()
    assert send_due(app, app.open_sender()) == SendReport()
    assert len(smtp_server.messages) == 1
    received = smtp_server.messages[0]
    assert (received.mail_from, received.rcpt_tos) == (MAILBOX, [REFERRER])
    assert subjects(smtp_server) == ["[TSCP-2026-0001] Serious incident notification received"]
    row = only_row(app)
    assert email.message_from_bytes(received.raw)["Message-ID"] == f"<{row.message_id}>"
    assert (row.status, row.attempts, row.last_error) == ("sent", 0, None)
    assert row.sent_at == utc("2026-12-23T09:00")
    assert row.claimed_until is None


def test_smtp_down_backs_off_then_sends(make_app: AppFactory, smtp_server: SmtpTestServer) -> None:
    app, clock = smtp_app(make_app, smtp_server)
    queue(app, clock, "ack:1")
    smtp_server.stop()

    # Said once per pass as trouble with the server, not with this email.
    down = SendReport(retrying=1, server_trouble=[refused(smtp_server)])
    assert send_due(app, app.open_sender()) == down
    row = only_row(app)
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, refused(smtp_server))
    assert row.next_attempt_at == utc("2026-12-23T09:01:00")
    assert row.claimed_until is None

    # Not due yet: no attempt is made, so nothing changes.
    clock.set("2026-12-23T09:00:30")
    assert send_due(app, app.open_sender()) == SendReport()
    assert only_row(app).attempts == 1

    # Due: tried again, still down, and the wait doubles to 120 s.
    clock.set("2026-12-23T09:01:00")
    assert send_due(app, app.open_sender()) == down
    row = only_row(app)
    assert (row.status, row.attempts) == ("pending", 2)
    assert row.next_attempt_at == utc("2026-12-23T09:03:00")

    clock.set("2026-12-23T09:02:59")
    assert send_due(app, app.open_sender()) == SendReport()

    smtp_server.start()
    clock.set("2026-12-23T09:03:00")
    assert send_due(app, app.open_sender()) == SendReport(sent=1)
    assert len(smtp_server.messages) == 1
    row = only_row(app)
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, None)
    assert row.sent_at == utc("2026-12-23T09:03:00")


def test_smtp_down_for_longer_than_max_attempts_is_sent_when_it_is_back_without_a_retry(
    make_app: AppFactory, smtp_server: SmtpTestServer
) -> None:
    # Before: every queued email was marked failed after max_attempts (3 here) and stayed
    # unsent until someone ran `outbox retry` for each.
    app, clock = smtp_app(make_app, smtp_server)
    for n in (1, 2):
        queue(app, clock, f"ack:{n}", ref=f"TSCP-2026-000{n}")
    smtp_server.stop()

    for hour in range(12):  # twelve hours down, tried whenever due
        for minute in range(0, 60, 5):
            clock.set(f"2026-12-23T{9 + hour:02d}:{minute:02d}")
            report = send_due(app, app.open_sender())
            assert report.failed == 0 and report.sent == 0
    queued = rows(app)
    assert [r.status for r in queued] == ["pending", "pending"]
    assert all(r.attempts > 3 and r.last_error == refused(smtp_server) for r in queued)
    # The wait is capped at retry_max_seconds (3600), never longer.
    assert all(r.next_attempt_at <= utc("2026-12-23T21:59") for r in queued)

    smtp_server.start()
    clock.set("2026-12-23T22:00")
    assert send_due(app, app.open_sender()) == SendReport(sent=2)
    assert sorted(subjects(smtp_server)) == [
        f"[TSCP-2026-000{n}] Serious incident notification received" for n in (1, 2)
    ]
    assert [r.status for r in rows(app)] == ["sent", "sent"]


class _RefusesEveryone:
    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        return "550 5.1.1 No such user"


class _BusyForEveryone:
    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        return f"450 4.2.1 Mailbox <{address}> busy, try later"


def test_a_retry_says_why_with_no_recipient_address(
    make_app: AppFactory, smtp_server: SmtpTestServer, caplog: pytest.LogCaptureFixture
) -> None:
    app, clock = smtp_app(make_app, smtp_server)
    queue(app, clock, "ack:1")
    port = smtp_server.port
    smtp_server.stop()
    busy = Controller(_BusyForEveryone(), hostname="127.0.0.1", port=port)
    busy.start()
    try:
        with caplog.at_level(logging.WARNING):
            assert send_due(app, app.open_sender()) == SendReport(retrying=1)
    finally:
        busy.stop()
        busy.loop.close()
    said = [r.getMessage() for r in caplog.records if "not sent" in r.getMessage()]
    assert said == [
        "outbox #1 not sent (attempt 1): recipient(s) refused (450); retrying in 0:01:00"
    ]
    assert "@" not in "".join(said)  # the recipients are in the outbox, not in the log


def test_refused_for_good_is_failed_at_once_kept_and_retry_now_sends_it(
    make_app: AppFactory, smtp_server: SmtpTestServer
) -> None:
    app, clock = smtp_app(make_app, smtp_server)
    queue(app, clock, "ack:1")
    raw = only_row(app).raw
    port = smtp_server.port
    smtp_server.stop()
    refusing = Controller(_RefusesEveryone(), hostname="127.0.0.1", port=port)
    refusing.start()
    try:
        assert send_due(app, app.open_sender()) == SendReport(failed=1)
    finally:
        refusing.stop()
        refusing.loop.close()
    row, notice = rows(app)
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.last_error and "(550 5.1.1 No such user)" in row.last_error
    assert row.raw == raw
    assert (notice.event, notice.recipients) == (NOTICE, [BM])  # told at once

    # A failed email is never picked up again on its own: only her notice goes.
    smtp_server.start()
    clock.set("2026-12-23T12:00")
    assert send_due(app, app.open_sender()) == SendReport(sent=1)
    assert [m.rcpt_tos for m in smtp_server.messages] == [[BM]]

    assert retry_now(app, row.id, clock.now()) is True
    assert send_due(app, app.open_sender()) == SendReport(sent=1)
    assert smtp_server.messages[1].raw.replace(b"\r\n", b"\n") == raw.replace(b"\r\n", b"\n")
    assert retry_now(app, row.id, clock.now()) is False


def claims_run_out(app: App) -> None:
    """Every claim's end passes by the database's clock, the one claims are read by (as when
    the instance that held them died a claim's length ago)."""
    with app.sessions() as s:
        past = database_now(s) - timedelta(seconds=1)
        held = OutboxMessage.claimed_until.is_not(None)
        s.execute(update(OutboxMessage).where(held).values(claimed_until=past))
        s.commit()


def test_claim_held_by_another_instance_is_respected(
    make_app: AppFactory, smtp_server: SmtpTestServer
) -> None:
    app, clock = smtp_app(make_app, smtp_server)
    queue(app, clock, "ack:1")
    with app.sessions() as s:
        held = database_now(s) + timedelta(minutes=4)
        s.execute(update(OutboxMessage).values(claimed_until=held))
        s.commit()

    assert send_due(app, app.open_sender()) == SendReport()
    # The bot's own clock does not end a claim: another instance's clock, or `--now`, may
    # be anything.
    clock.set("2026-12-24T09:00")
    assert send_due(app, app.open_sender()) == SendReport()
    assert smtp_server.messages == []
    assert only_row(app).status == "pending"

    # Once the other instance's claim has run out, the email is taken over and sent.
    claims_run_out(app)
    assert send_due(app, app.open_sender()) == SendReport(sent=1)
    assert len(smtp_server.messages) == 1


def test_two_instances_send_each_email_once(
    make_app: AppFactory, smtp_server: SmtpTestServer
) -> None:
    first, clock = smtp_app(make_app, smtp_server)
    second, _ = smtp_app(make_app, smtp_server)
    second.clock = clock
    queue(first, clock, "ack:1", ref="TSCP-2026-0001")
    queue(second, clock, "ack:2", ref="TSCP-2026-0002")
    queue(first, clock, "ack:3", ref="TSCP-2026-0003")

    assert send_due(first, first.open_sender()) == SendReport(sent=3)
    assert send_due(second, second.open_sender()) == SendReport()
    queue(second, clock, "ack:4", ref="TSCP-2026-0004")
    assert send_due(second, second.open_sender()) == SendReport(sent=1)
    assert send_due(first, first.open_sender()) == SendReport()

    assert sorted(subjects(smtp_server)) == [
        f"[TSCP-2026-000{n}] Serious incident notification received" for n in (1, 2, 3, 4)
    ]
    assert [r.status for r in rows(first)] == ["sent"] * 4


def test_limit_sends_oldest_first(make_app: AppFactory, smtp_server: SmtpTestServer) -> None:
    app, clock = smtp_app(make_app, smtp_server)
    for n in (1, 2, 3):
        queue(app, clock, f"ack:{n}", ref=f"TSCP-2026-000{n}")
    # A full batch says more may be waiting: the daemon goes round again at once.
    assert send_due(app, app.open_sender(), limit=2) == SendReport(sent=2, more=True)
    assert subjects(smtp_server) == [
        "[TSCP-2026-0001] Serious incident notification received",
        "[TSCP-2026-0002] Serious incident notification received",
    ]
    assert send_due(app, app.open_sender(), limit=2) == SendReport(sent=1)
    assert len(smtp_server.messages) == 3


def test_backoff_counts_from_the_failed_attempt(
    make_app: AppFactory, smtp_server: SmtpTestServer
) -> None:
    # The next attempt is counted from the moment of the failure, not from when it was queued.
    app, clock = smtp_app(make_app, smtp_server)
    queue(app, clock, "ack:1")
    smtp_server.stop()
    clock.set("2026-12-23T10:00")
    send_due(app, app.open_sender())
    assert only_row(app).next_attempt_at == utc("2026-12-23T10:00") + timedelta(seconds=60)


class _RefusesNobody:
    def __init__(self) -> None:
        self.received: list[list[str]] = []

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address.startswith("nobody@"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.received.append(list(envelope.rcpt_tos))
        return "250 OK"


def test_one_recipient_refused_the_others_get_it_once_and_the_refusal_is_recorded(
    make_app: AppFactory, smtp_server: SmtpTestServer
) -> None:
    # Now that mail is retried for as long as it takes, re-sending to everyone because one
    # address was refused would send the others a copy every hour.
    app, clock = smtp_app(make_app, smtp_server)
    queue(app, clock, "ack:1")
    with app.sessions() as s:
        s.execute(update(OutboxMessage).values(recipients=[REFERRER, "nobody@example.org"]))
        s.commit()
    port = smtp_server.port
    smtp_server.stop()
    handler = _RefusesNobody()
    refusing = Controller(handler, hostname="127.0.0.1", port=port)
    refusing.start()
    try:
        assert send_due(app, app.open_sender()) == SendReport(sent=1)
        clock.set("2026-12-23T12:00")
        assert send_due(app, app.open_sender()) == SendReport(sent=1)  # her notice
        assert send_due(app, app.open_sender()) == SendReport()
    finally:
        refusing.stop()
        refusing.loop.close()

    assert handler.received == [[REFERRER], [BM]]
    row, notice = rows(app)
    assert notice.event == NOTICE
    assert row.status == "sent" and row.last_error and "nobody@example.org (550 " in row.last_error
    with app.sessions() as s:
        failures = list(s.scalars(select(OutboxDeliveryFailure)))
    assert [(f.outbox_id, f.recipient, f.status) for f in failures] == [
        (row.id, "nobody@example.org", "550")
    ]


def queue_to(app: App, clock: Clock, key: str, to: str) -> None:
    context: dict[str, Any] = {
        "case": {"ref": "TSCP-2026-0001", "initials": "XY"},
        "received_at": clock.now(),
        "screening": None,
        "deadlines": [],
        "screening_overdue": None,
    }
    with app.sessions() as s:
        queue_email(
            s, app, key=key, event="sin_acknowledgement", to=[to], context=context, now=clock.now()
        )
        s.commit()


def test_an_address_no_server_can_take_fails_that_email_only(
    make_app: AppFactory, smtp_server: SmtpTestServer
) -> None:
    # Found by the fuzz harness: a damaged From header decoded to a replacement character,
    # and the acknowledgement to it stopped every later email from being sent.
    app, clock = smtp_app(make_app, smtp_server)
    queue_to(app, clock, "ack:1", "jo\ufffd@gmp.police.uk")
    queue(app, clock, "ack:2")
    assert send_due(app, app.open_sender()) == SendReport(sent=1, failed=1)
    first, second, notice = rows(app)
    assert (first.status, second.status, notice.event) == ("failed", "sent", NOTICE)
    assert "refused" in (first.last_error or "")
    assert [m.rcpt_tos for m in smtp_server.messages] == [[REFERRER]]


class _BrokenFor:
    """A sender with a fault nobody foresaw for one recipient (fault injection)."""

    def __init__(self, real: Any, recipient: str) -> None:
        self.real, self.recipient = real, recipient

    def send(self, raw: bytes, sender: str, recipients: list[str]) -> None:
        if self.recipient in recipients:
            raise RuntimeError("unforeseen")
        self.real.send(raw, sender, recipients)


def test_an_unforeseen_error_for_one_email_is_retried_and_the_rest_are_sent(
    make_app: AppFactory, smtp_server: SmtpTestServer
) -> None:
    app, clock = smtp_app(make_app, smtp_server)
    queue_to(app, clock, "ack:1", "lee.tester@gmp.police.uk")
    queue(app, clock, "ack:2")
    report = send_due(app, _BrokenFor(app.open_sender(), "lee.tester@gmp.police.uk"))
    assert report == SendReport(sent=1, retrying=1)
    first, second = rows(app)
    assert (first.status, first.attempts, first.last_error) == (
        "pending",
        1,
        "RuntimeError: unforeseen",
    )
    assert second.status == "sent"


def test_one_drain_sends_over_one_connection(
    make_app: AppFactory, smtp_server: SmtpTestServer
) -> None:
    app, clock = smtp_app(make_app, smtp_server)
    for n in range(4):
        queue(app, clock, f"ack:{n}", ref=f"TSCP-2026-000{n + 1}")
    assert send_due(app, app.open_sender()) == SendReport(sent=4)
    received = smtp_server.wait_for(4)
    assert len({m.peer for m in received}) == 1
    assert [r.status for r in rows(app)] == ["sent"] * 4
