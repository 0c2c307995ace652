"""Header values as they go on the wire: printable ASCII, RFC 2047 encoded words for anything
else, folded only past RFC 5322's 998-character line (bot.adapters.email_builder writes them
as given)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from email.charset import Charset
from email.utils import formataddr
from itertools import repeat

CRLF = "\r\n"
# RFC 5322's hard limit, not the 78-character advice: folding at 78, a 70-77 character subject
# would move whole onto a continuation line, and mail clients then show it with a leading space.
LINE = 998
_UTF8 = Charset("utf-8")
# RFC 2047: an encoded word is at most 75 characters, however long the line may be.
_ENCODED_WORD = 75


def _plain(name: str, text: str) -> bool:
    """Whether the text can be written as it is: ASCII, on the header's one line, and nothing
    a reader would decode as an RFC 2047 encoded word."""
    return text.isascii() and "=?" not in text and len(name) + 2 + len(text) <= LINE


def encoded_words(text: str) -> list[str]:
    words = _UTF8.header_encode_lines(text, repeat(_ENCODED_WORD))
    # None stands for "nothing fits on the first line", which 75 characters always avoid.
    return [word for word in words if word is not None]


def unstructured(name: str, text: str) -> str:
    """Free text (the subject): as it is when it can be, else RFC 2047 encoded words, as many
    on a line as fit, so a subject that fits on one line is never folded."""
    if _plain(name, text):
        return text
    return folded(name, encoded_words(text), " ")


def mailbox(name: str, address: str) -> str:
    address = _plain_address(address)
    if name.isascii() and "=?" not in name:
        # formataddr quotes a name that needs it ("TSCP: Business Manager").
        shown = formataddr((name, address))
    else:
        # One encoded word, as formataddr writes it: split into several, Python's own parser
        # (and so the bot, reading a copy of its mail) reads a space between them into the name.
        shown = f"{_UTF8.header_encode(name)} <{address}>"
    if len("From: ") + len(shown) <= LINE:
        return shown
    return folded("From", [*encoded_words(name), f"<{address}>"], " ")


def address_list(name: str, addresses: Sequence[str]) -> str:
    """Addresses already checked to be bare (one per recipient), folded where they must be."""
    return folded(name, [_plain_address(a) for a in addresses], ", ")


def _plain_address(address: str) -> str:
    # An address with non-ASCII characters cannot be written in a 7-bit header at all; it is
    # written as an encoded word (as the email package does), unreadable to a client but
    # harmless: the envelope, not this header, decides where the mail goes.
    return address if address.isascii() else " ".join(encoded_words(address))


def folded(name: str, items: Iterable[str], separator: str) -> str:
    """The items joined by the separator, on one line while they fit in RFC 5322's 998
    characters, continued on the next line (starting with a space) when they do not."""
    lines: list[str] = []
    line = ""
    width = len(name) + 2
    end = separator.rstrip()  # the comma stays at the end of the line it leaves
    for item in items:
        if line and width + len(separator) + len(item) > LINE - len(end):
            lines.append(line + end)
            line, width = " " + item, 1 + len(item)
        elif line:
            line += separator + item
            width += len(separator) + len(item)
        else:
            line, width = item, width + len(item)
    lines.append(line)
    return CRLF.join(lines)
