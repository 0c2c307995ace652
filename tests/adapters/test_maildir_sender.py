"""MaildirSender files messages where a mail client can open them, envelope included."""

from __future__ import annotations

import email
import mailbox
from email.policy import default
from pathlib import Path

import pytest

from bot.adapters.maildir_sender import MaildirSender
from bot.adapters.outgoing import MailSender, SendError

RAW = (
    b"From: tscp@example.org\r\nTo: sam.sample@example.org\r\n"
    b"Subject: [TSCP-2026-0007] Test\r\nMessage-ID: <t1@example.org>\r\n\r\nHello.\r\n"
)
SENDER = "tscp@example.org"


def _stored(path: Path) -> list[bytes]:
    return [p.read_bytes() for p in sorted((path / "new").iterdir())]


def test_is_a_mail_sender(tmp_path: Path) -> None:
    sender: MailSender = MaildirSender(tmp_path / "outbox")
    assert sender is not None


def test_creates_the_maildir_and_stores_the_message(tmp_path: Path) -> None:
    path = tmp_path / "outbox"
    MaildirSender(path).send(RAW, SENDER, ["sam.sample@example.org", "lee.tester@example.net"])
    assert {p.name for p in path.iterdir()} == {"new", "cur", "tmp"}
    (stored,) = _stored(path)
    assert stored == (
        b"X-TSCP-Envelope-From: tscp@example.org\r\n"
        b"X-TSCP-Envelope-To: sam.sample@example.org, lee.tester@example.net\r\n" + RAW
    )


def test_stdlib_mailbox_reads_it_back(tmp_path: Path) -> None:
    path = tmp_path / "outbox"
    sender = MaildirSender(path)
    sender.send(RAW, SENDER, ["sam.sample@example.org"])
    sender.send(RAW, SENDER, ["pat.example@example.org"])
    box = mailbox.Maildir(path, create=False)
    envelopes = sorted(str(m["X-TSCP-Envelope-To"]) for m in box)
    assert envelopes == ["pat.example@example.org", "sam.sample@example.org"]
    assert {str(m["Subject"]) for m in box} == {"[TSCP-2026-0007] Test"}


def test_long_recipient_lists_are_folded(tmp_path: Path) -> None:
    recipients = [f"panel.member{i}@example.org" for i in range(12)]
    MaildirSender(tmp_path).send(RAW, SENDER, recipients)
    (stored,) = _stored(tmp_path)
    header_block = stored[: -len(RAW)]
    assert all(len(line) <= 78 for line in header_block.split(b"\r\n"))
    msg = email.message_from_bytes(stored, policy=default)
    parsed = [a.strip() for a in str(msg["X-TSCP-Envelope-To"]).split(",")]
    assert parsed == recipients


def test_lf_only_messages_get_lf_headers(tmp_path: Path) -> None:
    raw = RAW.replace(b"\r\n", b"\n")
    MaildirSender(tmp_path).send(raw, SENDER, ["sam.sample@example.org"])
    (stored,) = _stored(tmp_path)
    assert b"\r" not in stored and stored.endswith(raw)


def test_line_break_in_an_address_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SendError, match="line break"):
        MaildirSender(tmp_path).send(RAW, SENDER, ["a@example.org\r\nX-Evil: 1"])


def test_no_recipients(tmp_path: Path) -> None:
    with pytest.raises(SendError, match="no recipients"):
        MaildirSender(tmp_path).send(RAW, SENDER, [])


def test_unwritable_location_is_a_send_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with pytest.raises(SendError, match="Maildir"):
        MaildirSender(blocker / "outbox").send(RAW, SENDER, ["sam.sample@example.org"])
