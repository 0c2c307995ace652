"""A draft's Date header set to when it is approved, nothing else of it changed."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.adapters.email_date import with_date

APPROVED = datetime(2027, 1, 14, 11, 0, tzinfo=UTC)
RAW = (
    b"From: TSCP <tscp@tameside.gov.uk>\r\nSubject: Delay notice\r\n"
    b"Date: Thu, 14 Jan 2027 10:30:00 +0000\r\nMessage-ID: <n@tameside.gov.uk>\r\n\r\n"
    b"Date: 14/01/2027 in the body stays.\r\n"
)


def test_the_date_header_says_when_it_was_approved_and_nothing_else_changes() -> None:
    out = with_date(RAW, APPROVED)
    assert out == RAW.replace(
        b"Date: Thu, 14 Jan 2027 10:30:00 +0000", b"Date: Thu, 14 Jan 2027 11:00:00 +0000"
    )


def test_a_folded_date_is_one_line_after_and_none_is_none_added() -> None:
    folded = RAW.replace(b"Date: Thu, 14 Jan 2027", b"Date: Thu,\r\n 14 Jan 2027")
    assert b"Date: Thu, 14 Jan 2027 11:00:00 +0000\r\nMessage-ID" in with_date(folded, APPROVED)
    bare = RAW.replace(b"Date: Thu, 14 Jan 2027 10:30:00 +0000\r\n", b"")
    assert with_date(bare, APPROVED) == bare
