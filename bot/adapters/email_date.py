"""An email's Date header set anew: a draft approved later goes out dated when it went.

RFC 5322 makes the Date the moment the message was "complete and ready to enter the mail
delivery system": for a draft held for the Business Manager, her approval, not its writing.
Only the header line changes; the Message-ID, and so every check that the email went, holds.
"""

from __future__ import annotations

import re
from datetime import datetime
from email.utils import format_datetime

# The Date field of the header block, folded lines and all (the builder writes one line).
_DATE = re.compile(rb"^Date:[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*", re.IGNORECASE | re.MULTILINE)


def with_date(raw: bytes, when: datetime) -> bytes:
    """`raw` with its Date header saying `when`; unchanged when it has none."""
    end = raw.find(b"\r\n\r\n")
    end = end if end >= 0 else raw.find(b"\n\n")
    head, body = (raw[:end], raw[end:]) if end >= 0 else (raw, b"")
    line = b"Date: " + format_datetime(when).encode("ascii")
    return _DATE.sub(lambda _: line, head, count=1) + body
