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


def junk_changes(
    remembered: Collection[str],
    present: Collection[str],
    listed: Collection[JunkSighting],
    partner: frozenset[str],
) -> JunkChanges:
    """`partner`: the listed senders whose domain the config knows as an agency's."""
    new = tuple(s for s in listed if s.key not in remembered and s.key in present)
    urgent = tuple(s for s in new if s.sender in partner or _URGENT_SUBJECT.search(s.subject))
    return JunkChanges(new, urgent, frozenset(remembered) - frozenset(present))


def junk_line(sender: str, subject: str, arrived: str) -> str:
    """The digest's line, and the alert's: what is there and what to do."""
    return (
        f"In Junk Email: from {sender or 'an unknown sender'}, {subject or '(no subject)'}, "
        f"arrived {arrived}: if it is real, move it to the Inbox in Outlook; the bot then "
        "reads it, its clocks from when it arrived"
    )
