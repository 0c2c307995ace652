"""Built messages parse back with the stdlib and have the structure mail clients expect."""

from __future__ import annotations

import email
import re
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest

from bot.adapters.email_builder import Attachment, InlineImage, make_message_id
from tests.fixtures.outgoing import build_sample, parse_sent

CALENDAR = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n"
    b"SUMMARY:Screening Panel\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def _build(**overrides: Any) -> bytes:
    return build_sample("TSCP-2026-0007", **overrides)


def _tree(msg: EmailMessage) -> list[str]:
    return [part.get_content_type() for part in msg.walk()]


def test_message_id_is_deterministic() -> None:
    first = make_message_id("ack:TSCP-2026-0007", "example.org")
    assert first == make_message_id("ack:TSCP-2026-0007", "example.org")
    assert first != make_message_id("ack:TSCP-2026-0008", "example.org")
    assert re.fullmatch(r"<tscp-bot\.[0-9a-f]{24}@example\.org>", first)


def test_headers() -> None:
    msg = parse_sent(_build(cc=["lee.tester@example.net", "pat.example@example.org"]))
    assert msg["From"] == "Tameside Safeguarding Children Partnership <tscp@example.org>"
    assert msg["To"] == "sam.sample@example.org"
    assert msg["Cc"] == "lee.tester@example.net, pat.example@example.org"
    assert msg["Subject"] == "[TSCP-2026-0007] Serious incident notification received"
    assert msg["Message-ID"] == make_message_id("ack:TSCP-2026-0007", "example.org")
    assert msg["Date"].datetime == datetime(2026, 12, 24, 15, 0, tzinfo=UTC)
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["X-Auto-Response-Suppress"] == "OOF, AutoReply"
    assert msg["X-TSCP-Bot"] == "1"
    assert msg["Precedence"] is None
    assert msg["In-Reply-To"] is None


def test_exchange_is_asked_to_hold_back_auto_replies_but_still_report_non_delivery() -> None:
    # MS-OXCMAIL 2.1.3.2.20: DR and NDR would silence delivery reports, RN and NRN read
    # notifications; "All" includes them. Only out-of-office (OOF) and AutoReply are suppressed.
    value = str(parse_sent(_build())["X-Auto-Response-Suppress"])
    suppressed = {v.strip() for v in value.split(",")}
    assert suppressed == {"OOF", "AutoReply"}
    assert not suppressed & {"All", "DR", "NDR"}


def test_reply_threading_headers() -> None:
    references = ["<z@example.net>", "<a@example.net>"]
    msg = parse_sent(_build(in_reply_to="<a@example.net>", references=references))
    assert msg["In-Reply-To"] == "<a@example.net>"
    assert msg["References"] == "<z@example.net> <a@example.net>"
    assert msg["Auto-Submitted"] == "auto-replied"


# Curly apostrophe and en dash, as pasted from Word; escaped to keep the source unambiguous.
APOS, DASH = "\u2019", "\u2013"
WORDY = f"Zoë{APOS}s café {DASH} notification"


def test_lines_end_with_crlf_and_are_7bit() -> None:
    raw = _build(text=WORDY + "\n", html=f"<p>{WORDY}</p>")
    assert raw.count(b"\n") == raw.count(b"\r\n")
    assert raw.isascii()
    msg = parse_sent(raw)
    plain = msg.get_body(("plain",))
    assert plain is not None
    # The body was encoded with SMTP's CRLF line endings, so it decodes with them too.
    assert plain.get_content() == WORDY + "\r\n"


def test_non_ascii_sender_name_is_encoded() -> None:
    name = f"Partneriaeth Diogelu {DASH} TSCP"
    raw = _build(sender_name=name)
    assert raw.isascii()
    assert parse_sent(raw)["From"].addresses[0].display_name == name


def test_text_only_is_a_single_part() -> None:
    msg = parse_sent(_build(html=None))
    assert _tree(msg) == ["text/plain"]


def test_text_and_html_are_alternatives() -> None:
    msg = parse_sent(_build())
    assert _tree(msg) == ["multipart/alternative", "text/plain", "text/html"]


def test_calendar_makes_a_meeting_request() -> None:
    msg = parse_sent(_build(ics=CALENDAR))
    assert _tree(msg) == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "text/calendar",
        "application/ics",
    ]
    calendar = next(p for p in msg.walk() if p.get_content_type() == "text/calendar")
    assert calendar.get_param("method") == "REQUEST"
    assert str(calendar.get_param("charset")).lower() == "utf-8"
    assert calendar.get_content_disposition() is None  # inline, not an attachment
    assert calendar.get_content().replace("\r\n", "\n") == CALENDAR.decode().replace("\r\n", "\n")
    ics = next(p for p in msg.walk() if p.get_content_type() == "application/ics")
    assert ics.get_filename() == "invite.ics"
    assert ics.get_content() == CALENDAR


def test_attachments() -> None:
    pdf = Attachment("minutes.pdf", "application/pdf", b"%PDF-1.7 fake")
    note = Attachment("note.txt", "text/plain; charset=utf-8", "café".encode())
    msg = parse_sent(_build(attachments=[pdf, note]))
    attachments = list(msg.iter_attachments())
    assert [a.get_filename() for a in attachments] == ["minutes.pdf", "note.txt"]
    assert attachments[0].get_content() == b"%PDF-1.7 fake"
    assert attachments[1].get_param("charset") == "utf-8"
    assert attachments[1].get_payload(decode=True) == "café".encode()


def test_naive_date_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        _build(date=datetime(2026, 12, 24, 15, 0))


def test_no_recipients_is_refused() -> None:
    with pytest.raises(ValueError, match="To address"):
        _build(to=[])


def _headers(raw: bytes) -> list[tuple[str, str]]:
    msg = email.message_from_bytes(raw, policy=policy.default)
    return [(name, str(value)) for name, value in msg.items()]


def test_subject_with_newline_cannot_inject_headers() -> None:
    """A subject quoting an incoming one (an encoded CR/LF in it) stays one header line: the
    reply is still sent, and to nobody else."""
    raw = _build(subject="Re: Hello\r\nBcc: someone@example.net\x00")
    assert ("Subject", "Re: Hello Bcc: someone@example.net") in _headers(raw)
    assert "Bcc" not in dict(_headers(raw))


def test_display_name_with_line_break_stays_in_the_from_header() -> None:
    raw = _build(sender_name="TSCP\r\nBcc: x@evil.example")
    assert "Bcc" not in dict(_headers(raw))
    assert dict(_headers(raw))["From"] == '"TSCP Bcc: x@evil.example" <tscp@example.org>'


def test_an_address_that_could_carry_another_header_is_refused() -> None:
    for address in ("jo@x.example\r\nBcc: x@evil.example", "a@x.example, b@evil.example"):
        with pytest.raises(ValueError, match="plain email address"):
            _build(to=[address])


def test_folded_or_hostile_ids_we_answer_are_written_on_one_line() -> None:
    raw = _build(
        in_reply_to="<abc\r\n .def\x00@x.example>",
        references=["<abc\r\n .def@x.example>", "not-an-id", "<" + "y" * 1200 + "@x>"],
    )
    headers = dict(_headers(raw))
    assert headers["In-Reply-To"] == "<abc.def@x.example>"
    assert headers["References"] == "<abc.def@x.example>"


PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


def test_inline_images_sit_with_the_html_that_shows_them_by_content_id() -> None:
    """What Outlook needs to show a chart in the body rather than as an attachment."""
    html = '<p>Figures</p><img src="cid:on-time@tscp-bot" alt="On time">'
    image = InlineImage("on-time@tscp-bot", "on-time.png", PNG)
    msg = parse_sent(_build(html=html, images=[image]))
    assert _tree(msg) == [
        "multipart/alternative",
        "text/plain",
        "multipart/related",
        "text/html",
        "image/png",
    ]
    png = next(p for p in msg.walk() if p.get_content_type() == "image/png")
    assert png["Content-ID"] == "<on-time@tscp-bot>"
    assert png.get_content_disposition() == "inline"
    assert png.get_content() == PNG
    shown = next(p for p in msg.walk() if p.get_content_type() == "text/html")
    assert 'src="cid:on-time@tscp-bot"' in shown.get_content()
    assert list(msg.iter_attachments()) == []


def test_an_inline_image_needs_an_html_body_and_a_plain_content_id() -> None:
    with pytest.raises(ValueError, match="HTML body"):
        _build(html=None, images=[InlineImage("a@b", "a.png", PNG)])
    with pytest.raises(ValueError, match="Content-ID"):
        _build(images=[InlineImage("a>\r\nBcc: x@y", "a.png", PNG)])


_BOUNDARY = re.compile(rb"={15}\d+==")


def _without_boundaries(raw: bytes) -> bytes:
    return _BOUNDARY.sub(b"BOUNDARY", raw)
