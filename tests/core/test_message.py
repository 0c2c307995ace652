"""What a person is told was attached, and what may be recorded as a document."""

from __future__ import annotations

from bot.core.message import AttachmentInfo, MailMessage, carries_document, document_names

SMALL_PNG = 4_000
SCAN = 400_000


def _with(*attachments: AttachmentInfo) -> MailMessage:
    return MailMessage(
        "m1@test", "RE: [TSCP-2026-0001]", "a@b.example", "", attachments=attachments
    )


def test_a_small_image_attached_as_a_file_is_named_but_is_not_a_return() -> None:
    msg = _with(AttachmentInfo("Screenshot 2026-12-16.png", "image/png", SMALL_PNG))
    assert document_names(msg) == ("Screenshot 2026-12-16.png",)
    assert not carries_document(msg)  # a logo a mail program attached must not meet a clock


def test_a_logo_the_html_shows_is_not_named() -> None:
    msg = _with(AttachmentInfo("image001.png", "image/png", SMALL_PNG, in_body=True))
    assert document_names(msg) == () and not carries_document(msg)


def test_a_large_picture_pasted_into_the_html_is_named_and_may_be_a_scan() -> None:
    msg = _with(AttachmentInfo("image002.jpg", "image/jpeg", SCAN, in_body=True))
    assert document_names(msg) == ("image002.jpg",) and carries_document(msg)
