"""Moving handled mail over IMAP: message keys, UIDs written as ranges, MOVE or its
COPY/EXPUNGE fallback, and the Message-ID that finds a message set aside again."""

from __future__ import annotations

import email.parser
import email.policy
import re
from typing import Any

from bot.adapters.mail_source import MailboxError

# A message set aside has no stable UID we know; it is found again by its Message-ID.
ASIDE = "aside:"
KEY = re.compile(r"[0-9]+:[0-9]+")
_MESSAGE_ID = b"BODY[HEADER.FIELDS (MESSAGE-ID)]"


def move(client: Any, uids: list[int], folder: str) -> None:
    # Consecutive UIDs as ranges ("7:106"): exactly these messages, in a short command.
    # Each is one we mean to move; a gap in the inbox's UIDs breaks the range.
    where = uid_set(uids)
    if client.has_capability("MOVE"):
        client.move(where, folder)
        return
    client.copy(where, folder)
    client.add_flags(where, [b"\\Deleted"], silent=True)
    if client.has_capability("UIDPLUS"):
        client.uid_expunge(where)
    else:
        # Without UIDPLUS this also expunges anything else already flagged \Deleted.
        client.expunge()


def uid_set(uids: list[int]) -> str:
    """Sorted UIDs as an IMAP sequence set, runs of consecutive UIDs as ranges: [1, 2, 3, 7]
    gives "1:3,7". Only the UIDs given: a range never spans one that was not asked for."""
    parts: list[str] = []
    start = prev = uids[0]
    for uid in uids[1:]:
        if uid != prev + 1:
            parts.append(f"{start}:{prev}" if prev != start else str(start))
            start = uid
        prev = uid
    parts.append(f"{start}:{prev}" if prev != start else str(start))
    return ",".join(parts)


def parse_key(key: str) -> tuple[int, int]:
    try:
        uidvalidity, uid = key.split(":")
        return int(uidvalidity), int(uid)
    except ValueError:
        raise MailboxError(f"not an IMAP message key: {key!r}") from None


def header_message_id(client: Any, uid: int) -> str:
    """The message's Message-ID header as written, or "" when it has none."""
    data = client.fetch([uid], ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"])
    raw = data.get(uid, {}).get(_MESSAGE_ID, b"")
    headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)
    return " ".join(str(headers.get("Message-ID") or "").split())
