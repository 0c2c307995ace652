"""Turn rendered text, HTML and an optional meeting request into RFC 5322 bytes."""

from __future__ import annotations

import base64
import hashlib
import quopri
import random
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.generator import Generator
from email.message import Message
from email.policy import Compat32
from email.utils import format_datetime
from io import StringIO

from bot.adapters.header_values import CRLF, LINE, address_list, folded, mailbox, unstructured
from bot.core.addresses import writable

# Marks the bot's own mail so that, if a copy lands back in the partnership mailbox (a forward,
# a bounce, a BCC to itself), the bot can ignore it instead of answering itself.
BOT_HEADER = "X-TSCP-Bot"

# Sent alongside the inline calendar part so people whose mail system drops inline calendars
# (some secure-mail gateways do) can still open the meeting by hand. Google Calendar does the same.
INVITE_FILENAME = "invite.ics"

AUTO_RESPONSE_SUPPRESS = "OOF, AutoReply"

# The length up to which a body line of ASCII text is sent as it is (7bit); past it, or with any
# non-ASCII, the body is encoded so delivery never depends on the relay supporting 8BITMIME.
_BODY_LINE = 78


class _WrittenAsGiven(Compat32):
    """compat32, which stores header values as the strings it is given, writing them as given.

    The email package's modern policy parses every header into objects and folds them back
    on the way out: that was most of the cost of building an email. Every value here is made
    already encoded, on one line or folded (bot.adapters.header_values), so it is written as
    it is; anything else (a parameter too long for a line) gets compat32's own folding."""

    def fold(self, name: str, value: str) -> str:
        header = f"{name}: {value}"
        if _WRITABLE.fullmatch(header):
            return header + self.linesep
        return super().fold(name, value)


# A header as it may go on the wire: printable ASCII, lines of at most 998 characters, and a
# line break only where a continuation line (starting with a space) follows.
_WRITABLE = re.compile(r"[\x20-\x7e\t]{1,998}(?:\r\n[ \t][\x20-\x7e\t]{0,997})*")


class _Writer(Generator):
    """The email package's generator (always with _WRITER_POLICY's CRLF), writing a body whose
    line ends are all CRLF already, as every body here is encoded, in one piece instead of
    line by line: a digest has thousands of lines. A body with any other line end (a bare CR
    or LF) is still rewritten line by line. _write_lines is the generator's own (private)
    step; were it renamed, bodies would only be written the slower way."""

    def _write_lines(self, lines: str) -> None:
        crlf = lines.count("\r\n")
        if lines.count("\r") == crlf == lines.count("\n"):
            self.write(lines)
        else:
            super()._write_lines(lines)  # type: ignore[misc]


_WRITER_POLICY = _WrittenAsGiven(linesep=CRLF, max_line_length=LINE, mangle_from_=False)

# Anything that could end a header line or smuggle in another one.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
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
    ics: bytes | None = None,
    images: Sequence[InlineImage] = (),
) -> bytes:
    """Build the message; with ics (an iCalendar REQUEST or CANCEL) it is a meeting request
    Outlook and Gmail recognise; with images, the HTML body and its images are one
    multipart/related part."""
    if not to:
        raise ValueError("a message needs at least one To address")
    if date.tzinfo is None:
        raise ValueError("date must be timezone-aware")
    headers = _headers(
        sender, sender_name, to, cc, subject, message_id, in_reply_to, references, date
    )
    msg = _body(text, html, ics, images)
    files = [*attachments]
    if ics is not None:
        files.append(Attachment(INVITE_FILENAME, "application/ics", ics))
    if files:
        msg = _multipart("mixed", [msg, *(_attachment(a) for a in files)])
    # The message's headers first, then the top-level part's own (Content-Type, ...), as the
    # email package writes them.
    top = Message()
    for name, value in [*headers, ("MIME-Version", "1.0"), *msg.items()]:
        top[name] = value
    top.set_payload(msg.get_payload())
    out = StringIO()
    _Writer(out, policy=_WRITER_POLICY).flatten(top)
    # ascii: a last guard that nothing 8-bit reaches the wire.
    return out.getvalue().encode("ascii")


def _headers(
    sender: str,
    sender_name: str,
    to: Sequence[str],
    cc: Sequence[str],
    subject: str,
    message_id: str,
    in_reply_to: str | None,
    references: Sequence[str],
    date: datetime,
) -> list[tuple[str, str]]:
    headers = [
        ("From", mailbox(one_line(sender_name), _address(sender))),
        ("To", address_list("To", [_address(a) for a in to])),
    ]
    if cc:
        headers.append(("Cc", address_list("Cc", [_address(a) for a in cc])))
    headers.append(("Subject", unstructured("Subject", one_line(subject))))
    headers.append(("Date", format_datetime(date)))
    if not _ids([message_id]):
        raise ValueError(f"not a Message-ID: {message_id!r}")
    headers.append(("Message-ID", _ids([message_id])))
    replying_to = _ids([in_reply_to] if in_reply_to else [])
    if replying_to:
        headers.append(("In-Reply-To", replying_to))
    if _ids(references):
        headers.append(("References", folded("References", _ids(references).split(" "), " ")))
    headers.extend(_robot_headers(is_reply=in_reply_to is not None))
    return headers


def one_line(text: str) -> str:
    """Text for a header: whatever an incoming message put in it (an encoded CR, LF or NUL),
    it stays one header and cannot start another."""
    return " ".join(_CONTROL.sub(" ", text).split())


def _address(address: str) -> str:
    """A bare address, or an error: an address that could carry a second header or a second
    recipient is never written."""
    if not writable(address):
        raise ValueError(f"not a plain email address: {address!r}")
    return address


def _ids(values: Sequence[str]) -> str:
    """The ids as "<a@b> <c@d>", each unfolded and checked; one that cannot be written safely
    (no angle brackets, too long for a line) is left out rather than breaking the reply."""
    found = [_CONTROL.sub("", "".join(v.split())) for v in values]
    return " ".join(i for i in found if _MESSAGE_ID.fullmatch(i) and len(i) <= _LONGEST_ID)


def _robot_headers(*, is_reply: bool) -> list[tuple[str, str]]:
    return [
        # RFC 3834: "auto-replied" is for answers to a message, "auto-generated" for mail
        # nobody wrote to (digest, panel invitation). Either value stops compliant
        # autoresponders.
        ("Auto-Submitted", "auto-replied" if is_reply else "auto-generated"),
        # Exchange/Outlook ignore Auto-Submitted but honour this (MS-OXCMAIL 2.1.3.2.20). Only
        # out-of-office and other auto-replies: "All" would also stop non-delivery reports,
        # and the bot must hear when an invitation or a request did not arrive.
        ("X-Auto-Response-Suppress", AUTO_RESPONSE_SUPPRESS),
        # No "Precedence:" header on purpose: it is non-standard (RFC 3834 advises against
        # relying on it) and "bulk"/"junk" push mail towards spam folders, which we cannot
        # afford for safeguarding notices. The two headers above already cover the
        # autoresponders that matter.
        (BOT_HEADER, "1"),
    ]


# Bodies --------------------------------------------------------------------------------------


def _body(text: str, html: str | None, ics: bytes | None, images: Sequence[InlineImage]) -> Message:
    if images and html is None:
        raise ValueError("inline images need an HTML body to show them")
    alternatives = [_text("plain", text)]
    if html is not None:
        shown = _text("html", html)
        # Outlook, Gmail and Apple Mail show an image in place only when it sits with the
        # HTML in multipart/related and the <img> names its Content-ID; a plain attachment is
        # listed apart, and a data: URI is blocked by Outlook and Gmail.
        alternatives.append(
            _multipart("related", [shown, *map(_image, images)]) if images else shown
        )
    if ics is not None:
        # The calendar must be an *alternative* of the body (not only an attachment) with
        # method=REQUEST on the Content-Type; that is what makes Outlook show a meeting.
        alternatives.append(_text("calendar", ics.decode("utf-8"), f'; method="{_method(ics)}"'))
    if len(alternatives) == 1:
        return alternatives[0]
    return _multipart("alternative", alternatives)


def _text(subtype: str, text: str, params: str = "") -> Message:
    """A text part with CRLF line endings, 7bit when it is ASCII in short lines (readable as
    it is), else quoted-printable, or base64 when that is shorter (text mostly not Latin)."""
    lines = text.encode("utf-8").splitlines()
    body = CRLF.encode("ascii").join(lines) + b"\r\n"
    if body.isascii() and max(map(len, lines), default=0) <= _BODY_LINE:
        cte, payload = "7bit", body.decode("ascii")
    else:
        # binascii's encoder (behind quopri) keeps the CRLF line ends as line breaks and
        # writes its soft line breaks with CRLF too, as the body already uses it.
        encoded = quopri.encodestring(body)
        if len(encoded) > len(body) * 4 // 3:
            cte, payload = "base64", _base64(body)
        else:
            cte, payload = "quoted-printable", encoded.decode("ascii")
    part = Message()
    part["Content-Type"] = f'text/{subtype}; charset="utf-8"{params}'
    part["Content-Transfer-Encoding"] = cte
    part.set_payload(payload)
    return part


def _base64(data: bytes) -> str:
    encoded = base64.b64encode(data).decode("ascii")
    # 76 characters a line, as MIME asks (RFC 2045 6.8).
    return "".join(encoded[i : i + 76] + CRLF for i in range(0, len(encoded), 76))


def _binary(
    content_type: str,
    data: bytes,
    disposition: str,
    filename: str,
    params: Iterable[tuple[str, str]] = (),
) -> Message:
    part = Message()
    part["Content-Type"] = content_type
    for key, value in params:
        part.set_param(key, value)
    part["Content-Transfer-Encoding"] = "base64"
    # add_header quotes the filename, or writes it RFC 2231-encoded when it is not ASCII.
    part.add_header("Content-Disposition", disposition, filename=one_line(filename))
    part.set_payload(_base64(data))
    return part


def _multipart(subtype: str, parts: list[Message]) -> Message:
    msg = Message()
    msg["Content-Type"] = f'multipart/{subtype}; boundary="{_boundary(parts)}"'
    msg.set_payload([*parts])
    return msg


def _boundary(parts: list[Message]) -> str:
    """A boundary no part's text contains, drawn as the email package draws one. Left to the
    generator it would be checked with a regular expression over the whole message."""
    texts = [p.get_payload() for part in parts for p in part.walk() if not p.is_multipart()]
    while True:
        boundary = f"{'=' * 15}{random.randrange(sys.maxsize):019d}=="
        if not any(boundary in text for text in texts):
            return boundary


def _image(image: InlineImage) -> Message:
    if not _CONTENT_ID.fullmatch(image.cid):
        raise ValueError(f"not a Content-ID: {image.cid!r}")
    if not _TOKEN.fullmatch(image.subtype):
        raise ValueError(f"not an image type: {image.subtype!r}")
    part = _binary(f"image/{image.subtype}", image.data, "inline", image.filename)
    part["Content-ID"] = f"<{image.cid}>"
    return part


_CONTENT_ID = re.compile(r"[A-Za-z0-9._-]+@[A-Za-z0-9.-]+")
_TOKEN = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+")
_METHOD = re.compile(rb"^METHOD:([A-Z-]+)\r?$", re.MULTILINE)


def _method(ics: bytes) -> str:
    """The calendar's own METHOD (REQUEST, CANCEL): the Content-Type must say the same."""
    found = _METHOD.search(ics)
    return found.group(1).decode("ascii") if found else "REQUEST"


def _attachment(attachment: Attachment) -> Message:
    maintype, subtype, params = _split_content_type(attachment.content_type)
    return _binary(
        f"{maintype}/{subtype}",
        attachment.data,
        "attachment",
        attachment.filename,
        params.items(),
    )


def _split_content_type(value: str) -> tuple[str, str, dict[str, str]]:
    if _CONTROL.search(value):
        raise ValueError(f"not a Content-Type: {value!r}")
    # Let the email package parse the header value so quoting rules are handled for us.
    probe = Message()
    probe["Content-Type"] = value
    params = {key: str(val) for key, val in (probe.get_params() or [])[1:]}
    return probe.get_content_maintype(), probe.get_content_subtype(), params
