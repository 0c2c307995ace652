"""Whether an address can be written as it is in an email the bot sends.

A bare address with nothing that could end it, start another recipient or another header (a
comma, a space, angle brackets, quotes, a control character). Mail that arrives From one
that is not ("alex,invented@nhs.net", a gateway's damage) is read like any other, but not
answered: the acknowledgement could not be written, and the person is told why instead.
"""

from __future__ import annotations

import re

_PART = r"[^\s<>,;:\"()\[\]\\\x00-\x1f\x7f]+"
PLAIN_ADDRESS = re.compile(rf"{_PART}@{_PART}")


def writable(address: str) -> bool:
    return PLAIN_ADDRESS.fullmatch(address) is not None
