"""Which undelivered emails warrant a notice to the Business Manager, and its facts, as data."""

from __future__ import annotations

import pytest

from bot.core.undelivered import NOTICE_EVENT, NotReached, notice_for, one_line

BM = "pat.example@example.org"
OURS = (BM, "tscp@example.org")
PANEL = "mailbox.nationalreviewpanel@education.gov.uk"
ROLES = {PANEL: "the National Panel"}


def _email(event: str = "sin_acknowledgement", *to: str, failed: bool = True) -> NotReached:
    return NotReached(7, event, "TSCP-2026-0001", to, "550 5.1.1 <x@y.org>: no such user", failed)


@pytest.mark.parametrize(
    ("email", "why"),
    [
        (_email(NOTICE_EVENT, "someone@example.net"), "a notice of this kind never loops"),
        (_email("daily_digest", BM), "her own mail"),
        (_email("daily_digest", "PAT.Example@example.org", "tscp@example.org"), "ours, any case"),
    ],
)
def test_no_notice(email: NotReached, why: str) -> None:
    assert notice_for(email, OURS, ROLES) is None, why


def test_a_notice_names_the_outside_recipients_their_role_and_one_line_of_reason() -> None:
    notice = notice_for(_email("panel_delay_notice", PANEL, BM), OURS, ROLES)
    assert notice is not None
    assert notice.recipients == (f"{PANEL} (the National Panel)",)
    assert notice.reason == "550 5.1.1 <address>: no such user"
    assert (notice.statutory, notice.failed, notice.case_ref) == (True, True, "TSCP-2026-0001")


def test_keyed_by_the_set_of_recipients_not_reached() -> None:
    one = notice_for(_email("x", "a@b.org", "c@d.org"), OURS, ROLES)
    same = notice_for(_email("x", "C@d.org", "a@b.org", BM, failed=False), OURS, ROLES)
    other = notice_for(_email("x", "a@b.org"), OURS, ROLES)
    assert one is not None and same is not None and other is not None
    assert one.addresses == same.addresses == ("a@b.org", "c@d.org") != other.addresses


def test_the_reason_is_one_short_line() -> None:
    assert one_line("550 refused\n  for a@b.org\r\n") == "550 refused for <address>"
    assert one_line("") == "no reason given"
    assert len(one_line("x" * 500)) == 200


@pytest.mark.parametrize(
    "event",
    ["panel_delay_notice", "publication_notice", "publication_delay_notice", "reviewer_notice"],
)
def test_each_statutory_notification_says_it_was_not_made(event: str) -> None:
    notice = notice_for(_email(event, PANEL), OURS, ROLES)
    assert notice is not None and notice.statutory


def test_an_acknowledgement_is_not_a_statutory_notification() -> None:
    notice = notice_for(_email("sin_acknowledgement", "referrer@example.net"), OURS, ROLES)
    assert notice is not None and not notice.statutory
