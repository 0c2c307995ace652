"""Finding our receiving server's Received header, and the headers on each side of it."""

from __future__ import annotations

import pytest

from bot.core.receiving_border import Border, find_border, is_our_host, received_by

OURS = frozenset({"mx.tameside.gov.uk"})
AR, RECEIVED = "authentication-results", "received"


@pytest.mark.parametrize(
    ("value", "hosts"),
    [
        (
            "from mail.nhs.net (mail.nhs.net [192.0.2.1]) by mx.tameside.gov.uk (Postfix) "
            "with ESMTPS id 4Qx; Wed, 16 Dec 2026 10:45:05 +0000",
            ("mx.tameside.gov.uk",),
        ),
        (
            "from mail.nhs.net (192.0.2.1) by AM4PEPF00027A6C.mail.protection.outlook.com "
            "(10.167.16.90) with Microsoft SMTP Server id 15.20.7409.10 via Frontend Transport",
            ("am4pepf00027a6c.mail.protection.outlook.com",),
        ),
        ("by MX.Tameside.GOV.UK. with LMTP", ("mx.tameside.gov.uk",)),
        # A HELO name is the sender's text: every "by" counts, which can only move the border up.
        ("from by (x [192.0.2.1]) by mx.tameside.gov.uk", ("mx.tameside.gov.uk",)),
        ("from x(by (x [192.0.2.1]) by mx.tameside.gov.uk", ("mx.tameside.gov.uk",)),
        ("from standby.example by mx.example", ("mx.example",)),
        ("from a.example with SMTP; Wed, 16 Dec 2026", ()),
        ("", ()),
    ],
)
def test_received_by(value: str, hosts: tuple[str, ...]) -> None:
    assert received_by(value) == hosts


@pytest.mark.parametrize(
    ("host", "ours"),
    [
        ("mx.tameside.gov.uk", True),
        ("mx.tameside.gov.uk.", True),
        ("MX.TAMESIDE.GOV.UK", True),
        ("a.mx.tameside.gov.uk", True),
        ("mx.tameside.gov.uk.evil.example", False),
        ("evilmx.tameside.gov.uk", False),
        ("tameside.gov.uk", False),
        ("", False),
    ],
)
def test_is_our_host(host: str, ours: bool) -> None:
    assert is_our_host(host, OURS) is ours


def test_the_border_is_the_topmost_received_header_of_ours() -> None:
    trace = (
        (RECEIVED, "from mx.tameside.gov.uk by imap.tameside.gov.uk with LMTP"),
        (AR, "mx.tameside.gov.uk; dmarc=pass header.from=nhs.net"),
        (RECEIVED, "from mail.nhs.net by mx.tameside.gov.uk with ESMTPS"),
        (AR, "mx.tameside.gov.uk; dmarc=pass header.from=evil.example"),
        (RECEIVED, "from evil.example by mx.tameside.gov.uk with ESMTPS"),
        (AR, "mail.nhs.net; dkim=pass header.d=nhs.net"),
    )
    assert find_border(trace, OURS) == Border(
        host="mx.tameside.gov.uk",
        above=("mx.tameside.gov.uk; dmarc=pass header.from=nhs.net",),
        below=(
            "mx.tameside.gov.uk; dmarc=pass header.from=evil.example",
            "mail.nhs.net; dkim=pass header.d=nhs.net",
        ),
    )


def test_without_a_received_header_of_ours_nothing_is_above_the_border() -> None:
    trace = ((AR, "mx.tameside.gov.uk; dmarc=pass"), (RECEIVED, "from a by mx.evil.example"))
    assert find_border(trace, OURS) == Border("", (), ("mx.tameside.gov.uk; dmarc=pass",))
    assert find_border((), OURS) == Border("", (), ())
    assert find_border(trace, frozenset()) == Border("", (), ("mx.tameside.gov.uk; dmarc=pass",))
