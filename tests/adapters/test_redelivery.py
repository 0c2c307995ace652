"""One email delivered twice by two routes is the same email; a resend with changes is not."""

from __future__ import annotations

import pytest

from bot.adapters.redelivery import same_email

EMAIL = (
    b"Received: by mx1.tameside.gov.uk; Wed, 16 Dec 2026 11:00:02 +0000\r\n"
    b"Authentication-Results: mx1.tameside.gov.uk; dmarc=pass header.from=gmp.police.uk\r\n"
    b"From: DC Morgan Invented <morgan.invented@gmp.police.uk>\r\n"
    b"To: TSCP <tscp@tameside.gov.uk>\r\n"
    b"Subject: RE: [TSCP-2026-0001] Screening Panel\r\n"
    b"Date: Wed, 16 Dec 2026 11:00:00 +0000\r\n"
    b"Message-ID: <reply-1@gmp.police.uk>\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"\r\n"
    b"The child has deteriorated overnight.\r\n"
)


def test_a_copy_by_another_route_is_the_same_email() -> None:
    routed = EMAIL.replace(b"dmarc=pass", b"dmarc=none").replace(b"mx1", b"mx2")
    routed = routed.replace(b"Content-Type", b"X-Gateway-Scanned: yes\r\nContent-Type")
    second = b"Received: by mx2.tameside.gov.uk; Wed, 16 Dec 2026 11:04:40 +0000\r\n" + routed
    assert same_email(EMAIL, second)
    assert same_email(EMAIL, EMAIL.replace(b"\r\n", b"\n"))  # a Maildir copy keeps LF


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b"deteriorated overnight.", b"deteriorated overnight. Call me."),  # the words
        (b"To: TSCP <tscp@tameside.gov.uk>", b"To: TSCP <tscp@tameside.gov.uk>, x@y.example"),
        (b"Subject: RE:", b"Subject: FW:"),
        (b"11:00:00 +0000", b"11:30:00 +0000"),  # sent again later
        (b"charset=utf-8", b"charset=windows-1252"),  # the same bytes read as other words
    ],
)
def test_a_change_anyone_made_is_a_different_email(old: bytes, new: bytes) -> None:
    assert not same_email(EMAIL, EMAIL.replace(old, new))


def test_no_header_block_is_no_match_on_headers_alone() -> None:
    assert not same_email(EMAIL, EMAIL.split(b"\r\n\r\n")[0])


def test_a_header_of_raw_8_bit_bytes_is_compared_not_a_crash() -> None:
    # compat32 gives such a field back as an email.header.Header: comparing it raised, and
    # the message went round three times into quarantine (found by the fuzz soak, seed 21).
    damaged = EMAIL.replace(b"Subject: RE:", b"Subject: RE: caf\xe9 \xff")
    assert same_email(damaged, b"Received: by mx2.tameside.gov.uk\r\n" + damaged)
    assert not same_email(damaged, EMAIL)
