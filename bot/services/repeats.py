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
from typing import TypeVar

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
    # Read without flushing, as columns: nothing this message changes decides which other
    # cases match, and loading every earlier case of a busy referrer as an object cost more
    # than comparing them. A row changed in this session is read as it holds it, as loading
    # it would. A new case not yet written has no id and is not in the table, so it cannot be
    # its own repeat.
    others = [
        Case.kind == "review",
        Case.status == "open",
        Case.referrer_email == case.referrer_email,
        Case.opened_at >= now - WITHIN,
    ]
    if case.id is not None:
        others.append(Case.id != case.id)
    changed = _changed(session, Case)
    with session.no_autoflush:
        found = session.execute(
            select(Case.id, Case.initials).where(*others).order_by(Case.opened_at.desc())
        )
        earlier = [(i, changed[i].initials if i in changed else s) for i, s in found]
        words = [i for i, initials in earlier if not (case.initials and initials)]
        firsts = _first_messages(session, words) if content[0] and words else {}
    mine = fingerprint(content)
    for other_id, initials in earlier:
        if case.initials and initials:
            if initials == case.initials:
                return _case(session, other_id), (
                    f"the same referrer and child's initials ({case.initials})"
                )
            continue  # two children, whatever the covering email says
        first = firsts.get(other_id)
        if first is not None and _fingerprint_of(session, first, read) == mine:
            return _case(session, other_id), "the same referrer, words and attachments"
    return None


def _case(session: Session, case_id: int) -> Case:
    with session.no_autoflush:
        found = session.get(Case, case_id)
    assert found is not None  # read a moment ago in this transaction
    return found


_Row = TypeVar("_Row", Case, StoredMessage)


def _changed(session: Session, kind: type[_Row]) -> dict[int, _Row]:
    """The rows of `kind` changed in this session and not yet written, by id."""
    return {o.id: o for o in session.dirty if isinstance(o, kind)}


_First = tuple[int, dict[str, object] | None]  # a first message's id and classification


def _fingerprint_of(
    session: Session, first: _First, read: Callable[[StoredMessage], Content]
) -> str:
    row_id, classification = first
    kept = (classification or {}).get(FINGERPRINT)
    if isinstance(kept, str):
        return kept
    with session.no_autoflush:  # kept from before fingerprints: read it again
        row = session.get(StoredMessage, row_id)
    assert row is not None  # its case refers to it
    return fingerprint(read(row))


def _first_messages(session: Session, case_ids: list[int]) -> dict[int, _First]:
    """Each case's first message's id and classification, in one query however many cases."""
    first_ids = select(func.min(StoredMessage.id)).where(StoredMessage.case_id.in_(case_ids))
    found = session.execute(
        select(StoredMessage.id, StoredMessage.case_id, StoredMessage.classification).where(
            StoredMessage.id.in_(first_ids.group_by(StoredMessage.case_id).scalar_subquery())
        )
    )
    changed = _changed(session, StoredMessage)
    firsts: dict[int, _First] = {}
    for row_id, case_id, classification in found:
        if row_id in changed:
            case_id, classification = changed[row_id].case_id, changed[row_id].classification
        if case_id is not None:
            firsts[case_id] = (row_id, classification)
    return firsts
