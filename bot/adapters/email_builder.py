"""Turn rendered text, HTML and an optional meeting request into RFC 5322 bytes."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr
from functools import lru_cache
from typing import Any

# Marks the bot's own mail so that, if a copy lands back in the partnership mailbox (a forward,
# a bounce, a BCC to itself), the bot can ignore it instead of answering itself.
BOT_HEADER = "X-TSCP-Bot"

# Sent alongside the inline calendar part so people whose mail system drops inline calendars
# (some secure-mail gateways do) can still open the meeting by hand. Google Calendar does the same.
INVITE_FILENAME = "invite.ics"

AUTO_RESPONSE_SUPPRESS = "OOF, AutoReply"


class _RememberedHeaders(HeaderRegistry):
    """The email package parses every header it is given into an immutable header object,
    and most of an email's headers are the same in every email (From, Auto-Submitted, each
    part's Content-Type and Content-Transfer-Encoding): parsing them was a third of the cost
    of building an acknowledgement. The same name and value always parse the same, so the
    object is remembered (a bounded number of them) and handed out again."""

    def __init__(self) -> None:
        super().__init__()
        self._remembered = lru_cache(maxsize=512)(super().__call__)

    def __call__(self, name: str, value: Any) -> BaseHeader:
        if isinstance(value, str):
            return self._remembered(name, value)
        return super().__call__(name, value)


# CRLF line endings for SMTP, and 7-bit transfer encodings (quoted-printable/base64) for any
# non-ASCII text so delivery never depends on the relay supporting 8BITMIME.
POLICY = SMTP.clone(cte_type="7bit", header_factory=_RememberedHeaders())
# Headers are written with RFC 5322's hard limit, not the 78-character advice: folding at 78,
# the email package moves a 70-77 character subject whole onto a continuation line, and mail
# clients then show it with a leading space. Bodies are still encoded under POLICY.
HEADER_POLICY = POLICY.clone(max_line_length=998)


# Anything that could end a header line or smuggle in another one.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_BARE_ADDRESS = re.compile(r"[^\s<>,;:\"()\[\]\\\x00-\x1f\x7f]+@[^\s<>,;:\"()\[\]\\\x00-\x1f\x7f]+")
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
# "References: " plus one id must fit on a line of RFC 5322's 998 characters.
_LONGEST_ID = 980


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # full header value, e.g. "text/calendar; method=REQUEST"
    data: bytes


@dataclass(frozen=True)
class InlineImage:
    """An image the HTML body shows in place, as <img src="cid:{cid}">."""

    cid: str  # e.g. "on-time@tscp-bot": unique within the message
    filename: str
    data: bytes
    subtype: str = "png"


def make_message_id(key: str, domain: str) -> str:
    """Derive the Message-ID from the idempotency key.

    A retried send then carries the same Message-ID, so receiving servers and clients can
    recognise a duplicate instead of showing the message twice.
    """
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]
    return f"<tscp-bot.{digest}@{domain}>"


def build_email(
    *,
    sender: str,
    sender_name: str,
    to: Sequence[str],
    cc: Sequence[str] = (),
    subject: str,
    text: str,
    html: str | None,
    message_id: str,
    in_reply_to: str | None = None,
    references: Sequence[str] = (),
    date: datetime,
    attachments: Sequence[Attachment] = (),
    calendar: bytes | None = None,
    images: Sequence[InlineImage] = (),
) -> bytes:
    """Build the message; with calendar it is a meeting request Outlook and Gmail recognise;
    with images, the HTML body and its images are one multipart/related part."""
    if not to:
        raise ValueError("a message needs at least one To address")
    if date.tzinfo is None:
        raise ValueError("date must be timezone-aware")
    msg = EmailMessage(policy=POLICY)
    _set_headers(
        msg, sender, sender_name, to, cc, subject, message_id, in_reply_to, references, date
    )
    _set_body(msg, text, html, calendar)
    if images:
        _add_images(msg, images)
    for attachment in attachments:
        _attach(msg, attachment)
    if calendar is not None:
        _attach(msg, Attachment(INVITE_FILENAME, "application/ics", calendar))
    return msg.as_bytes(policy=HEADER_POLICY)


def _set_headers(
    msg: EmailMessage,
    sender: str,
    sender_name: str,
    to: Sequence[str],
    cc: Sequence[str],
    subject: str,
    message_id: str,
    in_reply_to: str | None,
    references: Sequence[str],
    date: datetime,
) -> None:
    msg["From"] = formataddr((one_line(sender_name), _address(sender)))
    msg["To"] = ", ".join(_address(a) for a in to)
    if cc:
        msg["Cc"] = ", ".join(_address(a) for a in cc)
    msg["Subject"] = one_line(subject)
    msg["Date"] = format_datetime(date)
    if not _ids([message_id]):
        raise ValueError(f"not a Message-ID: {message_id!r}")
    msg["Message-ID"] = _ids([message_id])
    replying_to = _ids([in_reply_to] if in_reply_to else [])
    if replying_to:
        msg["In-Reply-To"] = replying_to
    if _ids(references):
        msg["References"] = _ids(references)
    _set_robot_headers(msg, is_reply=in_reply_to is not None)


def one_line(text: str) -> str:
    """Text for a header: whatever an incoming message put in it (an encoded CR, LF or NUL),
    it stays one header and cannot start another."""
    return " ".join(_CONTROL.sub(" ", text).split())


def _address(address: str) -> str:
    """A bare address, or an error: an address that could carry a second header or a second
    recipient is never written."""
    if not _BARE_ADDRESS.fullmatch(address):
        raise ValueError(f"not a plain email address: {address!r}")
    return address


def _ids(values: Sequence[str]) -> str:
    """The ids as "<a@b> <c@d>", each unfolded and checked; one that cannot be written safely
    (no angle brackets, too long for a line) is left out rather than breaking the reply."""
    found = [_CONTROL.sub("", "".join(v.split())) for v in values]
    return " ".join(i for i in found if _MESSAGE_ID.fullmatch(i) and len(i) <= _LONGEST_ID)


def _set_robot_headers(msg: EmailMessage, *, is_reply: bool) -> None:
    # RFC 3834: "auto-replied" is for answers to a message, "auto-generated" for mail nobody
    # wrote to (digest, panel invitation). Either value stops compliant autoresponders.
    msg["Auto-Submitted"] = "auto-replied" if is_reply else "auto-generated"
    # Exchange/Outlook ignore Auto-Submitted but honour this (MS-OXCMAIL 2.1.3.2.20). Only
    # out-of-office and other auto-replies: "All" would also stop non-delivery reports, and the
    # bot must hear when an invitation or a request did not arrive.
    msg["X-Auto-Response-Suppress"] = AUTO_RESPONSE_SUPPRESS
    # No "Precedence:" header on purpose: it is non-standard (RFC 3834 advises against relying
    # on it) and "bulk"/"junk" push mail towards spam folders, which we cannot afford for
    # safeguarding notices. The two headers above already cover the autoresponders that matter.
    msg[BOT_HEADER] = "1"


def _set_body(msg: EmailMessage, text: str, html: str | None, calendar: bytes | None) -> None:
    msg.set_content(text)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    if calendar is not None:
        # The calendar must be an *alternative* of the body (not only an attachment) with
        # method=REQUEST on the Content-Type; that is what makes Outlook show a meeting.
        msg.add_alternative(
            calendar.decode("utf-8"), subtype="calendar", params={"method": _method(calendar)}
        )


def _add_images(msg: EmailMessage, images: Sequence[InlineImage]) -> None:
    # Outlook, Gmail and Apple Mail show an image in place only when it sits with the HTML
    # in multipart/related and the <img> names its Content-ID; a plain attachment is listed
    # apart, and a data: URI is blocked by Outlook and Gmail.
    html = next((p for p in msg.walk() if p.get_content_type() == "text/html"), None)
    if not isinstance(html, EmailMessage):
        raise ValueError("inline images need an HTML body to show them")
    for image in images:
        if not _CONTENT_ID.fullmatch(image.cid):
            raise ValueError(f"not a Content-ID: {image.cid!r}")
        html.add_related(
            image.data,
            maintype="image",
            subtype=image.subtype,
            cid=f"<{image.cid}>",
            disposition="inline",
            filename=image.filename,
        )


_CONTENT_ID = re.compile(r"[A-Za-z0-9._-]+@[A-Za-z0-9.-]+")
_METHOD = re.compile(rb"^METHOD:([A-Z-]+)\r?$", re.MULTILINE)


def _method(calendar: bytes) -> str:
    """The calendar's own METHOD (REQUEST, CANCEL): the Content-Type must say the same."""
    found = _METHOD.search(calendar)
    return found.group(1).decode("ascii") if found else "REQUEST"


def _attach(msg: EmailMessage, attachment: Attachment) -> None:
    maintype, subtype, params = _split_content_type(attachment.content_type)
    msg.add_attachment(
        attachment.data,
        maintype=maintype,
        subtype=subtype,
        filename=attachment.filename,
        params=params,
    )


def _split_content_type(value: str) -> tuple[str, str, dict[str, str]]:
    # Let the email package parse the header value so quoting rules are handled for us.
    probe = EmailMessage(policy=POLICY)
    probe["Content-Type"] = value
    params = {key: str(val) for key, val in (probe.get_params() or [])[1:]}
    return probe.get_content_maintype(), probe.get_content_subtype(), params
