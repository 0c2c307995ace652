"""SmtpSender against a real (aiosmtpd) SMTP server on localhost."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from bot.adapters.outgoing import MailSender, SendError
from bot.adapters.smtp_sender import RecipientsRefusedError, SmtpSender
from tests.fixtures.smtp import HOST, SelfSignedCert, SmtpTestServer, ehlo_answer, free_port

RAW = (
    b"From: tscp@example.org\r\nTo: sam.sample@example.org\r\n"
    b"Subject: [TSCP-2026-0007] Test\r\nMessage-ID: <t1@example.org>\r\n\r\nHello.\r\n"
)
SENDER = "tscp@example.org"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def smtp_server(relay_either_way: SmtpTestServer) -> SmtpTestServer:
    """Each test of this module against a relay with PIPELINING and one without."""
    return relay_either_way


def test_is_a_mail_sender() -> None:
    sender: MailSender = SmtpSender("localhost", 25)
    assert sender is not None


def test_plain_send_is_recorded(smtp_server: SmtpTestServer) -> None:
    sender = SmtpSender(smtp_server.host, smtp_server.port, security="plain")
    recipients = ["sam.sample@example.org", "lee.tester@example.net"]
    sender.send(RAW, SENDER, recipients)
    (got,) = smtp_server.wait_for(1)
    assert got.mail_from == SENDER
    assert got.rcpt_tos == recipients
    assert got.raw.replace(b"\r\n", b"\n") == RAW.replace(b"\r\n", b"\n")


def test_server_down_then_back(smtp_server: SmtpTestServer) -> None:
    sender = SmtpSender(smtp_server.host, smtp_server.port, security="plain", timeout=5)
    smtp_server.stop()
    with pytest.raises(SendError) as caught:
        sender.send(RAW, SENDER, ["sam.sample@example.org"])
    message = str(caught.value)
    assert (
        message
        == f"SMTP {HOST}:{smtp_server.port}: connection refused (is the mail server running?)"
    )
    smtp_server.start()
    sender.send(RAW, SENDER, ["sam.sample@example.org"])
    assert len(smtp_server.wait_for(1)) == 1


def test_no_recipients(smtp_server: SmtpTestServer) -> None:
    with pytest.raises(SendError, match="no recipients"):
        SmtpSender(smtp_server.host, smtp_server.port, security="plain").send(RAW, SENDER, [])


def test_unknown_security_mode() -> None:
    with pytest.raises(ValueError, match="ssl"):
        SmtpSender("localhost", 25, security="ssl")  # type: ignore[arg-type]


class _RefusingHandler:
    """Refuses one mailbox the way a real relay refuses an unknown user."""

    def __init__(self, pipelining: bool) -> None:
        self.pipelining = pipelining

    async def handle_EHLO(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        hostname: str,
        responses: list[str],
    ) -> list[str]:
        return ehlo_answer(session, hostname, responses, self.pipelining)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address.startswith("nobody@"):
            return "550 5.1.1 No such user"
        if address.startswith("busy@"):
            return "450 4.2.1 Mailbox busy, try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address.startswith("not-allowed@"):
            return "550 5.7.60 Client does not have permissions to send as this sender"
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        # The reply to the whole message, after its final dot, as the first recipient asks.
        return _AFTER_BODY.get(envelope.rcpt_tos[0].partition("@")[0], "250 OK")


_AFTER_BODY = {
    "content": "554 5.7.1 Message rejected: content policy",
    "big": "552 5.3.4 Message size exceeds fixed limit",
    "storage": "452 4.3.1 Insufficient system storage",
}


@pytest.fixture(params=[True, False], ids=["pipelining", "one-by-one"])
def refusing_server(request: pytest.FixtureRequest) -> Iterator[int]:
    port = free_port()
    controller = Controller(_RefusingHandler(request.param), hostname=HOST, port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()
        controller.loop.close()


def test_one_recipient_refused(refusing_server: int) -> None:
    sender = SmtpSender(HOST, refusing_server, security="plain")
    with pytest.raises(RecipientsRefusedError) as caught:
        sender.send(RAW, SENDER, ["sam.sample@example.org", "nobody@example.org"])
    assert "recipient(s) refused: nobody@example.org (550 5.1.1 No such user)" in str(caught.value)
    assert caught.value.refused == {"nobody@example.org": 550}
    assert caught.value.accepted == ["sam.sample@example.org"]
    assert not caught.value.permanent  # one person has it: a retry would be a second copy


def test_all_recipients_refused(refusing_server: int) -> None:
    sender = SmtpSender(HOST, refusing_server, security="plain")
    with pytest.raises(
        SendError, match=r"refused: nobody@example\.org \(550 5\.1\.1 No such user\)"
    ) as caught:
        sender.send(RAW, SENDER, ["nobody@example.org"])
    assert caught.value.permanent  # 5xx for everyone: retrying cannot help


def test_busy_recipient_is_worth_retrying(refusing_server: int) -> None:
    sender = SmtpSender(HOST, refusing_server, security="plain")
    with pytest.raises(SendError, match=r"\(450 4\.2\.1 Mailbox busy, try later\)") as caught:
        sender.send(RAW, SENDER, ["busy@example.org"])
    assert not caught.value.permanent


@pytest.mark.parametrize("who", ["content", "big"])
def test_a_message_refused_after_its_body_with_a_5xx_is_refused_for_good(
    refusing_server: int, who: str
) -> None:
    sender = SmtpSender(HOST, refusing_server, security="plain")
    with pytest.raises(SendError) as caught:
        sender.send(RAW, SENDER, [f"{who}@example.org"])
    assert caught.value.permanent and not caught.value.maybe_sent
    assert _AFTER_BODY[who] in str(caught.value)


def test_a_message_put_off_after_its_body_with_a_4xx_is_worth_retrying(
    refusing_server: int,
) -> None:
    sender = SmtpSender(HOST, refusing_server, security="plain")
    with pytest.raises(SendError, match=r"452 4\.3\.1") as caught:
        sender.send(RAW, SENDER, ["storage@example.org"])
    assert not caught.value.permanent and not caught.value.server


def test_the_sender_address_refused_is_the_mail_servers_trouble_not_the_emails(
    refusing_server: int,
) -> None:
    sender = SmtpSender(HOST, refusing_server, security="plain")
    with pytest.raises(SendError, match=r"550 5\.7\.60") as caught:
        sender.send(RAW, "not-allowed@example.org", ["sam.sample@example.org"])
    assert caught.value.server and not caught.value.permanent
    assert "send as not-allowed@example.org" in str(caught.value)


def test_server_down_is_worth_retrying(smtp_server: SmtpTestServer) -> None:
    smtp_server.stop()
    with pytest.raises(SendError) as caught:
        SmtpSender(HOST, smtp_server.port, security="plain").send(RAW, SENDER, [SENDER])
    assert not caught.value.permanent


def test_starttls(smtp_starttls_server: SmtpTestServer, self_signed_cert: SelfSignedCert) -> None:
    server = smtp_starttls_server
    sender = SmtpSender(server.host, server.port, ssl_context=self_signed_cert.client_context())
    sender.send(RAW, SENDER, ["sam.sample@example.org"])
    assert server.wait_for(1)[0].rcpt_tos == ["sam.sample@example.org"]


def test_starttls_with_untrusted_certificate(smtp_starttls_server: SmtpTestServer) -> None:
    server = smtp_starttls_server
    with pytest.raises(SendError, match="TLS error: CERTIFICATE_VERIFY_FAILED"):
        SmtpSender(server.host, server.port).send(RAW, SENDER, ["sam.sample@example.org"])
    assert server.messages == []


def test_plain_against_a_server_that_requires_tls(smtp_starttls_server: SmtpTestServer) -> None:
    server = smtp_starttls_server
    sender = SmtpSender(server.host, server.port, security="plain")
    with pytest.raises(SendError, match="530"):
        sender.send(RAW, SENDER, ["sam.sample@example.org"])


def _authenticator(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and auth_data.password == PASSWORD.encode()
    # handled=False makes aiosmtpd answer the failure with 535 itself.
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def auth_server(self_signed_cert: SelfSignedCert) -> Iterator[SmtpTestServer]:
    server = SmtpTestServer(
        tls_context=self_signed_cert.server_context(),
        authenticator=_authenticator,
        auth_required=True,
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_login(auth_server: SmtpTestServer, self_signed_cert: SelfSignedCert) -> None:
    sender = SmtpSender(
        auth_server.host,
        auth_server.port,
        username="tscp-bot",
        password=PASSWORD,
        ssl_context=self_signed_cert.client_context(),
    )
    sender.send(RAW, SENDER, ["sam.sample@example.org"])
    assert len(auth_server.wait_for(1)) == 1


def test_wrong_password_is_readable_and_secret(
    auth_server: SmtpTestServer, self_signed_cert: SelfSignedCert
) -> None:
    sender = SmtpSender(
        auth_server.host,
        auth_server.port,
        username="tscp-bot",
        password="wrong password 123",
        ssl_context=self_signed_cert.client_context(),
    )
    with pytest.raises(SendError) as caught:
        sender.send(RAW, SENDER, ["sam.sample@example.org"])
    message = str(caught.value)
    assert message.startswith(f"SMTP {HOST}:{auth_server.port}: login refused (535")
    assert "wrong password" not in message and "\n" not in message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_an_address_that_is_not_ascii_is_refused_for_good_and_the_others_get_it(
    smtp_server: SmtpTestServer,
) -> None:
    # A damaged From header can decode to a replacement character; smtplib cannot write it.
    sender = SmtpSender(smtp_server.host, smtp_server.port, security="plain")
    with pytest.raises(RecipientsRefusedError) as caught:
        sender.send(RAW, SENDER, ["jo\ufffd@example.org", "sam.sample@example.org"])
    assert caught.value.refused == {"jo\ufffd@example.org": 553}
    assert caught.value.accepted == ["sam.sample@example.org"]
    (got,) = smtp_server.wait_for(1)
    assert got.rcpt_tos == ["sam.sample@example.org"]


def test_only_addresses_that_are_not_ascii_is_a_permanent_refusal(
    smtp_server: SmtpTestServer,
) -> None:
    sender = SmtpSender(smtp_server.host, smtp_server.port, security="plain")
    with pytest.raises(SendError) as caught:
        sender.send(RAW, SENDER, ["jo\ufffd@example.org"])
    assert caught.value.permanent
    assert smtp_server.messages == []


class _Tarpit:
    """A relay that answers each RCPT after a pause, as Exchange tarpits addresses it
    dislikes: every reply comes within the timeout, the whole dialogue does not."""

    def __init__(self) -> None:
        self.received: list[bytes] = []

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        await asyncio.sleep(0.4)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.received.append(envelope.original_content or b"")
        return "250 OK"


def test_a_send_ends_within_its_time_however_slow_each_reply(free_relay_port: int) -> None:
    # The outbox's claim on an email must outlast its send: a send stops at send_seconds
    # (SEND_SECONDS, a quarter of the claim), not after a full timeout per command.
    tarpit = _Tarpit()
    relay = Controller(tarpit, hostname=HOST, port=free_relay_port)
    relay.start()
    try:
        sender = SmtpSender(HOST, free_relay_port, security="plain", timeout=30, send_seconds=1)
        recipients = [f"person{n}@example.org" for n in range(8)]  # 3.2 s of pauses
        started = time.monotonic()
        with pytest.raises(SendError) as caught:
            sender.send(RAW, SENDER, recipients)
        took = time.monotonic() - started
        sender.send(RAW, SENDER, recipients[:1])  # one pause: within its time
    finally:
        relay.stop()
    assert took < 1.5
    assert "timed out" in str(caught.value)
    assert not caught.value.maybe_sent  # the body never went: nothing to look for in Sent
    assert len(tarpit.received) == 1


@pytest.fixture
def free_relay_port() -> int:
    return free_port()
