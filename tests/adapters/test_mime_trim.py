"""Parts too large to read are left out before parsing: the message reads the same otherwise,
and the part is reported too large with its real size."""

from __future__ import annotations

from email.message import EmailMessage

from bot.adapters.mime_trim import trim_large_parts
from bot.adapters.parsing import parse_message


def _with_attachments(*sizes: int, crlf: bool = False, nested: bool = False) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Robin Example <robin.example@gmp.police.uk>"
    msg["To"] = "tscp@tameside.gov.uk"
    msg["Subject"] = "Scans"
    msg["Message-ID"] = "<scans@gmp.police.uk>"
    msg.set_content("Two scans attached.\n")
    if nested:
        msg.add_alternative("<p>Two scans attached.</p>", subtype="html")
    for n, size in enumerate(sizes):
        data = bytes((n + i) % 251 for i in range(size))
        msg.add_attachment(data, maintype="application", subtype="pdf", filename=f"scan{n}.pdf")
    raw = msg.as_bytes()
    return raw.replace(b"\n", b"\r\n") if crlf else raw


def test_a_part_over_the_limit_is_reported_with_its_size_and_the_rest_read() -> None:
    for crlf in (False, True):
        raw = _with_attachments(300, 50_000, crlf=crlf, nested=True)
        msg = parse_message(raw, max_attachment_bytes=10_000)
        small, large = msg.attachments
        assert (small.filename, small.size, small.too_large) == ("scan0.pdf", 300, False)
        assert small.payload == bytes(i % 251 for i in range(300))
        assert (large.filename, large.size, large.too_large) == ("scan1.pdf", 50_000, True)
        assert msg.text.strip() == "Two scans attached."
        assert "attachment over limit: scan1.pdf (50000 bytes)" in msg.defects


def test_the_trimmed_message_is_small_and_the_same_message_otherwise() -> None:
    raw = _with_attachments(300, 200_000)
    trimmed = trim_large_parts(raw, 10_000)
    assert len(trimmed) < 5_000
    whole = parse_message(raw, max_attachment_bytes=10_000)
    cut = parse_message(trimmed, max_attachment_bytes=10_000)
    assert (cut.message_id, cut.subject, cut.from_addr, cut.text) == (
        whole.message_id, whole.subject, whole.from_addr, whole.text,
    )  # fmt: skip
    assert [(a.filename, a.size, a.too_large) for a in cut.attachments] == [
        (a.filename, a.size, a.too_large) for a in whole.attachments
    ]


def test_a_message_with_nothing_over_the_limit_is_returned_as_it_is() -> None:
    raw = _with_attachments(300, 2_000)
    assert trim_large_parts(raw, 10_000) is raw
    assert trim_large_parts(raw, 100) is not raw  # the 2,000-byte part is over 100


def test_a_large_text_body_is_not_left_out() -> None:
    """Only base64 parts are left out: the words of a long email are always read."""
    msg = EmailMessage()
    msg["From"], msg["Subject"] = "robin.example@gmp.police.uk", "Long"
    msg.set_content("word " * 10_000, cte="quoted-printable")
    raw = msg.as_bytes()
    assert trim_large_parts(raw, 1_000) is raw


def test_damaged_structure_never_stops_the_message_being_read() -> None:
    raw = _with_attachments(300, 50_000)
    boundary_at = raw.index(b"boundary=")
    for damaged in (
        raw[: len(raw) // 2],  # cut off half-way through the large part
        raw[:boundary_at] + b"boundary=" + raw[boundary_at + 20 :],  # boundary mangled
        raw.replace(b"--\n", b"\n"),  # closing delimiters gone
        raw.replace(b"Content-Transfer-Encoding: base64", b"Content-Transfer-Encoding: x"),
    ):
        parse_message(damaged, max_attachment_bytes=10_000)
