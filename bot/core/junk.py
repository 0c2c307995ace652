"""What to do about mail in the mailbox's junk folder, which the bot never reads: the Business
Manager is told of each message once, at once when it may start a clock, and it stays under
"Needs your attention" until it leaves that folder. Pure: the service gathers and applies."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

# A subject that may carry a SIN or a review: the listing gives no body to look at, so a
# subject alone decides, and a false alarm costs one email where a miss costs a clock.
_URGENT_SUBJECT = re.compile(
    r"\bSIN\b|serious\s+incident|rapid\s+review|safeguarding|child\s+death|\bCSPR\b|\bLCSPR\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class JunkSighting:
    key: str
    sender: str
    subject: str
    arrived_at: datetime | None


@dataclass(frozen=True)
class JunkChanges:
    new: tuple[JunkSighting, ...]  # to remember and list; the urgent ones told at once
    urgent: tuple[JunkSighting, ...]
    gone: frozenset[str]  # no longer in the junk folder: off the list
    # (old key, new key): a message remembered under a key it no longer has, the folder
    # renumbered (IMAP UIDVALIDITY changed: the folder recreated or restored).
    rekeyed: tuple[tuple[str, str], ...] = ()


def junk_changes(
    remembered: Collection[JunkSighting],
    present: Collection[str],
    listed: Collection[JunkSighting],
    partner: frozenset[str],
) -> JunkChanges:
    """`partner`: the listed senders whose domain the config knows as an agency's."""
    known = frozenset(r.key for r in remembered)
    fresh = [s for s in listed if s.key not in known and s.key in present]
    left = [r for r in remembered if r.key not in present]
    rekeyed = _same_messages(left, fresh)
    moved = frozenset(new for _, new in rekeyed)
    new = tuple(s for s in fresh if s.key not in moved)
    urgent = tuple(s for s in new if looks_urgent(s.subject, s.sender in partner))
    gone = frozenset(r.key for r in left) - frozenset(old for old, _ in rekeyed)
    return JunkChanges(new, urgent, gone, rekeyed)


def _same_messages(
    left: Collection[JunkSighting], fresh: Collection[JunkSighting]
) -> tuple[tuple[str, str], ...]:
    """Each fresh sighting that is a message which left under another key in the same look:
    the same sender, subject and arrival time, one to one (two alike and one remembered: one
    is new). No arrival time known: never taken as the same, told again rather than missed."""
    waiting: dict[tuple[str, str, datetime], list[str]] = {}
    for r in left:
        if r.arrived_at is not None:
            waiting.setdefault((r.sender, r.subject, r.arrived_at), []).append(r.key)
    pairs = []
    for s in fresh:
        olds = waiting.get((s.sender, s.subject, s.arrived_at)) if s.arrived_at else None
        if olds:
            pairs.append((olds.pop(0), s.key))
    return tuple(pairs)


def looks_urgent(subject: str, from_partner: bool) -> bool:
    """Whether a message in the junk folder may start a clock: told at once, and listed in
    every digest until it leaves the folder."""
    return from_partner or _URGENT_SUBJECT.search(subject) is not None


# The most junk lines one digest lists: a junk folder holds spam too, often hundreds of
# messages, and a list that long would bury the rest of "Needs your attention".
MOST_LISTED = 30


@dataclass(frozen=True)
class JunkListed:
    listed: tuple[str, ...]  # the keys to list, in the order given
    beyond: int  # to list, but past MOST_LISTED
    earlier: int  # listed in an earlier digest, none looking as if it may start a clock

    def rest_words(self) -> str | None:
        """The line for what is in the folder but not listed; None when all is listed."""
        parts = []
        if self.beyond:
            parts.append(f"{self.beyond} more not listed here (the list stops at {MOST_LISTED})")
        if self.earlier:
            parts.append(
                f"{self.earlier} listed in an earlier digest, none of them looking like a SIN "
                "or from a partner's domain"
            )
        if not parts:
            return None
        return f"Also still in Junk Email: {'; '.join(parts)}: look at the folder in Outlook"


def junk_to_list(rows: Collection[tuple[str, bool, bool]]) -> JunkListed:
    """Of the (key, looks urgent, new since the last digest) rows, oldest first, which the
    digest lists: every one that may start a clock, each day it stays; the rest once, in the
    first digest after they were seen; at most MOST_LISTED, the others counted."""
    chosen = [key for key, urgent, new in rows if urgent or new]
    listed = tuple(chosen[:MOST_LISTED])
    return JunkListed(listed, len(chosen) - len(listed), len(rows) - len(chosen))


def junk_line(sender: str, subject: str, arrived: str) -> str:
    """The digest's line, and the alert's: what is there and what to do."""
    return (
        f"In Junk Email: from {sender or 'an unknown sender'}, {subject or '(no subject)'}, "
        f"arrived {arrived}: if it is real, move it to the Inbox in Outlook; the bot then "
        "reads it, its clocks from when it arrived"
    )


def triage_order(rows: Collection[tuple[str, bool]]) -> list[str]:
    """Of the (key, looks urgent) rows, oldest first, the order `triage list` shows them in:
    those that may start a clock first, so that spam never pushes one out of sight."""
    return [key for key, urgent in rows if urgent] + [key for key, urgent in rows if not urgent]


def triage_reason(urgent: bool) -> str:
    """A junk message's reason on `triage list`: what to do, and how it leaves the list (no
    triage command applies: the bot never reads, moves or deletes junk)."""
    may = "may start a clock (a partner's domain, or a subject like a SIN or a review); "
    return (
        f"in Junk Email, not read: {may if urgent else ''}if it is real, move it to the Inbox "
        "in Outlook (the bot then reads it, its clocks from when it arrived); it leaves this "
        "list when it leaves Junk Email"
    )
