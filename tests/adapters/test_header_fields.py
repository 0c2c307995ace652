"""A message's header fields are listed once and each decoded once, however many readings
of them the parsed message needs (bot.adapters.header_fields)."""

from __future__ import annotations

from email import message_from_bytes

from bot.adapters.header_fields import HeaderFields
from bot.adapters.parsing import parse_message

_RAW = (
    b"From: Dana Whitlow <dana.whitlow@gmp.police.uk>\r\n"
    b"To: tscp@tameside.gov.uk\r\n"
    b"Subject: GM SIN form\r\n"
    b"Message-ID: <m1@gmp.police.uk>\r\n"
    b"Received: from relay.caf\xe9.example (relay) by mx.tameside.gov.uk\r\n"
    b"Authentication-Results: mx.tameside.gov.uk; dkim=pass header.d=gmp.police.uk\r\n"
    b"Received: from outlook.gmp.police.uk by relay.example\r\n"
    b"Authentication-Results: relay.example; spf=pass\r\n"
    b"\r\n"
    b"The form is attached.\r\n"
)


def test_each_field_is_decoded_once_for_every_reading_of_it() -> None:
    defects: list[str] = []
    fields = HeaderFields(message_from_bytes(_RAW), defects)
    headers = fields.first_of_each()
    trace = fields.every({"received", "authentication-results"}.__contains__)
    results = fields.every(lambda key: key == "authentication-results")
    # The 8-bit Received field was read three ways and is told of once: it was decoded once.
    assert defects == ["undeclared 8-bit header (read as windows-1252)"]
    assert headers["received"] == "from relay.café.example (relay) by mx.tameside.gov.uk"
    assert [key for key, _ in trace] == ["received", "authentication-results"] * 2
    assert trace[0][1] == headers["received"]
    assert [text for _, text in results] == [
        "mx.tameside.gov.uk; dkim=pass header.d=gmp.police.uk",
        "relay.example; spf=pass",
    ]


def test_a_parsed_message_reads_its_trace_and_authentication_results_in_order() -> None:
    msg = parse_message(_RAW)
    assert msg.authentication_results == (
        "mx.tameside.gov.uk; dkim=pass header.d=gmp.police.uk",
        "relay.example; spf=pass",
    )
    assert [key for key, _ in msg.trace] == ["received", "authentication-results"] * 2
    assert msg.defects.count("undeclared 8-bit header (read as windows-1252)") == 1
