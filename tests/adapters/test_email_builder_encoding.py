"""What a recipient sees of a built email, whatever its text: headers and bodies decode to
exactly what was given, and the bytes keep SMTP's rules (CRLF, 7-bit, lines of 998 at most)."""

from __future__ import annotations

import random
from email.message import EmailMessage
from typing import Any

import pytest

from bot.adapters.email_builder import Attachment, InlineImage
from tests.fixtures.outgoing import build_sample, parse_sent

# Invented people and text; escapes keep the source unambiguous.
FIONA = "Fiona \u00d3 S\u00failleabh\u00e1in"
SUBJECT = f"R\u00e9: {FIONA} \u2013 TSCP-2026-0012 panel"
CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:CANCEL\r\nBEGIN:VEVENT\r\n"
    f"SUMMARY:Screening Panel with {FIONA}\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
).encode()
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 3

# Text a template or a quoted message may hold: what each transfer encoding finds awkward.
AWKWARD = (
    "From the panel: a line an mbox would mangle\n"
    ".\n"
    ". a line starting with a dot\n"
    "trailing spaces   \n"
    "trailing tab\t\n"
    "= an equals sign =3D and =\n"
    + "a long line " * 30
    + "\n"
    + "--===============1234567890123456789==\n"
    + "\n\n"
    + "no newline at the end"
)
TEXTS = {
    "ascii short lines": "Thank you.\nThe panel meets on Tuesday.\n",
    "ascii long lines": AWKWARD,
    "latin": f"Dear {FIONA},\n{AWKWARD}\ncaf\u00e9 \u2019quoted\u2019\n",
    "mostly not latin": "\u0426\u0435 \u043b\u0438\u0441\u0442.\n" * 40,
    "mixed line ends": "one\r\ntwo\rthree\nfour\r\n\r\nfive",
}


def _build(**overrides: Any) -> bytes:
    return build_sample("TSCP-2026-0012", **overrides)


def _part(msg: EmailMessage, content_type: str) -> EmailMessage:
    return next(p for p in msg.walk() if p.get_content_type() == content_type)


def _decoded(part: EmailMessage) -> str:
    data = part.get_payload(decode=True)
    assert isinstance(data, bytes)
    return data.decode("utf-8")


def _as_sent(text: str) -> str:
    """The text with SMTP's line ends, as the builder writes (and a parser reads back) any
    body: every line ends in CRLF, the last one too."""
    return "".join(line + "\r\n" for line in text.splitlines())


def _assert_wire_rules(raw: bytes) -> None:
    assert raw.isascii()  # every byte < 128
    assert b"\r\r\n" not in raw
    # Every CR starts a CRLF and every LF ends one: no bare CR, no bare LF.
    assert raw.count(b"\r") == raw.count(b"\r\n") == raw.count(b"\n")
    assert raw.endswith(b"\r\n")
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998


def _header_lines(raw: bytes, name: str) -> list[bytes]:
    """The header's physical lines: its first and any continuation lines."""
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    start = next(i for i, line in enumerate(head) if line.startswith(name.encode() + b": "))
    lines = [head[start]]
    for line in head[start + 1 :]:
        if not line.startswith((b" ", b"\t")):
            break
        lines.append(line)
    return lines


def test_non_ascii_subject_and_display_name_read_as_written() -> None:
    raw = _build(subject=SUBJECT, sender_name=f"{FIONA} (TSCP)")
    _assert_wire_rules(raw)
    msg = parse_sent(raw)
    assert msg["Subject"] == SUBJECT
    assert msg["From"].addresses[0].display_name == f"{FIONA} (TSCP)"
    assert msg["From"].addresses[0].addr_spec == "tscp@example.org"
    # A subject that fits on a line is not folded, however it is encoded.
    assert len(_header_lines(raw, "Subject")) == 1


def test_a_77_character_subject_stays_on_its_line() -> None:
    subject = "[TSCP-2026-0012] Reminder: Appendix B return from the health trust due today."
    assert len(subject) == 77
    raw = _build(subject=subject)
    assert b"\r\nSubject: " + subject.encode() + b"\r\n" in raw
    assert parse_sent(raw)["Subject"] == subject


@pytest.mark.parametrize(
    "subject",
    [
        SUBJECT * 30,  # longer than a line: encoded words, folded between them
        "word " * 400,  # plain but longer than a line
        "x" * 1500,  # one unbreakable word
        "=?utf-8?q?looks_encoded?= but is what was written",
        "",
    ],
)
def test_any_subject_reads_back_and_keeps_lines_short(subject: str) -> None:
    raw = _build(subject=subject, sender_name=f"{FIONA} ({subject[:60]})")
    _assert_wire_rules(raw)
    msg = parse_sent(raw)
    assert msg["Subject"] == " ".join(subject.split())
    assert msg["From"].addresses[0].display_name == " ".join(f"{FIONA} ({subject[:60]})".split())
    for line in _header_lines(raw, "Subject"):
        for word in line.split():
            if word.startswith(b"=?"):
                assert len(word) <= 75  # RFC 2047's limit for an encoded word


def test_many_recipients_are_folded_and_all_read_back() -> None:
    to = [f"person.{n:03d}@agency-{n % 7}.example.org" for n in range(80)]
    raw = _build(to=to, cc=to[:40])
    _assert_wire_rules(raw)
    msg = parse_sent(raw)
    assert [a.addr_spec for a in msg["To"].addresses] == to
    assert [a.addr_spec for a in msg["Cc"].addresses] == to[:40]
    assert len(_header_lines(raw, "To")) > 1


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_bodies_read_back_exactly(name: str) -> None:
    text = TEXTS[name]
    html = f"<pre>{text}</pre>"
    raw = _build(subject=SUBJECT, text=text, html=html)
    _assert_wire_rules(raw)
    msg = parse_sent(raw)
    assert [p.get_content_type() for p in msg.walk()] == [
        "multipart/alternative",
        "text/plain",
        "text/html",
    ]
    assert _decoded(_part(msg, "text/plain")) == _as_sent(text)
    assert _decoded(_part(msg, "text/html")) == _as_sent(html)


def test_ascii_text_in_short_lines_stays_readable_as_it_is() -> None:
    raw = _build(text=TEXTS["ascii short lines"], html=None)
    msg = parse_sent(raw)
    assert msg["Content-Transfer-Encoding"] == "7bit"
    assert b"\r\n\r\nThank you.\r\nThe panel meets on Tuesday.\r\n" in raw


def test_meeting_request_and_invite_attachment() -> None:
    raw = _build(subject=SUBJECT, text=TEXTS["latin"], ics=CALENDAR)
    _assert_wire_rules(raw)
    msg = parse_sent(raw)
    calendar = _part(msg, "text/calendar")
    assert calendar.get_param("method") == "CANCEL"
    assert calendar.get_content_disposition() is None
    assert _decoded(calendar) == CALENDAR.decode("utf-8")
    ics = _part(msg, "application/ics")
    assert ics.get_filename() == "invite.ics"
    assert ics.get_content_disposition() == "attachment"
    assert ics.get_payload(decode=True) == CALENDAR


def test_attachment_bytes_and_names_are_kept() -> None:
    noise = random.Random(5).randbytes(10_000)
    attachments = [
        Attachment(f"R\u00e9union {FIONA}.pdf", "application/pdf", noise),
        Attachment(
            "notes.txt", 'text/plain; charset="utf-8"; format=flowed', "caf\u00e9\n".encode()
        ),
        Attachment("empty.bin", "application/octet-stream", b""),
    ]
    raw = _build(attachments=attachments)
    _assert_wire_rules(raw)
    found = list(parse_sent(raw).iter_attachments())
    assert [a.get_filename() for a in found] == [a.filename for a in attachments]
    assert [a.get_payload(decode=True) for a in found] == [a.data for a in attachments]
    assert found[1].get_param("format") == "flowed"


def test_inline_images_keep_their_content_id_and_bytes() -> None:
    images = [
        InlineImage("on-time@tscp-bot", "on-time.png", PNG),
        InlineImage("by-agency@tscp-bot", "by-agency.png", PNG[::-1]),
    ]
    html = '<img src="cid:on-time@tscp-bot"><img src="cid:by-agency@tscp-bot">'
    raw = _build(html=html, images=images, attachments=[Attachment("a.txt", "text/plain", b"a")])
    _assert_wire_rules(raw)
    msg = parse_sent(raw)
    assert [p.get_content_type() for p in msg.walk()] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "multipart/related",
        "text/html",
        "image/png",
        "image/png",
        "text/plain",
    ]
    shown = [p for p in msg.walk() if p.get_content_maintype() == "image"]
    assert [p["Content-ID"] for p in shown] == ["<on-time@tscp-bot>", "<by-agency@tscp-bot>"]
    assert [p.get_content_disposition() for p in shown] == ["inline", "inline"]
    assert [p.get_payload(decode=True) for p in shown] == [PNG, PNG[::-1]]


def test_an_image_type_that_is_not_a_token_is_refused() -> None:
    with pytest.raises(ValueError, match="image type"):
        _build(images=[InlineImage("a@b", "a.png", PNG, subtype="png\r\nBcc: x@y")])


def test_an_attachment_type_with_a_line_break_is_refused() -> None:
    with pytest.raises(ValueError, match="Content-Type"):
        _build(attachments=[Attachment("a.txt", "text/plain\r\nBcc: x@y", b"a")])


def test_random_text_reads_back_and_keeps_the_wire_rules() -> None:
    """Whatever mixture of scripts, control characters and line ends a quoted message brings:
    headers read back as one line of text, bodies and attachments exactly."""
    rng = random.Random(4)
    odd = "XYZ.-=?_\t\r\n\x00\x0c\u00e9\u00d3\u2013\u2019\u20ac\U0001f600\u0416" + "From "

    def text(longest: int) -> str:
        size = rng.randrange(longest)
        return "".join(rng.choice(odd if rng.random() < 0.3 else "abcdefgh ") for _ in range(size))

    def header(value: str) -> str:
        return " ".join("".join(" " if c < " " or c == "\x7f" else c for c in value).split())

    def body(value: str) -> str:
        return b"".join(line + b"\r\n" for line in value.encode().splitlines()).decode() or "\r\n"

    for _ in range(200):
        subject, name = text(rng.choice([80, 300, 2500])), text(rng.choice([60, 200]))
        plain, html = text(rng.choice([200, 3000])), text(500)
        attachment = Attachment(text(30), "application/octet-stream", rng.randbytes(300))
        raw = _build(
            subject=subject, sender_name=name, text=plain, html=html, attachments=[attachment]
        )
        _assert_wire_rules(raw)
        msg = parse_sent(raw)
        assert msg["Subject"] == header(subject)
        assert msg["From"].addresses[0].display_name == header(name)
        assert _decoded(_part(msg, "text/plain")) == body(plain)
        assert _decoded(_part(msg, "text/html")) == body(html)
        [found] = msg.iter_attachments()
        assert found.get_payload(decode=True) == attachment.data
        assert (found.get_filename() or "") == header(attachment.filename)
