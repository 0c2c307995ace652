"""Turn raw RFC 5322 bytes into a MailMessage, using mail-parser.

Real mail is often broken, so this keeps going and records what was wrong in `defects`;
it raises ParseError only when there is nothing usable at all.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable
from datetime import datetime
from email.utils import getaddresses
from typing import Any
from urllib.parse import unquote

from bot.adapters.body_text import (
    attached_email_dates,
    attached_email_senders,
    c1_as_windows_1252,
    decoded_text,
    has_attached_email,
    plain_or_html,
    text_outside_attached,
)
from bot.adapters.flowed_text import unflowed_texts
from bot.adapters.header_fields import HeaderFields, decode_header_value
from bot.adapters.mail_parser_lean import parse_bytes
from bot.adapters.mime_trim import omitted_size, trim_large_parts
from bot.core.case_refs import normalise_message_id, unfold
from bot.core.meeting_replies import CalendarItem
from bot.core.message import AttachmentInfo, MailMessage

_ANGLE_IDS = re.compile(r"<([^<>\s]+)>")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_INVENTED_NAME = re.compile(r"^[a-z]{10}\.(txt|rtf)$")
# Defect categories from mail-parser that are not about MIME structure.
_HEADER_DEFECTS = {
    "AddressHeaderDefect": "bad address header",
    "DateHeaderDefect": "bad Date header",
    "ReceivedHeaderDefect": "bad Received header",
    "MimeHeaderDefect": "bad MIME header",
}


class ParseError(Exception):
    """The bytes hold nothing usable as an email."""


def sha256_hex(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


# The longest id kept: short enough that "References: <id>" stays within RFC 5322's
# 998-character line, so an answer can name it; the column holds 998.
MAX_MESSAGE_ID = 900


def message_id_of(value: str) -> str:
    """The id a header names, unfolded (bot.core.case_refs.normalise_message_id) and, when it
    would not fit a header line, cut short and made unique again by a hash of the whole. Every
    id the bot stores or looks up goes through here, so the same header always gives the same
    id."""
    found = normalise_message_id(value)
    if len(found) <= MAX_MESSAGE_ID:
        return found
    whole = hashlib.sha256(found.encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return f"{found[: MAX_MESSAGE_ID - len(whole) - 1]}.{whole}"


def message_id_for(raw: bytes) -> str:
    """The stable id given to a message that arrived without a Message-ID."""
    return f"sha256-{sha256_hex(raw)[:32]}@tscp-bot.invalid"


_TRACE = frozenset({"received", "authentication-results"})


def _authentication_results(fields: HeaderFields) -> tuple[str, ...]:
    """Every Authentication-Results (each relay adds its own)."""
    return tuple(text for _, text in fields.every(lambda key: key == "authentication-results"))


def _exchange_auth_headers(fields: HeaderFields) -> tuple[tuple[str, str], ...]:
    return fields.every(lambda key: key.startswith("x-ms-exchange-organization-auth"))


def _trace(fields: HeaderFields) -> tuple[tuple[str, str], ...]:
    """Received and Authentication-Results headers in the order they stand, topmost first."""
    return fields.every(_TRACE.__contains__)


def _addresses(pairs: object) -> list[tuple[str, str]]:
    if not isinstance(pairs, list):
        return []
    return [(str(n), str(a).strip().lower()) for n, a in pairs if a]


_ANGLE_ADDRESS = re.compile(r"<([^<>\s@]+@[^<>\s@]+)>$")


def _senders(parsed: Any, defects: list[str]) -> list[tuple[str, str]]:
    """The From address. When the header does not parse (an encoded display name hiding a
    line break and a colon, say), the address in its closing angle brackets is still the
    sender's, and their message is answered rather than lost."""
    found = _addresses(parsed.from_)
    if found:
        return found
    value = _one_line(str(parsed.message.get("From") or ""))
    match = _ANGLE_ADDRESS.search(value)
    if match is None:
        return []
    defects.append("From header could not be parsed; address taken from its angle brackets")
    name = _one_line(decode_header_value(value[: match.start()], defects)).strip('" ')
    return [(name, match.group(1).lower())]


def _one_line(value: str) -> str:
    """A decoded header as one line of text: an encoded CR, LF or NUL becomes a space, and an
    ISO-8859-1 encoded word's Windows-1252 quotes and dashes are themselves."""
    return " ".join(_CONTROL.sub(" ", c1_as_windows_1252(value)).split())


def _message_ids(value: str) -> tuple[str, ...]:
    value = unfold(value)
    found = _ANGLE_IDS.findall(value) or value.split()
    return tuple(i for i in (message_id_of(v) for v in found) if i)


def _payload_bytes(item: dict[str, Any]) -> bytes:
    payload = item.get("payload") or ""
    if item.get("binary"):
        try:
            return base64.b64decode(payload)
        except (binascii.Error, ValueError):
            return str(payload).encode("utf-8", "surrogateescape")
    return str(payload).encode("utf-8", "surrogateescape")


def _filename(item: dict[str, Any], index: int) -> str:
    name = str(item.get("filename") or "")
    # mail-parser invents a random "abcdefghij.txt" for unnamed parts; a stable name keeps
    # parsing the same bytes twice giving the same message.
    if _INVENTED_NAME.match(name) and name not in str(item.get("content-disposition") or ""):
        return f"unnamed-{index + 1}{name[-4:]}"
    return name


_CID = re.compile(r"""cid:([^"'\s<>)]+)""", re.IGNORECASE)


def _shown_ids(html: str) -> frozenset[str]:
    """The Content-IDs the HTML body shows as pictures (src="cid:image001.png@01DB...")."""
    return frozenset(unquote(found).lower() for found in _CID.findall(html))


def _content_id(item: dict[str, Any]) -> str:
    return str(item.get("content-id") or "").strip().strip("<>").lower()


def _attachments(
    items: Iterable[dict[str, Any]], limit: int, defects: list[str], html: str
) -> tuple[AttachmentInfo, ...]:
    result: list[AttachmentInfo] = []
    shown = _shown_ids(html)
    for index, item in enumerate(items):
        name = _filename(item, index)
        ctype = str(item.get("mail_content_type") or "application/octet-stream").lower()
        data = _payload_bytes(item)
        in_body = bool(shown) and _content_id(item) in shown
        left_out = omitted_size(data)  # over the limit, left out before parsing (mime_trim)
        if left_out is not None:
            defects.append(f"attachment over limit: {name} ({left_out} bytes)")
            result.append(AttachmentInfo(name, ctype, left_out, b"", True, in_body))
        elif len(data) > limit:
            defects.append(f"attachment over limit: {name} ({len(data)} bytes)")
            result.append(AttachmentInfo(name, ctype, len(data), b"", True, in_body))
        else:
            result.append(AttachmentInfo(name, ctype, len(data), data, in_body=in_body))
    return tuple(result)


_CALENDAR_TYPES = frozenset({"text/calendar", "application/ics", "text/x-vcalendar"})


def _calendar_texts(message: Any) -> list[str]:
    """Every iCalendar part once: mail-parser drops inline text/calendar parts, and Gmail
    sends the same answer both inline and as invite.ics."""
    texts: list[str] = []
    for part in message.walk():
        name = str(part.get_filename() or "").lower()
        if part.is_multipart() or (
            part.get_content_type() not in _CALENDAR_TYPES and not name.endswith(".ics")
        ):
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            text = decoded_text(payload, part.get_content_charset())
            texts.append(text.replace("\r\n", "\n").strip())
    return list(dict.fromkeys(t for t in texts if t))


def _calendar(message: Any, defects: list[str]) -> tuple[CalendarItem, ...]:
    texts = _calendar_texts(message)
    if not texts:
        return ()
    # icalendar is loaded only for mail with a calendar part: most mail has none, and its
    # import was paid by every start that read any email.
    from bot.adapters.ical import CalendarReadError, read_calendar

    items: list[CalendarItem] = []
    for text in texts:
        try:
            items.extend(read_calendar(text))
        except (CalendarReadError, LookupError):
            defects.append("calendar part could not be read")
    return tuple(dict.fromkeys(items))


def _parser_defects(parsed: Any) -> list[str]:
    found: list[str] = []
    for category in sorted(parsed.defects_categories):
        if category == "CharsetDecodeDefect":
            found.append("undecodable charset in body (decoded with replacement)")
        elif category in _HEADER_DEFECTS:
            found.append(_HEADER_DEFECTS[category])
        else:
            found.append(f"broken MIME: {category}")
    return found


def _parse(raw: bytes, stand_ins: bool) -> Any:
    try:
        return parse_bytes(raw, stand_ins=stand_ins)
    except Exception as exc:  # mail-parser raises several kinds on hostile input
        raise ParseError(f"mail-parser failed: {type(exc).__name__}: {exc}") from exc


def _date(parsed: Any) -> datetime | None:
    value = parsed.date
    return value if isinstance(value, datetime) else None


def parse_message(
    raw: bytes, *, max_attachment_bytes: int = 10_000_000, stand_ins: bool = True
) -> MailMessage:
    """Parse `raw`; raises ParseError only when it is empty or has no header fields at all.
    stand_ins=False has the feedparser read every base64 line (bot.adapters.base64_leaves),
    for the tests that compare the two."""
    if not raw or raw.isspace():  # not raw.strip(): that would copy a 25 MB message
        raise ParseError("empty message")
    # Parts too large to read are left out first, so parsing never holds them several times.
    parsed = _parse(trim_large_parts(raw, max_attachment_bytes), stand_ins)
    if parsed.message is None or not parsed.message.keys():
        raise ParseError("no header fields: not an email message")
    defects = _parser_defects(parsed)
    fields = HeaderFields(parsed.message, defects)
    return _build(raw, parsed, fields, defects, max_attachment_bytes)


def _build(
    raw: bytes, parsed: Any, fields: HeaderFields, defects: list[str], limit: int
) -> MailMessage:
    headers = fields.first_of_each()
    message_id = message_id_of(headers.get("message-id", ""))
    if not message_id:
        message_id = message_id_for(raw)
        defects.append("missing Message-ID (synthesised from content hash)")
    senders = _senders(parsed, defects)
    if not senders:
        defects.append("missing From")
    html = c1_as_windows_1252("\n".join(parsed.text_html))
    plain = unflowed_texts(parsed.message, parsed.text_plain)
    text = plain_or_html(c1_as_windows_1252("\n".join(plain)), html)
    attached = has_attached_email(parsed.message)
    written = text_outside_attached(parsed.message) if attached else None
    attachments = _attachments(parsed.attachments, limit, defects, html)
    calendar_items = _calendar(parsed.message, defects)
    if not text.strip() and not attachments and not calendar_items:
        defects.append("empty body")
    in_reply_to = _message_ids(headers.get("in-reply-to", ""))
    return MailMessage(
        message_id=message_id,
        subject=_one_line(headers.get("subject", "")),
        from_addr=senders[0][1] if senders else "",
        from_name=_one_line(senders[0][0]) if senders else "",
        to=tuple(a for _, a in _addresses(parsed.to)),
        cc=tuple(a for _, a in _addresses(parsed.cc)),
        date=_date(parsed),
        in_reply_to=in_reply_to[0] if in_reply_to else None,
        reply_to=tuple(
            a.strip().lower() for _, a in getaddresses([headers.get("reply-to", "")]) if "@" in a
        ),
        references=_message_ids(headers.get("references", "")),
        headers=headers,
        authentication_results=_authentication_results(fields),
        exchange_auth_headers=_exchange_auth_headers(fields),
        trace=_trace(fields),
        text=text,
        own_text=written,
        attached_dates=attached_email_dates(parsed.message) if attached else (),
        attached_from=attached_email_senders(parsed.message) if attached else (),
        html=html,
        attachments=attachments,
        calendar_items=calendar_items,
        defects=tuple(dict.fromkeys(defects)),
    )
