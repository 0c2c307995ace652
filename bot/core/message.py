"""The parsed view of one email that the pure core reasons about.

Adapters build these from raw bytes; nothing here touches a parser or the network.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from bot.core.meeting_replies import CalendarItem


@dataclass(frozen=True)
class AttachmentInfo:
    filename: str
    content_type: str
    size: int
    # Empty when the attachment was over the size limit and so not kept for parsing.
    payload: bytes = b""
    too_large: bool = False
    # An image the HTML body shows by its Content-ID ("cid:"): a logo or a signature's picture
    # as the reader sees it, not a file the sender attached.
    in_body: bool = False


@dataclass(frozen=True)
class MailMessage:
    message_id: str
    subject: str
    from_addr: str  # lower-cased bare address, "" when missing
    from_name: str
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    date: datetime | None = None
    in_reply_to: str | None = None
    # Every address in Reply-To, lower-cased: where the sender asks for answers to go (a web
    # form's mailer sends From itself, Reply-To the person who filled the form in).
    reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    # Lower-cased header names; the first value of each header.
    headers: Mapping[str, str] = field(default_factory=dict)
    # Every Authentication-Results header, top (newest, added by our own server) first.
    authentication_results: tuple[str, ...] = ()
    # Every Received and Authentication-Results header as (lower-cased name, value), in the
    # order they stand, topmost first: where a verdict sits says who wrote it.
    trace: tuple[tuple[str, str], ...] = ()
    # Every X-MS-Exchange-Organization-Auth* header as (lower-cased name, value), in order and
    # with repeats, so a second, forged copy of Exchange's own mark can be seen.
    exchange_auth_headers: tuple[tuple[str, str], ...] = ()
    text: str = ""  # plain text body; derived from HTML when the message is HTML-only
    # The text outside any email attached to this one ("forward as attachment"): what the
    # sender wrote now. None when that is all of `text`.
    own_text: str | None = None
    # The Date of each email attached to this one, in order; None where it is unreadable.
    attached_dates: tuple[datetime | None, ...] = ()
    # The From address of each of those emails, in order; "" where it has none.
    attached_from: tuple[str, ...] = ()
    html: str = ""
    attachments: tuple[AttachmentInfo, ...] = ()
    # The events of every iCalendar part (text/calendar, .ics): meeting answers among them.
    calendar_items: tuple[CalendarItem, ...] = ()
    # Problems noticed while parsing (bad charset, broken MIME, missing headers...).
    defects: tuple[str, ...] = ()

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    def written(self) -> str:
        """What the sender wrote in this email, without the emails attached to it: the only
        text read for commands, or for news a person should see."""
        return self.text if self.own_text is None else self.own_text


# A signature's logo is a small image; a scanned return is a large one.
_SCAN_BYTES = 100_000
_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp")


def carries_document(msg: MailMessage) -> bool:
    """Whether the message carries a document that could be a form or a scanned return,
    whether or not the bot can read it: anything attached but a small image. A small image
    is named to a person (document_names) but never recorded as a return: it may be a logo
    a mail program attached."""
    return any(not _small_image(a) for a in msg.attachments)


def document_names(msg: MailMessage) -> tuple[str, ...]:
    """The file names of what the sender attached, as a person is told them: everything but
    a small image the HTML shows in its body (a logo, a signature). A small image attached as
    a file (a screenshot of a form, a photo of a handwritten note) may be all they sent."""
    shown = (a for a in msg.attachments if not (a.in_body and _small_image(a)))
    return tuple(a.filename or "unnamed attachment" for a in shown)


def _small_image(a: AttachmentInfo) -> bool:
    image = a.content_type.startswith("image/") or a.filename.lower().endswith(_IMAGE_SUFFIXES)
    return image and a.size < _SCAN_BYTES
