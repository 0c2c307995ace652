"""Whether two messages with one Message-ID are the same email delivered twice.

The same email can reach the mailbox by two routes (a distribution list and a direct copy,
a gateway that retried): each copy gathers its own trace headers (Received, Authentication-
Results, the gateway's X- headers), so their bytes differ though nothing anyone wrote does.
Such a copy is no news and no resend: acting on it would alert, answer or count twice.
Anything else under a reused Message-ID (another body, another subject, other recipients)
stays a possible resend or forgery for a person to look at.
"""

from __future__ import annotations

from email.parser import BytesHeaderParser
from email.policy import compat32

# What the sender wrote, whom it went to and how its body is encoded; a route adds none.
_WRITTEN = (
    "from",
    "sender",
    "to",
    "cc",
    "subject",
    "date",
    "in-reply-to",
    "references",
    "content-type",
    "content-transfer-encoding",
)
_HEADERS = BytesHeaderParser(policy=compat32)


def same_email(first: bytes, second: bytes) -> bool:
    """Whether `second` is `first` by another route: the same body, byte for byte, and the same
    sender, recipients, subject, date and thread headers."""
    if _body(first) != _body(second):
        return False
    return _written(first) == _written(second)


def _body(raw: bytes) -> bytes:
    for gap in (b"\r\n\r\n", b"\n\n"):
        at = raw.find(gap)
        if at >= 0:
            return raw[at + len(gap) :].replace(b"\r\n", b"\n")
    return b""


def _written(raw: bytes) -> tuple[tuple[str, ...], ...]:
    headers = _HEADERS.parsebytes(raw)
    # str(): a field compat32 cannot decode comes back as an email.header.Header, not a str.
    return tuple(
        tuple(" ".join(str(v).split()) for v in headers.get_all(name, [])) for name in _WRITTEN
    )
