"""The parts of a multipart/report (RFC 6522) as text, read with the standard email package.

mail-parser flattens a report into one body and drops message/delivery-status, so the raw
bytes are read again here; bot.core.bounces decides what the parts say.
"""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from email.parser import HeaderParser

from bot.core.bounces import ReportParts


def report_parts(raw: bytes) -> ReportParts:
    """The report's parts; an empty ReportParts when `raw` is not a multipart/report."""
    msg = message_from_bytes(raw, policy=policy.default)
    if msg.get_content_type() != "multipart/report" or not msg.is_multipart():
        return ReportParts()
    parts = [p for p in msg.get_payload() if isinstance(p, Message)]
    report_type = str(msg.get_param("report-type", "") or "").lower()
    return ReportParts(
        report_type=report_type,
        status=_status(parts, report_type),
        returned_headers=_returned_headers(parts),
        text=_plain(parts[0]) if parts else "",
    )


def _status(parts: list[Message], report_type: str) -> str:
    for part in parts:
        if part.get_content_type() == "message/delivery-status":
            blocks = part.get_payload()
            if isinstance(blocks, list):
                return "\n\n".join(_header_lines(b) for b in blocks if isinstance(b, Message))
            return str(blocks)
    # Some servers label the status part text/plain; RFC 6522 puts it second all the same.
    if report_type == "delivery-status" and len(parts) > 1:
        return _plain(parts[1])
    return ""


def _returned_headers(parts: list[Message]) -> str:
    for part in parts[1:]:
        kind = part.get_content_type()
        if kind == "message/rfc822":
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                return _header_lines(inner[0])
        elif kind == "text/rfc822-headers":
            return _header_lines(HeaderParser(policy=policy.default).parsestr(_plain(part)))
    return ""


def _header_lines(msg: Message) -> str:
    # policy.default decodes RFC 2047 words, so a returned subject compares with ours.
    return "\n".join(f"{name}: {' '.join(str(value).split())}" for name, value in msg.items())


def _plain(part: Message) -> str:
    if isinstance(part, EmailMessage) and part.is_multipart():
        body = part.get_body(preferencelist=("plain",))
        return _plain(body) if body is not None else ""
    if part.get_content_maintype() != "text":
        return ""
    try:
        return str(part.get_content()) if isinstance(part, EmailMessage) else str(part)
    except (LookupError, UnicodeError):
        data = part.get_payload(decode=True)
        return data.decode("utf-8", "replace") if isinstance(data, bytes) else ""
