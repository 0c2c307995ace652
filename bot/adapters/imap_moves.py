"""Moving handled mail over IMAP: message keys, UIDs written as ranges, MOVE or its
COPY/EXPUNGE fallback, and finding one message again by its Message-ID and size or bytes."""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
import re
from typing import Any

from bot.adapters.mail_source import Fingerprint, MailboxError

# A message set aside is keyed "aside:<uidvalidity>:<uid> <Message-ID>" by its UID in the
# needs-attention folder when the server says it (COPYUID), else "aside:<Message-ID>" (as
# every key was before): found again by its Message-ID and its size or bytes.
ASIDE = "aside:"
KEY = re.compile(r"[0-9]+:[0-9]+")
_ASIDE_UID = re.compile(r"([0-9]+):([0-9]+) ")
_MESSAGE_ID = b"BODY[HEADER.FIELDS (MESSAGE-ID)]"
_PIECE = 1 << 20  # bytes of a message read at a time to hash it


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


def renumbered(old: str, new: str) -> bool:
    """Both keys are of the inbox, under different UIDVALIDITYs: the server numbered its
    messages afresh (the folder recreated, restored) between the two readings."""
    if not (KEY.fullmatch(old) and KEY.fullmatch(new)):
        return False
    return parse_key(old)[0] != parse_key(new)[0]


def header_message_id(client: Any, uid: int) -> str:
    """The message's Message-ID header as written, or "" when it has none."""
    data = client.fetch([uid], ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"])
    raw = data.get(uid, {}).get(_MESSAGE_ID, b"")
    headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)
    return " ".join(str(headers.get("Message-ID") or "").split())


def move_one(client: Any, uid: int, folder: str) -> str | None:
    """Move one message; its key in folder ("<uidvalidity>:<uid>") when the server says it
    (COPYUID, RFC 4315, which a UIDPLUS server gives for MOVE and COPY alike), else None."""
    said = client._imap.untagged_responses
    said.pop("COPYUID", None)  # imaplib keeps them from command to command: only this move's
    move(client, [uid], folder)
    copied = said.pop("COPYUID", None)
    parts = copied[-1].split() if copied else []
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return f"{int(parts[0])}:{int(parts[2])}"
    return None  # none given, or a range (never for one message)


def aside_key(copied: str | None, message_id: str) -> str:
    return f"{ASIDE}{copied} {message_id}" if copied else f"{ASIDE}{message_id}"


def aside_uid(key: str) -> tuple[int, int] | None:
    """The (UIDVALIDITY, UID) an aside key names, or None when it names a Message-ID only."""
    found = _ASIDE_UID.match(key.removeprefix(ASIDE))
    return (int(found[1]), int(found[2])) if found else None


def find_one(client: Any, mail: Fingerprint) -> int | None:
    """The UID of this message in the selected folder: of those with its Message-ID, the one
    of its size; when size does not tell (two of one size, a server whose sizes are
    estimates), the one whose bytes are the stored ones. None when no such message is there."""
    if not mail.message_id or not mail.message_id.isascii():
        return None  # a SEARCH string is ASCII; such an id is not searched for
    uids: list[int] = sorted(client.search(["HEADER", "Message-ID", mail.message_id]))
    if not uids:
        return None
    sizes = client.fetch(uids, ["RFC822.SIZE"])
    same = [u for u in uids if int(sizes.get(u, {}).get(b"RFC822.SIZE") or -1) == mail.size]
    if len(same) == 1:
        return same[0]
    for uid in same or uids:
        if _sha256(client, uid) == mail.sha256:
            return uid
    # Several of its Message-ID and size, none byte for byte: any one of them, never all.
    return same[0] if same else None


def move_exact(client: Any, mail: Fingerprint, folder: str) -> bool:
    """Move the message of exactly the stored bytes from the selected folder, if it is there:
    never another of its Message-ID and size."""
    uid = find_one(client, mail)
    if uid is None or _sha256(client, uid) != mail.sha256:
        return False
    move(client, [uid], folder)
    return True


def _sha256(client: Any, uid: int) -> str:
    """The SHA-256 of a message's bytes, read a piece at a time (never held whole)."""
    digest, offset = hashlib.sha256(), 0
    while True:
        data = client.fetch([uid], [f"BODY.PEEK[]<{offset}.{_PIECE}>"]).get(uid, {})
        piece = next((v for k, v in data.items() if k.startswith(b"BODY[]")), None) or b""
        digest.update(piece)
        offset += len(piece)
        if len(piece) < _PIECE:
            return digest.hexdigest()
