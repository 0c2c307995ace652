"""An outgoing email's stored bytes as a person reads them at the terminal (`outbox show`): its
To and Cc, its plain text as it goes (or went), and the names of the files it carries. The
standard library's email package; nothing is decoded that the text does not need."""

from __future__ import annotations

from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from email.utils import getaddresses

from bot.adapters.body_text import html_to_text


@dataclass(frozen=True)
class SentText:
    to: tuple[str, ...]
    cc: tuple[str, ...]
    text: str
    files: tuple[str, ...]


def sent_text(raw: bytes) -> SentText:
    msg = message_from_bytes(raw, policy=policy.default)
    return SentText(
        to=_addresses(msg, "To"),
        cc=_addresses(msg, "Cc"),
        text=_text(msg),
        files=tuple(
            name
            for part in msg.walk()
            if part.get_content_disposition() == "attachment"
            and (name := part.get_filename()) is not None
        ),
    )


def _addresses(msg: Message, header: str) -> tuple[str, ...]:
    return tuple(address for _, address in getaddresses(msg.get_all(header, [])) if address)


def _text(msg: Message) -> str:
    """The plain part the recipient reads, else the HTML made plain; "" for neither."""
    if not isinstance(msg, EmailMessage):
        return ""
    body = msg.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    try:
        content = str(body.get_content())
    except (LookupError, UnicodeError):  # a charset Python does not know: never a traceback
        data = body.get_payload(decode=True)
        content = data.decode("utf-8", "replace") if isinstance(data, bytes) else ""
    text = html_to_text(content) if body.get_content_subtype() == "html" else content
    return text.replace("\r\n", "\n").strip("\n")
