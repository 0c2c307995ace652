"""A refusal on a kept connection is the relay, still there, refusing one email, not a
connection it closed: against real (aiosmtpd) relays with and without PIPELINING, the email is
not asked again at once (a greylisting relay wants minutes between tries, and would only put
it off again); it raises, for the outbox's back-off. A 421, the relay's notice that it is
closing, still costs a reconnect, never the email."""

from __future__ import annotations

import logging

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session

from bot.adapters.outgoing import SendError
from bot.adapters.smtp_sender import RecipientsRefusedError, SmtpSender
from tests.fixtures.smtp import SmtpTestServer, _RecordingHandler
from tests.fixtures.smtp_data import DataRefusing, DataRefusingRelay
from tests.fixtures.smtp_put_off import PUT_OFF, putting_off_relay

SENDER = "tscp@example.org"
TO = "sam.sample@example.org"
MODES = pytest.mark.parametrize("pipelining", [True, False], ids=["pipelining", "one-by-one"])
CLOSED = "the relay closed the kept connection"


def raw(n: int) -> bytes:
    return (
        f"From: {SENDER}\r\nTo: {TO}\r\nSubject: [TSCP-2026-0007] Test {n}\r\n"
        f"Message-ID: <k{n}@example.org>\r\n\r\nHello {n}.\r\n"
    ).encode()


@MODES
@pytest.mark.parametrize(
    "reply",
    [
        "450 4.7.1 Greylisted, try again later",
        "451 4.3.0 Temporary lookup failure",
        "452 4.2.2 Mailbox full",
        "550 5.1.1 No such user",  # for good: asking again cannot help either
    ],
)
def test_the_only_recipient_refused_on_a_kept_connection_is_not_asked_again_at_once(
    pipelining: bool, reply: str, caplog: pytest.LogCaptureFixture
) -> None:
    with putting_off_relay(reply=reply, pipelining=pipelining) as relay:
        sender = SmtpSender(relay.host, relay.port, security="plain")
        with caplog.at_level(logging.INFO), sender.batch():
            sender.send(raw(1), SENDER, [TO])
            with pytest.raises(RecipientsRefusedError) as caught:
                sender.send(raw(2), SENDER, [PUT_OFF])
            sender.send(raw(3), SENDER, [TO])  # the next email is not held up
        relay.wait_for(2)
    assert relay.asked == [TO, PUT_OFF, TO]
    assert caught.value.refused == {PUT_OFF: int(reply[:3])}
    assert caught.value.permanent == reply.startswith("5")
    assert [m.raw for m in relay.messages] == [raw(1), raw(3)]
    assert CLOSED not in caplog.text  # it did not


@MODES
def test_the_data_command_put_off_on_a_kept_connection_is_not_tried_again_at_once(
    pipelining: bool,
) -> None:
    handler = DataRefusing(None, pipelining=pipelining)
    with DataRefusingRelay(handler) as relay:
        sender = SmtpSender(relay.host, relay.port, security="plain")
        with sender.batch():
            sender.send(raw(1), SENDER, [TO])
            handler.data_reply = "451 4.3.0 Try again later"
            with pytest.raises(SendError, match=r"refused the message \(451 ") as caught:
                sender.send(raw(2), SENDER, [TO])
    assert not caught.value.permanent and not caught.value.maybe_sent
    assert handler.data_commands == 2  # the first email's DATA and this one's, once


class _PutsOffTheSecondBody(_RecordingHandler):
    """Answers the second message, after its final dot, with 451; notes every body."""

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        bodies: list[bytes] = self._server.bodies  # type: ignore[attr-defined]
        bodies.append(envelope.original_content or b"")
        if len(bodies) == 2:
            return "451 4.3.0 Try again later"
        return await super().handle_DATA(server, session, envelope)


class _BodyRelay(SmtpTestServer):
    def __init__(self, pipelining: bool) -> None:
        super().__init__(pipelining=pipelining)
        self.bodies: list[bytes] = []

    def _handler(self) -> _RecordingHandler:
        return _PutsOffTheSecondBody(self)


@MODES
def test_a_message_put_off_after_its_body_on_a_kept_connection_is_not_sent_again_at_once(
    pipelining: bool,
) -> None:
    relay = _BodyRelay(pipelining)
    relay.start()
    try:
        sender = SmtpSender(relay.host, relay.port, security="plain")
        with sender.batch():
            sender.send(raw(1), SENDER, [TO])
            with pytest.raises(SendError, match=r"refused the message \(451 ") as caught:
                sender.send(raw(2), SENDER, [TO])
            sender.send(raw(3), SENDER, [TO])
    finally:
        relay.stop()
    assert not caught.value.permanent and not caught.value.maybe_sent
    assert relay.bodies == [raw(1), raw(2), raw(3)]  # the second body went once


@MODES
def test_a_421_to_the_recipient_on_a_kept_connection_costs_a_reconnect_not_the_email(
    pipelining: bool, caplog: pytest.LogCaptureFixture
) -> None:
    closing = "421 4.4.2 Connection idle too long, closing"
    with putting_off_relay(reply=closing, pipelining=pipelining) as relay:
        sender = SmtpSender(relay.host, relay.port, security="plain")
        with caplog.at_level(logging.INFO), sender.batch():
            sender.send(raw(1), SENDER, [TO])
            sender.send(raw(2), SENDER, [PUT_OFF])
        relay.wait_for(2)
    assert relay.asked == [TO, PUT_OFF, PUT_OFF]
    assert [m.raw for m in relay.messages] == [raw(1), raw(2)]
    assert relay.connections() == 2
    assert CLOSED in caplog.text


@MODES
def test_a_kept_connection_the_relay_drops_costs_a_reconnect_not_the_email(
    pipelining: bool,
) -> None:
    with putting_off_relay(pipelining=pipelining, drop_second_mail=True) as relay:
        sender = SmtpSender(relay.host, relay.port, security="plain", timeout=5)
        with sender.batch():
            for n in range(3):
                sender.send(raw(n), SENDER, [TO])
        relay.wait_for(3)
    assert [m.raw for m in relay.messages] == [raw(n) for n in range(3)]
    assert relay.connections() == 3  # the relay drops each connection at its second email
