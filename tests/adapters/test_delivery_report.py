"""Real-format delivery reports from the corpus, read through the adapter and the core."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.adapters.delivery_report import report_parts
from bot.adapters.parsing import parse_message
from bot.core.bounces import DeliveryReport, not_delivered, read_report

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def _read(name: str) -> DeliveryReport | None:
    raw = (CORPUS / name).read_bytes()
    return read_report(parse_message(raw), report_parts(raw))


@pytest.mark.parametrize(
    ("name", "original_id", "lines"),
    [
        (
            "bounce-postfix-dsn-appendix-b-request.eml",
            "tscp-bot.3f9a0c1d2e4b5a6978c0d1e2@tameside.gov.uk",
            [
                "not delivered to dsl@larkspurvale.tameside.sch.uk: the address does not exist "
                "(550 5.1.1 <dsl@larkspurvale.tameside.sch.uk>: Recipient address rejected: "
                "User unknown in virtual mailbox table)"
            ],
        ),
        (
            "bounce-exchange-online-ndr-screening-invitation.eml",
            "tscp-bot.7d1e2f3a4b5c6d7e8f9a0b1c@tameside.gov.uk",
            [
                "not delivered to dsp.tameside@nhs.net: the address does not exist (550 5.1.10 "
                "RESOLVER.ADR.RecipientNotFound; Recipient dsp.tameside@nhs.net not found by "
                "SMTP address lookup)"
            ],
        ),
        (
            "bounce-exchange-text-ndr-original-headers.eml",
            "tscp-bot.0a1b2c3d4e5f60718293a4b5@tameside.gov.uk",
            [
                "not delivered to kim.halloran@hartsheadvale-homes.example: the address does "
                "not exist (550 5.1.1 RESOLVER.ADR.RecipNotFound; not found)"
            ],
        ),
        (
            # The status part is mislabelled text/plain; RFC 6522 still puts it second.
            "bounce-dsn-carrying-sin.eml",
            "corpus-038.gmp@gmp.police.uk",
            ["not delivered to tscp-old@tameside.gov.uk: the address does not exist (5.1.1)"],
        ),
        (
            "bounce-exchange-undeliverable.eml",
            None,
            ["not delivered to former.nurse@nhs.net: no reason given"],
        ),
        # Still being retried: not (yet) a failure.
        (
            "bounce-delayed-dsn-still-trying.eml",
            "tscp-bot.99aa88bb77cc66dd55ee44ff@tameside.gov.uk",
            [],
        ),
    ],
)
def test_each_report_names_the_email_and_who_did_not_get_it(
    name: str, original_id: str | None, lines: list[str]
) -> None:
    report = _read(name)
    assert report is not None
    assert (report.original_ids[0] if report.original_ids else None) == original_id
    assert [not_delivered(f.recipient, f.status, f.diagnostic) for f in report.failures] == lines


def test_exchange_names_the_returned_email_by_its_subject() -> None:
    report = _read("bounce-exchange-undeliverable.eml")
    assert report is not None and report.original_subject == "RE: [TSCP-2026-0003] Agency summary"
    assert not report.machine_readable


@pytest.mark.parametrize(
    "name",
    ["read-receipt.eml", "read-receipt-for-screening-invitation.eml", "case-reply-with-tag.eml"],
)
def test_read_receipts_and_ordinary_mail_are_not_delivery_reports(name: str) -> None:
    assert _read(name) is None


def test_a_plain_message_has_no_report_parts() -> None:
    assert report_parts((CORPUS / "case-reply-with-tag.eml").read_bytes()).report_type == ""
