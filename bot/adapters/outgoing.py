"""The one small interface every outgoing mail backend implements."""

from __future__ import annotations

from typing import Protocol


class SendError(Exception):
    """Sending failed; the outbox keeps the message and retries later."""


class MailSender(Protocol):
    def send(self, raw: bytes, sender: str, recipients: list[str]) -> None:
        """Deliver one already-built RFC 5322 message or raise SendError."""
        ...
