from __future__ import annotations

from dataclasses import replace

import pytest

from bot.core.autoreply import auto_generated_reason, can_acknowledge
from bot.core.message import AttachmentInfo, MailMessage

OWN = frozenset({"TSCP@tameside.gov.uk"})


def _msg(
    subject: str = "GM SIN form - Child A",
    from_addr: str = "dana.whitlow@gmp.police.uk",
    headers: dict[str, str] | None = None,
    attachments: tuple[AttachmentInfo, ...] = (),
) -> MailMessage:
    return MailMessage(
        message_id="m@x",
        subject=subject,
        from_addr=from_addr,
        from_name="",
        headers=headers or {},
        attachments=attachments,
    )


def test_ordinary_mail_is_not_automatic_and_may_be_acknowledged() -> None:
    msg = _msg()
    assert auto_generated_reason(msg, OWN) is None
    assert can_acknowledge(msg, OWN) == (True, "ok")


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"auto-submitted": "auto-replied"}, "Auto-Submitted"),
        ({"auto-submitted": "auto-generated"}, "Auto-Submitted"),
        ({"x-auto-response-suppress": "All"}, "X-Auto-Response-Suppress"),
        ({"precedence": "bulk"}, "Precedence"),
        ({"precedence": "junk"}, "Precedence"),
        ({"precedence": "list"}, "Precedence"),
        ({"precedence": "auto_reply"}, "Precedence"),
        ({"list-id": "<partners.example.org>"}, "list-id"),
        ({"list-unsubscribe": "<mailto:leave@example.org>"}, "list-unsubscribe"),
        ({"return-path": "<>"}, "Return-Path"),
        ({"x-autoreply": "yes"}, "x-autoreply"),
        ({"x-autorespond": "yes"}, "x-autorespond"),
        ({"x-tscp-bot": "ack"}, "own outgoing mail"),
        ({"content-type": "multipart/report; report-type=delivery-status"}, "delivery status"),
        (
            {"content-type": "multipart/report; report-type=disposition-notification"},
            "read receipt",
        ),
    ],
)
def test_each_header_reason(headers: dict[str, str], expected: str) -> None:
    reason = auto_generated_reason(_msg(headers=headers), OWN)
    assert reason is not None and expected in reason


def test_auto_submitted_no_is_a_person() -> None:
    assert auto_generated_reason(_msg(headers={"auto-submitted": "no"}), OWN) is None


def test_ordinary_precedence_is_a_person() -> None:
    assert auto_generated_reason(_msg(headers={"precedence": "first-class"}), OWN) is None


@pytest.mark.parametrize("sender", ["MAILER-DAEMON@mx.example.org", "postmaster@nhs.net"])
def test_daemon_senders(sender: str) -> None:
    reason = auto_generated_reason(_msg(from_addr=sender.lower()), OWN)
    assert reason is not None and "sent by" in reason


@pytest.mark.parametrize(
    "subject",
    [
        "Automatic reply: [TSCP-2026-0007] Appendix B",
        "Out of Office: SIN form",
        "Undeliverable: RE: SIN",
        "Delivery Status Notification (Failure)",
        "Auto-Reply: thanks",
    ],
)
def test_automatic_subjects(subject: str) -> None:
    reason = auto_generated_reason(_msg(subject=subject), OWN)
    assert reason is not None and "automatic subject" in reason


def test_read_subject_counts_only_with_a_disposition_notification() -> None:
    mdn = AttachmentInfo("", "message/disposition-notification", 10)
    assert auto_generated_reason(_msg(subject="Read: GM SIN form"), OWN) is None
    assert auto_generated_reason(_msg(subject="Read: GM SIN form", attachments=(mdn,)), OWN) == (
        "read receipt"
    )


def test_mail_from_our_address_is_ours_only_with_our_message_id() -> None:
    """The Business Manager forwarding from the shared mailbox is a person; the bot's own
    mail carries its outbox's Message-ID (and its header)."""
    forwarded = _msg(from_addr="tscp@tameside.gov.uk")
    assert auto_generated_reason(forwarded, OWN) is None
    ok, reason = can_acknowledge(forwarded, OWN)
    assert not ok and reason == "sent from the partnership's own mailbox, tscp@tameside.gov.uk"
    ours = replace(forwarded, message_id="<tscp-bot.8f42afe45f75af44d9147b35@tameside.gov.uk>")
    own = auto_generated_reason(ours, OWN)
    assert own is not None and "own outgoing mail" in own


def test_cannot_acknowledge_without_from() -> None:
    assert can_acknowledge(_msg(from_addr=""), OWN) == (False, "no usable From address")


def test_cannot_acknowledge_no_reply_sender() -> None:
    ok, reason = can_acknowledge(_msg(from_addr="no-reply@portal.example.org"), OWN)
    assert not ok and "no-reply" in reason


def test_cannot_acknowledge_automatic_mail() -> None:
    ok, reason = can_acknowledge(_msg(headers={"auto-submitted": "auto-replied"}), OWN)
    assert not ok and "Auto-Submitted" in reason
