"""Batched fetching over IMAP: which waiting UIDs the next batch takes, bounded in count and
bytes, and reading their raw bytes (a large message a piece at a time)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.adapters.listing import any_whole
from bot.adapters.mail_source import (
    IncomingMail,
    MailboxError,
    MessageGone,
    Refused,
    Unreadable,
    arrived_before,
    looks_like_an_outage,
    unread,
)

FETCH_CHUNK = 100  # UIDs per FETCH, so one huge inbox does not become one huge response
_PIECE = 2_000_000  # bytes per partial FETCH of a message larger than this


@dataclass
class BatchPlan:
    """The UIDs the next batch fetches (with their arrival times and sizes), those it passes
    as older than the cut-off, and the last UID it covers."""

    wanted: list[tuple[int, datetime | None]] = field(default_factory=list)
    old: dict[int, datetime | None] = field(default_factory=dict)
    last: int = 0
    sizes: dict[int, int] = field(default_factory=dict)  # RFC822.SIZE of the wanted UIDs


def uidnext(status: dict[bytes, Any]) -> int | None:
    value = status.get(b"UIDNEXT")
    return int(value) if value is not None else None


def uids_above(client: Any, floor: int) -> list[int]:
    criteria = ["UID", f"{floor + 1}:*"] if floor else "ALL"
    # "N:*" also matches the last message when N is past the end, hence the filter.
    return sorted(uid for uid in client.search(criteria) if uid > floor)


def plan_batch(
    client: Any,
    uids: list[int],
    arrived_since: datetime | None,
    max_messages: int,
    max_bytes: int,
) -> BatchPlan:
    """At most `max_messages` and `max_bytes` (at least one message, however large). Sizes
    and arrival times are asked for a chunk at a time, so a 5,000-message backlog is not
    listed in one reply."""
    plan = BatchPlan()
    size = 0
    for start in range(0, len(uids), FETCH_CHUNK):
        if len(plan.wanted) >= max_messages:
            # Full: the next chunk's sizes and dates would only be asked for to be dropped
            # (the next batch asks again), a FETCH of a whole chunk for nothing.
            return plan
        chunk = uids[start : start + FETCH_CHUNK]
        data = client.fetch(chunk, ["INTERNALDATE", "RFC822.SIZE"])
        for uid in chunk:
            if uid not in data:
                plan.last = uid  # expunged meanwhile
                continue
            arrived = _aware_utc(data[uid].get(b"INTERNALDATE"))
            # Exact, per message: SEARCH SINCE would be whole days in the server's zone.
            if arrived_before(arrived, arrived_since):
                plan.old[uid], plan.last = arrived, uid
                continue
            bytes_ = int(data[uid].get(b"RFC822.SIZE") or 0)
            if plan.wanted and (len(plan.wanted) >= max_messages or size + bytes_ > max_bytes):
                return plan
            plan.wanted.append((uid, arrived))
            plan.sizes[uid] = bytes_
            size, plan.last = size + bytes_, uid
    return plan


def fetch_raw(client: Any, plan: BatchPlan, uidvalidity: int) -> list[IncomingMail]:
    wanted = plan.wanted
    if not wanted:
        return []
    if len(wanted) == 1 and plan.sizes.get(wanted[0][0], 0) > _PIECE:
        uid, arrived = wanted[0]
        raw = _fetch_in_pieces(client, uid)
        return [] if raw is None else [IncomingMail(f"{uidvalidity}:{uid}", raw, arrived)]
    # PEEK: reading must not set \Seen, people share this mailbox. One FETCH for the batch,
    # already bounded in count and bytes.
    data = client.fetch([uid for uid, _ in wanted], ["BODY.PEEK[]"])
    # A UID missing from the reply was expunged meanwhile; skip it.
    return [
        IncomingMail(key=f"{uidvalidity}:{uid}", raw=data[uid][b"BODY[]"], arrived_at=at)
        for uid, at in wanted
        if uid in data and b"BODY[]" in data[uid]
    ]


def read_past_refusals(
    plan: BatchPlan,
    uidvalidity: int,
    read_one: Callable[[BatchPlan], list[IncomingMail]],
    failed: MailboxError,
) -> tuple[list[IncomingMail], tuple[Refused, ...]]:
    """A batch whose FETCH the server refused (Dovecot answers a mail file it cannot open with
    BYE, Exchange an item it cannot turn into MIME with NO, each failing every message of
    the FETCH), read one message at a time: the messages, each one refused standing as an
    unreadable placeholder, and those refused (bot.services.stuck_messages counts them and
    sets them aside once they prove lasting). Only when the server gave another message of
    the batch whole: otherwise (a message alone cannot be told from an outage), once reads
    fail as in an outage, or if the inbox changed under its UIDs, `failed` is raised."""
    if len(plan.wanted) < 2:
        raise failed
    results: list[IncomingMail | Refused] = []
    for uid, arrived in plan.wanted:
        one = BatchPlan(wanted=[(uid, arrived)], last=uid, sizes={uid: plan.sizes.get(uid, 0)})
        try:
            results += read_one(one)  # nothing when it was expunged meanwhile
        except MessageGone:
            raise failed from None
        except MailboxError as exc:
            error = " ".join(str(exc).split())
            results.append(Refused(f"{uidvalidity}:{uid}", arrived, Unreadable(error)))
            if looks_like_an_outage(results):
                raise failed from None
    if not any_whole(results):
        raise failed
    messages = [
        r if isinstance(r, IncomingMail) else unread(r.key, r.arrived_at, r.unreadable)
        for r in results
    ]
    return messages, tuple(r for r in results if isinstance(r, Refused))


def _fetch_in_pieces(client: Any, uid: int) -> bytes | None:
    """A large message read a piece at a time into one buffer of its size: imaplib holds a
    literal about three times over while it reads it, so a 25 MB message read whole would
    cost 100 MB for a moment. None when it was expunged meanwhile."""
    buffer = bytearray()
    while True:
        item = f"BODY.PEEK[]<{len(buffer)}.{_PIECE}>"
        data = client.fetch([uid], [item]).get(uid)
        if data is None:
            return None
        piece = next((v for k, v in data.items() if k.startswith(b"BODY[]")), None)
        if piece is None:
            return None
        buffer += piece
        if len(piece) < _PIECE:
            # The bytearray is the message; bytes() would copy it once more.
            return buffer  # type: ignore[return-value]


def _aware_utc(value: object) -> datetime | None:
    """INTERNALDATE as aware UTC; None when the server sent none (or no zone to trust)."""
    if not isinstance(value, datetime) or value.utcoffset() is None:
        return None
    return value.astimezone(UTC)
