"""Reading delivery reports and pairing them with the outbox email they answer: pure tables."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.bounces import (
    DeliveryReport,
    Failure,
    ReportParts,
    SentEmail,
    Undelivered,
    dsn_failures,
    match_report,
    read_report,
    reason,
    text_failures,
)
from bot.core.message import MailMessage

OURS = "tscp-bot.aaaabbbbccccddddeeeeffff@tameside.gov.uk"


def _msg(subject: str = "Undelivered Mail Returned to Sender", **kw: object) -> MailMessage:
    defaults: dict[str, object] = {"message_id": "b1@mx.example", "from_name": ""}
    defaults.update(kw)
    defaults.setdefault("from_addr", "mailer-daemon@mx1.tameside.gov.uk")
    return MailMessage(subject=subject, **defaults)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        # Original-Recipient is the address we wrote; Final-Recipient may be an alias target.
        (
            "Reporting-MTA: dns; mx1\n\nFinal-Recipient: rfc822; kai.o@new.example\n"
            "Original-Recipient: rfc822;dsl@oakmere.tameside.sch.uk\nAction: failed\n"
            "Status: 5.2.2\nDiagnostic-Code: smtp; 552 5.2.2 mailbox full\n",
            [Failure("dsl@oakmere.tameside.sch.uk", "5.2.2", "552 5.2.2 mailbox full")],
        ),
        # A folded Diagnostic-Code is joined; two recipients, one delivered.
        (
            "Reporting-MTA: dns; mx1\n\nFinal-Recipient: rfc822; A@Example.org\nAction: failed\n"
            "Status: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 user\n    unknown\n\n"
            "Final-Recipient: rfc822; b@example.org\nAction: delivered\nStatus: 2.0.0\n",
            [Failure("a@example.org", "5.1.1", "550 5.1.1 user unknown")],
        ),
        ("Final-Recipient: rfc822; c@example.org\nAction: delayed\nStatus: 4.4.1\n", []),
        # No Action field: a permanent status still means it failed.
        (
            "Final-Recipient: rfc822; d@example.org\nStatus: 5.7.1\n",
            [Failure("d@example.org", "5.7.1", "")],
        ),
        ("Reporting-MTA: dns; mx1\n", []),
    ],
)
def test_dsn_status_part(status: str, expected: list[Failure]) -> None:
    assert list(dsn_failures(status)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Exchange 2003/2007
        (
            "Your message did not reach some or all of the intended recipients.\n\n"
            "      Subject:  [TSCP-2026-0004] Screening Panel\n      Sent:  02/03/2026 10:40\n\n"
            "The following recipient(s) cannot be reached:\n\n"
            "      Jo Brindle on 02/03/2026 10:41\n"
            "            The e-mail account does not exist at the organization this message "
            "was sent to.\n"
            "            <mx.example.org #5.1.1 smtp;550 5.1.1 <jo.brindle@example.org>... "
            "User unknown>\n",
            [
                Failure(
                    "jo.brindle@example.org",
                    "5.1.1",
                    "<mx.example.org 5.1.1 smtp;550 5.1.1 <jo.brindle@example.org>... "
                    "User unknown>",
                )
            ],
        ),
        # Exchange 2010+: the recipient twice, the code under "Diagnostic information".
        (
            "Delivery has failed to these recipients or groups:\n\nbea.x@example.org\n"
            "Your message wasn't delivered because the recipient's mailbox is full.\n\n"
            "Diagnostic information for administrators:\n\nbea.x@example.org\n"
            "#552 5.2.2 mailbox full ##\n\nOriginal message headers:\n\nTo: bea.x@example.org\n",
            [Failure("bea.x@example.org", "5.2.2", "552 5.2.2 mailbox full")],
        ),
        # qmail
        (
            "Hi. This is the qmail-send program at mx.example.org.\n"
            "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
            "This is a permanent error; I've given up. Sorry it didn't work out.\n\n"
            "<kit.x@example.org>:\n192.0.2.1 does not like recipient.\n"
            "Remote host said: 550 5.1.1 No such user\n\n--- Below this line is a copy of the "
            "message.\n\nCc: lee.x@example.org\n",  # delivered: not named as failed
            [Failure("kit.x@example.org", "5.1.1", "Remote host said: 550 5.1.1 No such user")],
        ),
        # Exchange Online's wording, where its report part was lost on the way
        (
            "Your message to ash.x@example.org couldn't be delivered.\n"
            "ash.x wasn't found at example.org.\n\nash.x Office 365 example.org\n"
            "Action Required Recipient\nUnknown To address\n\n"
            "Diagnostic information for administrators:\n\nRemote server returned "
            "'550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address "
            "lookup'\n",
            [
                Failure(
                    "ash.x@example.org",
                    "5.1.10",
                    "Remote server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; "
                    "Recipient not found by SMTP address lookup'",
                )
            ],
        ),
        ("Thank you for your email, I am out of the office.", []),
    ],
)
def test_text_only_reports(text: str, expected: list[Failure]) -> None:
    assert list(text_failures(text)) == expected


def test_a_read_receipt_is_not_a_bounce() -> None:
    parts = ReportParts(
        report_type="disposition-notification",
        status=f"Final-Recipient: rfc822;dsp@nhs.net\nOriginal-Message-ID: <{OURS}>\n",
    )
    assert read_report(_msg("Read: [TSCP-2026-0004] Screening Panel"), parts) is None


def test_a_person_writing_about_a_failed_delivery_is_not_a_bounce() -> None:
    msg = _msg(
        "Re: [TSCP-2026-0004] our new address",
        from_addr="dsl@oakmere.tameside.sch.uk",
        text="Delivery has failed to these recipients: old@oakmere.tameside.sch.uk",
    )
    assert read_report(msg, ReportParts()) is None


def test_the_returned_message_id_comes_before_the_thread() -> None:
    parts = ReportParts(
        report_type="delivery-status",
        status="Final-Recipient: rfc822; x@example.org\nAction: failed\nStatus: 5.1.1\n",
        returned_headers=f"Subject: [TSCP-2026-0004] Screening Panel\nMessage-ID: <{OURS}>\n",
    )
    report = read_report(_msg(in_reply_to="other@example.org"), parts)
    assert report is not None
    assert report.original_ids == (OURS, "other@example.org")
    assert report.original_subject == "[TSCP-2026-0004] Screening Panel"


def test_undeliverable_subject_gives_the_original_subject() -> None:
    msg = _msg(
        "Undeliverable: [TSCP-2026-0004] Screening Panel",
        text="Delivery has failed to these recipients or groups:\n\nx@example.org\n",
    )
    report = read_report(msg, ReportParts())
    assert report is not None and report.original_subject == "[TSCP-2026-0004] Screening Panel"


def _sent(id: int, mid: str, to: tuple[str, ...], subject: str, day: int) -> SentEmail:
    return SentEmail(id, mid, to, subject, datetime(2026, 3, day, 10, tzinfo=UTC))


SENT = (
    _sent(1, OURS, ("a@example.org", "b@example.org"), "[TSCP-2026-0004] Screening Panel", 2),
    _sent(2, "reminder-1@tameside.gov.uk", ("a@example.org",), "[TSCP-2026-0004] Reminder", 3),
    _sent(3, "reminder-2@tameside.gov.uk", ("a@example.org",), "[TSCP-2026-0004] Reminder", 4),
)


@pytest.mark.parametrize(
    ("ids", "subject", "recipient", "expected_id"),
    [
        ((OURS,), "", "b@example.org", 1),  # by Message-ID
        ((OURS,), "", "alias@example.org", 1),  # the id decides even for an expanded alias
        ((), "[TSCP-2026-0004]  reminder", "a@example.org", 3),  # subject: the latest sent
        ((), "[TSCP-2026-0004] Reminder", "b@example.org", None),  # not sent to b
        ((), "", "a@example.org", None),  # a recipient alone is not enough
        (("someone-else@gmp.police.uk",), "GM SIN form", "a@example.org", None),
    ],
)
def test_matching_a_report_to_the_outbox(
    ids: tuple[str, ...], subject: str, recipient: str, expected_id: int | None
) -> None:
    report = DeliveryReport(ids, subject, (Failure(recipient, "5.1.1", "550 unknown"),), True)
    assert match_report(report, SENT) == (
        Undelivered(expected_id, recipient, "5.1.1", "550 unknown"),
    )


@pytest.mark.parametrize(
    ("status", "diagnostic", "expected"),
    [
        ("5.1.1", "550 5.1.1 user unknown", "the address does not exist (550 5.1.1 user unknown)"),
        ("5.2.2", "", "the mailbox is full (5.2.2)"),
        ("5.7.1", "relay denied", "the receiving server refused it (5.7.1; relay denied)"),
        ("5.9.9", "", "5.9.9"),
        ("", "", "no reason given"),
    ],
)
def test_reason_in_words(status: str, diagnostic: str, expected: str) -> None:
    assert reason(status, diagnostic) == expected
