"""Whether a new case repeats an open one: the same SIN sent again under a new Message-ID.

Messages are told apart by their bytes and their Message-ID (bot.services.store), and a SIN
re-sent by its referrer (a new Message-ID, a new Date) is new to both. Merging on a guess could
hide a second child, so a likely repeat is only flagged: the case, the triage list and the
digest name the case it may repeat, and the Business Manager closes one of them if it is.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, StoredMessage
from bot.core.message import MailMessage

# The same referrer, while the earlier case is this young, about a child with the same initials
# or in the same words with the same attachments.
WITHIN = timedelta(days=30)

Content = tuple[str, tuple[tuple[str, int], ...]]  # the words, and each attachment's name and size
FINGERPRINT = "content_sha256"  # the key of a message's fingerprint in its classification


def content_of(msg: MailMessage) -> Content:
    return " ".join(msg.text.split()), tuple(sorted((a.filename, a.size) for a in msg.attachments))


def fingerprint(content: Content) -> str:
    """What a later SIN's content is compared with: kept on each message that opens a case
    (in its classification), so no earlier message is parsed again to be compared."""
    return hashlib.sha256(json.dumps(content).encode()).hexdigest()


def possible_repeat(
    session: Session,
    case: Case,
    content: Content,
    now: datetime,
    read: Callable[[StoredMessage], Content],
) -> tuple[Case, str] | None:
    """An open case `case` may repeat, and what they share; None when there is none. `read`
    gives the content of an earlier case's first message kept from before fingerprints were."""
    if not case.referrer_email:
        return None
    # Read without flushing: nothing this message changes decides which other cases match,
    # and the rows the session holds are read as it holds them (the identity map). A new case
    # not yet written has no id and is not in the table, so it cannot be its own repeat.
    others = [
        Case.kind == "review",
        Case.status == "open",
        Case.referrer_email == case.referrer_email,
        Case.opened_at >= now - WITHIN,
    ]
    if case.id is not None:
        others.append(Case.id != case.id)
    with session.no_autoflush:
        earlier = list(session.scalars(select(Case).where(*others).order_by(Case.opened_at.desc())))
        words = [o.id for o in earlier if not (case.initials and o.initials)]
        firsts = _first_messages(session, words) if content[0] and words else {}
    mine = fingerprint(content)
    for other in earlier:
        if case.initials and other.initials:
            if other.initials == case.initials:
                return other, f"the same referrer and child's initials ({case.initials})"
            continue  # two children, whatever the covering email says
        first = firsts.get(other.id)
        if first is not None and _fingerprint_of(session, first, read) == mine:
            return other, "the same referrer, words and attachments"
    return None


_First = tuple[int, dict[str, object] | None]  # a first message's id and classification


def _fingerprint_of(
    session: Session, first: _First, read: Callable[[StoredMessage], Content]
) -> str:
    row_id, classification = first
    kept = (classification or {}).get(FINGERPRINT)
    if isinstance(kept, str):
        return kept
    row = session.get(StoredMessage, row_id)  # kept from before fingerprints: read it again
    assert row is not None  # its case refers to it
    return fingerprint(read(row))


def _first_messages(session: Session, case_ids: list[int]) -> dict[int, _First]:
    """Each case's first message's id and classification, in one query however many cases:
    columns, not rows (loading each as an object cost more than comparing it). A message the
    session holds is read as it holds it, as loading it would."""
    first_ids = select(func.min(StoredMessage.id)).where(StoredMessage.case_id.in_(case_ids))
    found = session.execute(
        select(StoredMessage.id, StoredMessage.case_id, StoredMessage.classification).where(
            StoredMessage.id.in_(first_ids.group_by(StoredMessage.case_id).scalar_subquery())
        )
    )
    firsts: dict[int, _First] = {}
    for row_id, case_id, classification in found:
        held = session.identity_map.get(session.identity_key(StoredMessage, row_id))
        if isinstance(held, StoredMessage):
            case_id, classification = held.case_id, held.classification
        if case_id is not None:
            firsts[case_id] = (row_id, classification)
    return firsts
