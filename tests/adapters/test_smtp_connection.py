"""One SMTP connection for a drain of the outbox, against a real (aiosmtpd) server: the relay
is not asked to connect, secure and log in once per email, and a connection the relay drops
between emails costs a reconnect, never an email."""

from __future__ import annotations

import pytest

from bot.adapters.outgoing import BatchingSender, SendError
from bot.adapters.smtp_sender import SmtpSender
from tests.fixtures.smtp import SmtpTestServer

SENDER = "tscp@example.org"
TO = ["sam.sample@example.org"]


@pytest.fixture
def smtp_server(relay_either_way: SmtpTestServer) -> SmtpTestServer:
    """Each test of this module against a relay with PIPELINING and one without."""
    return relay_either_way


def raw(n: int) -> bytes:
    return (
        f"From: {SENDER}\r\nTo: {TO[0]}\r\nSubject: [TSCP-2026-0007] Test {n}\r\n"
        f"Message-ID: <t{n}@example.org>\r\n\r\nHello {n}.\r\n"
    ).encode()


def connections(server: SmtpTestServer) -> int:
    return len({m.peer for m in server.messages})


def subjects(server: SmtpTestServer) -> list[str]:
    return [m.raw.split(b"Subject: ")[1].split(b"\r\n")[0].decode() for m in server.messages]


def test_a_batch_carries_its_emails_on_one_connection(smtp_server: SmtpTestServer) -> None:
    sender = SmtpSender(smtp_server.host, smtp_server.port, security="plain")
    assert isinstance(sender, BatchingSender)
    with sender.batch():
        for n in range(5):
            sender.send(raw(n), SENDER, TO)
    smtp_server.wait_for(5)
    assert connections(smtp_server) == 1
    assert subjects(smtp_server) == [f"[TSCP-2026-0007] Test {n}" for n in range(5)]


def test_a_fresh_connection_every_messages_per_connection(smtp_server: SmtpTestServer) -> None:
    sender = SmtpSender(
        smtp_server.host, smtp_server.port, security="plain", messages_per_connection=2
    )
    with sender.batch():
        for n in range(5):
            sender.send(raw(n), SENDER, TO)
    smtp_server.wait_for(5)
    assert connections(smtp_server) == 3


def test_outside_a_batch_each_email_has_its_own_connection(smtp_server: SmtpTestServer) -> None:
    sender = SmtpSender(smtp_server.host, smtp_server.port, security="plain")
    for n in range(3):
        sender.send(raw(n), SENDER, TO)
    smtp_server.wait_for(3)
    assert connections(smtp_server) == 3


def test_a_connection_the_relay_dropped_is_replaced_without_losing_the_email(
    smtp_server: SmtpTestServer,
) -> None:
    sender = SmtpSender(smtp_server.host, smtp_server.port, security="plain", timeout=5)
    with sender.batch():
        sender.send(raw(1), SENDER, TO)
        smtp_server.stop()  # the relay restarts (or closes an idle connection) between emails
        smtp_server.start()
        sender.send(raw(2), SENDER, TO)
        sender.send(raw(3), SENDER, TO)
    smtp_server.wait_for(3)
    assert subjects(smtp_server) == [f"[TSCP-2026-0007] Test {n}" for n in (1, 2, 3)]
    assert connections(smtp_server) == 2


def test_a_refused_email_in_a_batch_does_not_hold_up_the_next(
    smtp_server: SmtpTestServer,
) -> None:
    sender = SmtpSender(smtp_server.host, smtp_server.port, security="plain")
    with sender.batch():
        sender.send(raw(1), SENDER, TO)
        with pytest.raises(
            SendError,
            match=r"refused: zoë@example.org \(553 address is not ASCII \(needs SMTPUTF8\)\)",
        ):
            sender.send(raw(2), SENDER, ["zoë@example.org"])
        sender.send(raw(3), SENDER, TO)
    smtp_server.wait_for(2)
    assert subjects(smtp_server) == ["[TSCP-2026-0007] Test 1", "[TSCP-2026-0007] Test 3"]


def test_the_relay_down_mid_batch_is_a_send_error_worth_retrying(
    smtp_server: SmtpTestServer,
) -> None:
    sender = SmtpSender(smtp_server.host, smtp_server.port, security="plain", timeout=5)
    with sender.batch():
        sender.send(raw(1), SENDER, TO)
        smtp_server.stop()
        with pytest.raises(SendError, match="connection refused") as caught:
            sender.send(raw(2), SENDER, TO)
        assert not caught.value.permanent and not caught.value.maybe_sent
        smtp_server.start()
        sender.send(raw(3), SENDER, TO)
    smtp_server.wait_for(2)
    assert subjects(smtp_server) == ["[TSCP-2026-0007] Test 1", "[TSCP-2026-0007] Test 3"]
