"""A relay's refusal of the DATA command itself (before any of the body went), against a real
aiosmtpd relay, with and without PIPELINING: a 5xx fails the email for good."""

from __future__ import annotations

import pytest

from bot.adapters.outgoing import SendError
from bot.adapters.smtp_sender import SmtpSender
from tests.fixtures.smtp_data import DataRefusing, DataRefusingRelay

SENDER = "tscp@example.org"
TO = ["sam.sample@example.org"]
RAW = (
    b"From: tscp@example.org\r\nTo: sam.sample@example.org\r\n"
    b"Subject: [TSCP-2026-0007] Test\r\nMessage-ID: <d1@example.org>\r\n\r\nHello.\r\n"
)
MODES = pytest.mark.parametrize("pipelining", [True, False], ids=["pipelining", "one-by-one"])
POLICY = "554 5.7.1 Delivery not authorized, message refused"


@MODES
def test_a_5xx_to_data_is_the_email_refused_for_good_with_the_servers_words(
    pipelining: bool,
) -> None:
    handler = DataRefusing(POLICY, pipelining=pipelining)
    with DataRefusingRelay(handler) as relay, pytest.raises(SendError) as caught:
        SmtpSender(relay.host, relay.port, security="plain").send(RAW, SENDER, TO)
    error = caught.value
    assert error.permanent and not error.maybe_sent and not error.server
    assert f"the server refused the message ({POLICY})" in str(error)
    assert handler.received == []
