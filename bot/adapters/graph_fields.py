"""Fields of a Graph message resource read the same way wherever they are listed (the Inbox,
Junk Email): a recipient's address and the time it was received."""

from __future__ import annotations

from datetime import UTC, datetime


def address(value: object) -> str:
    """The address of a recipient resource ({"emailAddress": {"address": ...}}), or ""."""
    found = value.get("emailAddress") if isinstance(value, dict) else None
    return str(found.get("address") or "") if isinstance(found, dict) else ""


def received_at(value: object) -> datetime | None:
    """receivedDateTime (ISO 8601, UTC) as an aware datetime; None when absent or odd."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.utcoffset() is not None else None
