"""The edges of one SMTP transaction against real (aiosmtpd) relays: a kept connection the
relay is closing, a relay that takes DATA for a transaction it refused, a connection dropped
before the body. Each with and without PIPELINING."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session

from bot.adapters.outgoing import SendError
from bot.adapters.smtp_sender import SmtpSender
from tests.fixtures.smtp import SmtpTestServer, _RecordingHandler

SENDER = "tscp@example.org"
TO = ["sam.sample@example.org"]
MODES = pytest.mark.parametrize("pipelining", [True, False], ids=["pipelining", "one-by-one"])


def raw(n: int) -> bytes:
    return (
        f"From: {SENDER}\r\nTo: {TO[0]}\r\nSubject: [TSCP-2026-0007] Test {n}\r\n"
        f"Message-ID: <t{n}@example.org>\r\n\r\n.A line that starts with a dot {n}.\r\n"
    ).encode()


class _ClosesAfterOne(_RecordingHandler):
    """Answers 421 to a second transaction on a connection, as a relay closing an idle or
    used-up connection does."""

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if getattr(session, "tscp_used", False):
            return "421 4.4.2 Connection idle too long, closing"
        session.tscp_used = True  # type: ignore[attr-defined]
        envelope.mail_from = address
        return "250 OK"


class _TakesDataAnyway(_RecordingHandler):
    """Refuses a recipient with 550 yet keeps it, so it answers DATA with 354 (a broken
    relay): whatever the client sent next would be delivered."""

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        envelope.rcpt_tos.append(address)
        return "550 5.1.1 No such user" if address.startswith("nobody@") else "250 OK"


class _DropsAtRcpt(_RecordingHandler):
    """Drops the connection as the envelope arrives, before any body."""

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        assert server.transport is not None
        server.transport.close()
        return "250 OK"


class _SeesWhatWaits(_RecordingHandler):
    """Notes, as MAIL FROM is handled, what the client had already sent after it: with
    PIPELINING its RCPT TO and DATA are there; without, the client waits for the reply."""

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        waiting = bytes(server._reader._buffer)  # type: ignore[attr-defined]
        self._server.after_mail.append(waiting)  # type: ignore[attr-defined]
        envelope.mail_from = address
        return "250 OK"


class _Relay(SmtpTestServer):
    def __init__(self, handler: type[_RecordingHandler], pipelining: bool) -> None:
        super().__init__(pipelining=pipelining)
        self._kind = handler
        self.after_mail: list[bytes] = []

    def _handler(self) -> _RecordingHandler:
        return self._kind(self)


def _relay(handler: type[_RecordingHandler], pipelining: bool) -> Iterator[_Relay]:
    server = _Relay(handler, pipelining)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@MODES
def test_the_envelope_goes_in_one_write_only_where_the_relay_offers_pipelining(
    pipelining: bool,
) -> None:
    for relay in _relay(_SeesWhatWaits, pipelining):
        sender = SmtpSender(relay.host, relay.port, security="plain")
        sender.send(raw(1), SENDER, [*TO, "alex.sample@example.org"])
        relay.wait_for(1)
        [waiting] = relay.after_mail
        if pipelining:
            assert waiting == (
                b"RCPT TO:<sam.sample@example.org>\r\nRCPT TO:<alex.sample@example.org>\r\nDATA\r\n"
            )
        else:
            assert waiting == b""  # each command waited for its reply
        assert relay.messages[0].rcpt_tos == [*TO, "alex.sample@example.org"]


@MODES
def test_a_kept_connection_the_relay_is_closing_costs_a_reconnect_not_the_email(
    pipelining: bool,
) -> None:
    for relay in _relay(_ClosesAfterOne, pipelining):
        sender = SmtpSender(relay.host, relay.port, security="plain")
        with sender.batch():
            for n in range(3):
                sender.send(raw(n), SENDER, TO)
        relay.wait_for(3)
        assert len({m.peer for m in relay.messages}) == 3  # one connection per email
        # Dot-stuffed on the wire, delivered as written.
        assert [m.raw for m in relay.messages] == [raw(n) for n in range(3)]


@MODES
def test_a_relay_taking_data_for_a_refused_email_gets_no_body(pipelining: bool) -> None:
    for relay in _relay(_TakesDataAnyway, pipelining):
        sender = SmtpSender(relay.host, relay.port, security="plain")
        with sender.batch():
            with pytest.raises(
                SendError, match=r"nobody@example\.org \(550 5\.1\.1 No such user\)"
            ) as caught:
                sender.send(raw(1), SENDER, ["nobody@example.org"])
            sender.send(raw(2), SENDER, TO)
        relay.wait_for(1)
        assert caught.value.permanent
        assert [m.raw for m in relay.messages] == [raw(2)]  # nothing of the refused one


@MODES
def test_a_connection_dropped_before_the_body_is_not_maybe_sent(pipelining: bool) -> None:
    for relay in _relay(_DropsAtRcpt, pipelining):
        sender = SmtpSender(relay.host, relay.port, security="plain", timeout=5)
        with pytest.raises(SendError) as caught:
            sender.send(raw(1), SENDER, TO)
        # Not looked for in the Sent folder before the retry: nothing of it went.
        assert not caught.value.maybe_sent and not caught.value.permanent
        assert relay.messages == []
