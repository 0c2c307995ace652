"""Whether a new case repeats an open one: the same SIN sent again under a new Message-ID.

An open case of the same referrer repeats when the child's initials are the same; else (the
initials not read on both) when the words and attachments are the same, when the new message
holds nearly all the earlier one's words and brings no attachment it lacked (a line added, or
the earlier quoted whole), or when it replies to or forwards the earlier one's subject
(bot.core.likeness). Whoever sent it, a new SIN whose subject or text names an open case,
however typed ("tscp 2026 0001"), may repeat that case; and so does, whoever sent it, one whose
SIN form gives the same child's date of birth as an open case's form and the same initials or
incident date (the police and the hospital each notifying one incident: bot.services.
same_child).

Messages are told apart by their bytes and their Message-ID (bot.services.store), and a SIN
re-sent by its referrer (a new Message-ID, a new Date) is new to both. Merging on a guess could
hide a second child, so a likely repeat is only flagged: the case, the triage list and the
digest name the case it may repeat, and the Business Manager closes one of them if it is.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar

from sqlalchemy import Integer, bindparam, func, or_, select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, StoredMessage
from bot.core.likeness import nearly_contains, replies_to, runs_of, sample_of
from bot.core.message import MailMessage

# The same referrer, while the earlier case is this young, about a child with the same initials
# or in the same words with the same attachments.
WITHIN = timedelta(days=30)

Content = tuple[str, tuple[tuple[str, int], ...]]  # the words, and each attachment's name and size
FINGERPRINT = "content_sha256"  # the key of a message's fingerprint in its classification
SAMPLE = "words_sample"  # and of the sample of its words (bot.core.likeness)
ATTACHED = "attachments_crc"  # and of its attachments' names and sizes, hashed


def content_of(msg: MailMessage) -> Content:
    return " ".join(msg.text.split()), tuple(sorted((a.filename, a.size) for a in msg.attachments))


def fingerprint(content: Content) -> str:
    """What a later SIN's content is compared with: kept on each message that opens a case
    (in its classification), so no earlier message is parsed again to be compared."""
    return hashlib.sha256(json.dumps(content).encode()).hexdigest()


def kept_of(content: Content) -> dict[str, object]:
    """What a message that opens a case keeps (in its classification) for later SINs to be
    compared with, so no earlier message is parsed again."""
    return {
        FINGERPRINT: fingerprint(content),
        SAMPLE: sample_of(content[0]),
        ATTACHED: _attached(content),
    }


def _attached(content: Content) -> list[int]:
    return sorted({zlib.crc32(f"{name}\0{size}".encode()) for name, size in content[1]})


def named_open_case(session: Session, case: Case, named: tuple[str, ...]) -> Case | None:
    """The one open case among the references a new SIN's subject or text names, however
    typed; None when none is open, or several are (a person reads which)."""
    if not named:
        return None
    others = [Case.ref.in_(named), Case.kind == "review", Case.status == "open"]
    if case.id is not None:
        others.append(Case.id != case.id)
    with session.no_autoflush:
        found = list(session.scalars(select(Case).where(*others).limit(2)))
    return found[0] if len(found) == 1 else None


# The open cases of a referrer opened since a time, newest first; never the new case itself
# (`self`: its id, or None before it is written). Built once, not for every SIN: building
# the statement cost more than running it.
_EARLIER = (
    select(Case.id, Case.initials)
    .where(
        Case.kind == "review",
        Case.status == "open",
        Case.referrer_email == bindparam("referrer"),
        Case.opened_at >= bindparam("since"),
        or_(bindparam("self", type_=Integer).is_(None), Case.id != bindparam("self")),
    )
    .order_by(Case.opened_at.desc())
)


def possible_repeat(
    session: Session,
    case: Case,
    content: Content,
    now: datetime,
    read: Callable[[StoredMessage], Content],
    subject: str = "",
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
    # On the session's connection: the ORM's execution of a statement of plain columns cost
    # more than the query; a referrer's first SIN (most of them) finds no row and stops here,
    # before its words are sampled for a comparison with nothing.
    asked = {"referrer": case.referrer_email, "since": now - WITHIN, "self": case.id}
    found = session.connection().execute(_EARLIER, asked).all()
    if not found:
        return None
    changed = _changed(session, Case)
    earlier = [(i, changed[i].initials if i in changed else s) for i, s in found]
    words = [i for i, initials in earlier if not (case.initials and initials)]
    with session.no_autoflush:
        firsts = _first_messages(session, words) if words else {}
    mine = _Mine(fingerprint(content), runs_of(content[0]), set(_attached(content)), subject)
    for other_id, initials in earlier:
        if case.initials and initials:
            if initials == case.initials:
                return _case(session, other_id), (
                    f"the same referrer and child's initials ({case.initials})"
                )
            continue  # two children, whatever the covering email says
        first = firsts.get(other_id)
        shared = _shared(session, first, mine, read) if first is not None else None
        if shared:
            return _case(session, other_id), shared
    return None


@dataclass(frozen=True)
class Earlier:
    """The open case a new one may repeat, as the flag names it, and what the two share."""

    ref: str
    sin_received_on: date
    shared: str


@dataclass(frozen=True)
class _Mine:
    fingerprint: str
    runs: frozenset[int]
    attached: set[int]
    subject: str


def _shared(
    session: Session, first: _First, mine: _Mine, read: Callable[[StoredMessage], Content]
) -> str | None:
    """What the new message shares with an earlier case's first message, if enough."""
    kept = _kept(session, first, read)
    if kept[FINGERPRINT] == mine.fingerprint:
        return "the same referrer, words and attachments"
    attached = kept[ATTACHED]
    nothing_new = isinstance(attached, list) and mine.attached <= set(attached)
    sample = kept[SAMPLE]
    if nothing_new and isinstance(sample, list) and nearly_contains(mine.runs, sample):
        return "the same referrer and nearly the same words"
    if nothing_new and first[2] and replies_to(mine.subject, first[2]):
        return f"the same referrer, replying to or forwarding its email ({first[2]!r})"
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


# A first message's id, classification and subject.
_First = tuple[int, dict[str, object] | None, str]


def _kept(
    session: Session, first: _First, read: Callable[[StoredMessage], Content]
) -> dict[str, object]:
    row_id, classification, _ = first
    kept = classification or {}
    if all(key in kept for key in (FINGERPRINT, SAMPLE, ATTACHED)):
        return kept
    with session.no_autoflush:  # kept from before these were: read it again
        row = session.get(StoredMessage, row_id)
    assert row is not None  # its case refers to it
    return kept_of(read(row))


_FIRST_IDS = (
    select(func.min(StoredMessage.id))
    .where(StoredMessage.case_id.in_(bindparam("cases", expanding=True)))
    .group_by(StoredMessage.case_id)
    .scalar_subquery()
)
_FIRSTS = select(
    StoredMessage.id, StoredMessage.case_id, StoredMessage.classification, StoredMessage.subject
).where(StoredMessage.id.in_(_FIRST_IDS))


def _first_messages(session: Session, case_ids: list[int]) -> dict[int, _First]:
    """Each case's first message's id and classification, in one query however many cases."""
    found = session.execute(_FIRSTS, {"cases": case_ids})
    changed = _changed(session, StoredMessage)
    firsts: dict[int, _First] = {}
    for row_id, case_id, classification, subject in found:
        if row_id in changed:
            row = changed[row_id]
            case_id, classification, subject = row.case_id, row.classification, row.subject
        if case_id is not None:
            firsts[case_id] = (row_id, classification, subject or "")
    return firsts
