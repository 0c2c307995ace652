from __future__ import annotations

import base64
from email.message import EmailMessage

import pytest

from bot.adapters.parsing import ParseError, message_id_for, parse_message, sha256_hex

HEAD = b"From: Dana Whitlow <Dana.Whitlow@GMP.police.uk>\nTo: TSCP@tameside.gov.uk\n"


def test_plain_message_fields() -> None:
    raw = (
        HEAD + b"Cc: A <a@nhs.net>, b@example.org\nSubject: GM SIN\n form\n"
        b"Message-ID:  <abc@gmp.police.uk> \nDate: Tue, 03 Mar 2026 10:15:00 +0000\n"
        b"In-Reply-To: <p@x>\nReferences: <r@x> <p@x>\nX-Priority: 1\n\nBody line\r\n"
    )
    msg = parse_message(raw)
    assert msg.message_id == "abc@gmp.police.uk"
    assert msg.from_addr == "dana.whitlow@gmp.police.uk"
    assert msg.from_name == "Dana Whitlow"
    assert msg.to == ("tscp@tameside.gov.uk",)
    assert msg.cc == ("a@nhs.net", "b@example.org")
    assert msg.subject == "GM SIN form"
    assert msg.date is not None and msg.date.year == 2026
    assert msg.in_reply_to == "p@x"
    assert msg.references == ("r@x", "p@x")
    assert msg.header("X-Priority") == "1"
    assert msg.text == "Body line\n"
    assert msg.defects == ()


def test_missing_message_id_is_synthesised_from_the_hash() -> None:
    raw = HEAD + b"Subject: x\n\nbody\n"
    msg = parse_message(raw)
    assert msg.message_id == message_id_for(raw)
    assert msg.message_id == f"sha256-{sha256_hex(raw)[:32]}@tscp-bot.invalid"
    assert any("Message-ID" in d for d in msg.defects)


def test_missing_from_is_a_defect_not_an_error() -> None:
    msg = parse_message(b"Subject: hello\nMessage-ID: <1@x>\n\nbody\n")
    assert msg.from_addr == "" and "missing From" in msg.defects


def test_empty_body_is_a_defect() -> None:
    assert "empty body" in parse_message(HEAD + b"Message-ID: <1@x>\n\n").defects


def test_html_only_gets_text_from_html() -> None:
    raw = HEAD + (
        b"Content-Type: text/html; charset=utf-8\n\n<html><head><style>p{}</style></head>"
        b"<body><p>Child&nbsp;A &amp; sibling</p><table><tr><td>DOB</td><td>2024</td></tr>"
        b"</table><script>x()</script></body></html>\n"
    )
    msg = parse_message(raw)
    assert msg.text == "Child A & sibling\nDOB 2024"
    assert "<p>" in msg.html


def _blank_plain_beside_html(html: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["Subject"] = "morgan.invented@gmp.police.uk", "RE: [TSCP-2026-0001]"
    msg.set_content("\r\n  \n")
    msg.add_alternative(html, subtype="html")
    return msg


def test_a_blank_plain_part_gives_way_to_the_html_typed_beside_it() -> None:
    msg = parse_message(_blank_plain_beside_html("<p>The child died in hospital.</p>").as_bytes())
    assert msg.text == "The child died in hospital." and "empty body" not in msg.defects


def test_a_blank_plain_part_gives_way_to_the_html_outside_an_attached_email() -> None:
    earlier = EmailMessage()
    earlier["From"], earlier["Subject"] = "Dana.Whitlow@GMP.police.uk", "RE: [TSCP-2026-0001]"
    earlier.set_content("Vote: rapid review\n")
    new = _blank_plain_beside_html("<p>Vote: no further action</p>")
    new.make_mixed()
    new.add_attachment(earlier)
    assert parse_message(new.as_bytes()).written() == "Vote: no further action"


def test_an_image_the_html_shows_by_content_id_is_marked_in_the_body() -> None:
    msg = _blank_plain_beside_html('<p>Thanks</p><img src="cid:image001.png@01DB4F2A">')
    html = msg.get_body(("html",))
    assert html is not None
    html.add_related(b"\x89PNG" + bytes(900), "image", "png", cid="<image001.png@01DB4F2A>")
    msg.make_mixed()
    msg.add_attachment(b"\x89PNG" + bytes(900), "image", "png", filename="form.png")
    found = {
        a.content_type + (" shown" if a.in_body else ""): a
        for a in parse_message(msg.as_bytes()).attachments
    }
    assert sorted(found) == ["image/png", "image/png shown"]
    assert found["image/png"].filename == "form.png"


@pytest.mark.parametrize("charset", ["iso-8859-1", "windows-1252"])
def test_eight_bit_declared_charsets_decode(charset: str) -> None:
    raw = (
        HEAD
        + f"Content-Type: text/plain; charset={charset}\n".encode()
        + (b"Content-Transfer-Encoding: 8bit\n\n\xa3400 caf\xe9\n")
    )
    msg = parse_message(raw)
    assert msg.text.startswith("£400 café")
    assert not any("charset" in d for d in msg.defects)


def test_unknown_charset_decodes_with_replacement_and_a_defect() -> None:
    raw = HEAD + (
        b"Content-Type: text/plain; charset=x-unknown\nContent-Transfer-Encoding: 8bit\n\n"
        b"Child J \x96 aged 15\n"
    )
    msg = parse_message(raw)
    assert msg.text.startswith("Child J \ufffd aged 15")
    assert any("charset" in d for d in msg.defects)


def test_encoded_word_subjects() -> None:
    raw = HEAD + (
        b"Subject: =?windows-1252?Q?SIN_=96_=91Child_C=92?= =?x-unknown?Q?_caf=E9?=\n\nb\n"
    )
    msg = parse_message(raw)
    assert msg.subject.startswith("SIN \u2013 \u2018Child C\u2019")
    assert any("x-unknown" in d for d in msg.defects)


def test_raw_eight_bit_subject_is_read_as_windows_1252() -> None:
    msg = parse_message(HEAD + b"Subject: \x93Child D\x94\n\nb\n")
    assert msg.subject == "\u201cChild D\u201d"
    assert any("8-bit header" in d for d in msg.defects)


def test_broken_mime_keeps_what_it_can() -> None:
    raw = HEAD + (
        b'Content-Type: multipart/mixed; boundary="b1"\n\n--b1\nContent-Type: text/plain\n\n'
        b'SIN form attached\n--b1\nContent-Type: application/pdf; name="SIN.pdf"\n'
        b'Content-Disposition: attachment; filename="SIN.pdf"\n'
        b"Content-Transfer-Encoding: base64\n\n" + base64.b64encode(b"%PDF-1.4 dummy") + b"\n"
    )
    msg = parse_message(raw)
    assert "SIN form attached" in msg.text
    assert [a.filename for a in msg.attachments] == ["SIN.pdf"]
    assert msg.attachments[0].payload == b"%PDF-1.4 dummy"
    assert any(d.startswith("broken MIME") for d in msg.defects)


# An email cut short inside its inner part's boundary parameter (found by the fuzz soak):
# mail-parser, looking for the lost part in an epilogue the message does not have, failed.
CUT_IN_A_BOUNDARY = HEAD + (
    b"Subject: Serious incident notification\nMIME-Version: 1.0\n"
    b'Content-Type: multipart/mixed; boundary="===outer=="\n\n'
    b'--===outer==\nContent-Type: multipart/alternative;\n boundary="===inn'
)


def test_an_email_cut_short_inside_a_boundary_is_read_with_what_it_has() -> None:
    msg = parse_message(CUT_IN_A_BOUNDARY)
    assert msg.subject == "Serious incident notification"
    assert "broken MIME: StartBoundaryNotFoundDefect" in msg.defects


def _with_attachment(size: int) -> bytes:
    m = EmailMessage()
    m["From"] = "a@nhs.net"
    m["Subject"] = "Appendix B"
    m["Message-ID"] = "<1@nhs.net>"
    m.set_content("attached")
    m.add_attachment(b"x" * size, maintype="application", subtype="pdf", filename="Appendix B.pdf")
    return m.as_bytes()


def test_attachment_within_the_limit_is_kept() -> None:
    (att,) = parse_message(_with_attachment(100), max_attachment_bytes=100).attachments
    assert (att.filename, att.content_type, att.size, att.too_large) == (
        "Appendix B.pdf",
        "application/pdf",
        100,
        False,
    )
    assert att.payload == b"x" * 100


def test_attachment_over_the_limit_is_dropped_but_sized() -> None:
    msg = parse_message(_with_attachment(101), max_attachment_bytes=100)
    (att,) = msg.attachments
    assert att.too_large and att.payload == b"" and att.size == 101
    assert any("over limit" in d for d in msg.defects)


GARBAGE = [b"", b"  \r\n ", b"\x00\xff\xfe\x89garbage\n\x01", b"no headers\n"]


@pytest.mark.parametrize("raw", GARBAGE)
def test_nothing_usable_raises_parse_error(raw: bytes) -> None:
    with pytest.raises(ParseError):
        parse_message(raw)


def test_mail_parser_failure_is_wrapped(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(raw: bytes, *, stand_ins: bool = True) -> None:
        raise RecursionError("too deep")

    monkeypatch.setattr("bot.adapters.parsing.parse_bytes", boom)
    with pytest.raises(ParseError, match="RecursionError"):
        parse_message(HEAD + b"\nbody\n")


def test_deeply_nested_multipart_does_not_escape_as_another_error() -> None:
    depth = 2000
    opening = b"".join(
        b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (i, i) for i in range(depth)
    )
    try:
        msg = parse_message(HEAD + opening + b"Content-Type: text/plain\n\nx\n")
    except ParseError:
        return
    assert msg.from_addr == "dana.whitlow@gmp.police.uk"


def test_unnamed_attachment_gets_a_stable_name() -> None:
    inner = EmailMessage()
    inner["Subject"] = "GM SIN form"
    inner.set_content("form")
    outer = EmailMessage()
    outer["From"] = "mailer-daemon@mx.example.org"
    outer.set_content("could not deliver")
    outer.add_attachment(inner)
    raw = outer.as_bytes()
    first, second = parse_message(raw), parse_message(raw)
    assert [a.filename for a in first.attachments] == ["unnamed-1.txt"]
    assert first == second


def test_every_exchange_auth_header_is_kept_with_its_repeats() -> None:
    raw = (
        b"X-MS-Exchange-Organization-AuthAs: Anonymous\n"
        b"X-MS-Exchange-Organization-AuthSource: EXCH01.tameside.gov.uk\n"
        + HEAD
        + b"Subject: RE: [TSCP-2026-0001] Screening Panel\n"
        b"X-MS-Exchange-Organization-AuthAs:  Internal\n\nVote: rapid review\n"
    )
    msg = parse_message(raw)
    assert msg.exchange_auth_headers == (
        ("x-ms-exchange-organization-authas", "Anonymous"),
        ("x-ms-exchange-organization-authsource", "EXCH01.tameside.gov.uk"),
        ("x-ms-exchange-organization-authas", "Internal"),
    )
    # The first-value view alone would hide the second copy.
    assert msg.header("X-MS-Exchange-Organization-AuthAs") == "Anonymous"


def test_received_and_authentication_results_are_kept_in_the_order_they_stand() -> None:
    """Where a verdict sits says who wrote it, so the order of the two kinds is kept."""
    raw = (
        b"Authentication-Results: mx.tameside.gov.uk;\n\tdmarc=fail header.from=nhs.net\n"
        b"Received: from mail.nhs.net (mail.nhs.net [192.0.2.1])\n"
        b"\tby mx.tameside.gov.uk (Postfix) with ESMTPS id 4Qx;\n"
        b"\tWed, 16 Dec 2026 10:45:05 +0000\n"
        + HEAD
        + b"Authentication-Results: mx.tameside.gov.uk; dmarc=pass header.from=nhs.net\n"
        b"Subject: RE: [TSCP-2026-0001] Screening Panel\n\nVote: rapid review\n"
    )
    msg = parse_message(raw)
    assert msg.trace == (
        ("authentication-results", "mx.tameside.gov.uk; dmarc=fail header.from=nhs.net"),
        (
            "received",
            "from mail.nhs.net (mail.nhs.net [192.0.2.1]) by mx.tameside.gov.uk (Postfix) "
            "with ESMTPS id 4Qx; Wed, 16 Dec 2026 10:45:05 +0000",
        ),
        ("authentication-results", "mx.tameside.gov.uk; dmarc=pass header.from=nhs.net"),
    )


def _forwarded_as_attachment(now: str, earlier_body: str) -> bytes:
    earlier = EmailMessage()
    earlier["From"], earlier["Subject"] = "Dana.Whitlow@GMP.police.uk", "RE: [TSCP-2026-0001]"
    earlier.set_content(earlier_body)
    new = EmailMessage()
    new["From"], new["Subject"] = "Dana.Whitlow@GMP.police.uk", "RE: [TSCP-2026-0001]"
    new.set_content(now)
    new.add_attachment(earlier)
    return new.as_bytes()


def test_an_attached_email_is_kept_out_of_what_the_sender_wrote() -> None:
    msg = parse_message(
        _forwarded_as_attachment("Vote: no further action\n", "Vote: rapid review\n")
    )
    assert "Vote: rapid review" in msg.text  # still read for classification and references
    assert msg.written() == "Vote: no further action\n"


def test_without_an_attached_email_what_the_sender_wrote_is_the_text() -> None:
    msg = parse_message(HEAD + b"Subject: x\n\nVote: rapid review\n")
    assert msg.own_text is None and msg.written() == msg.text == "Vote: rapid review\n"


def test_an_unknown_charset_in_the_senders_own_part_is_read_as_utf8() -> None:
    raw = _forwarded_as_attachment("Vote: rapid review\n", "x").replace(
        b'charset="utf-8"', b'charset="x-no-such"', 1
    )
    assert parse_message(raw).written().strip() == "Vote: rapid review"
