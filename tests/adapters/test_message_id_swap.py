"""A copy of an email built earlier, given its own Message-ID and nothing else changed."""

from __future__ import annotations

import email
from datetime import UTC, datetime

from bot.adapters.email_builder import build_email, make_message_id
from bot.adapters.message_id_swap import with_message_id

NEW = "<tscp-bot.copy@example.org>"


def _built() -> bytes:
    return build_email(
        sender="tscp@example.org",
        sender_name="TSCP",
        to=["sam.sample@example.org", "jo.sample@example.org"],
        subject="[TSCP-2026-0007] Test",
        text="Message-ID: in the body is not a header.\n",
        html=None,
        message_id=make_message_id("ack:TSCP-2026-0007", "example.org"),
        date=datetime(2026, 12, 23, 9, tzinfo=UTC),
    )


def test_only_the_message_id_changes() -> None:
    raw = _built()
    copy = with_message_id(raw, NEW)
    assert email.message_from_bytes(copy)["Message-ID"] == NEW
    assert copy.replace(NEW.encode(), b"") == raw.replace(
        make_message_id("ack:TSCP-2026-0007", "example.org").encode(), b""
    )
    assert copy.count(b"Message-ID: ") == raw.count(b"Message-ID: ")


def test_a_folded_message_id_is_replaced_whole_and_a_missing_one_added() -> None:
    folded = b"From: a@example.org\r\nMessage-ID:\r\n <old@example.org>\r\nSubject: x\r\n\r\nhi\r\n"
    assert with_message_id(folded, NEW) == (
        b"From: a@example.org\r\nMessage-ID: " + NEW.encode() + b"\r\nSubject: x\r\n\r\nhi\r\n"
    )
    bare = b"From: a@example.org\r\n\r\nMessage-ID: <body@example.org>\r\n"
    assert email.message_from_bytes(with_message_id(bare, NEW))["Message-ID"] == NEW
    assert with_message_id(bare, NEW).endswith(b"\r\n\r\nMessage-ID: <body@example.org>\r\n")
