"""Whether a new case repeats an open one: the same SIN sent again under a new Message-ID.

Messages are told apart by their bytes and their Message-ID (bot.services.store), and a SIN
re-sent by its referrer (a new Message-ID, a new Date) is new to both. Merging on a guess could
hide a second child, so a likely repeat is only flagged: the case, the triage list and the
digest name the case it may repeat, and the Business Manager closes one of them if it is.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, StoredMessage
from bot.core.message import MailMessage

# The same referrer, while the earlier case is this young, about a child with the same initials
# or in the same words with the same attachments.
WITHIN = timedelta(days=30)

Content = tuple[str, tuple[tuple[str, int], ...]]  # the words, and each attachment's name and size


def content_of(msg: MailMessage) -> Content:
    return " ".join(msg.text.split()), tuple(sorted((a.filename, a.size) for a in msg.attachments))


def possible_repeat(
    session: Session,
    case: Case,
    content: Content,
    now: datetime,
    read: Callable[[StoredMessage], Content],
) -> tuple[Case, str] | None:
    """An open case `case` may repeat, and what they share; None when there is none. `read`
    gives the content of an earlier case's first message (it is parsed only when asked)."""
    if not case.referrer_email:
        return None
    session.flush()  # the new case has its id, so it is not taken for its own repeat
    earlier = session.scalars(
        select(Case)
        .where(
            Case.id != case.id,
            Case.kind == "review",
            Case.status == "open",
            Case.referrer_email == case.referrer_email,
            Case.opened_at >= now - WITHIN,
        )
        .order_by(Case.opened_at.desc())
    )
    for other in earlier:
        if case.initials and other.initials:
            if other.initials == case.initials:
                return other, f"the same referrer and child's initials ({case.initials})"
            continue  # two children, whatever the covering email says
        first = _first_message(session, other)
        if content[0] and first is not None and read(first) == content:
            return other, "the same referrer, words and attachments"
    return None


def _first_message(session: Session, case: Case) -> StoredMessage | None:
    return session.scalar(
        select(StoredMessage)
        .where(StoredMessage.case_id == case.id)
        .order_by(StoredMessage.id)
        .limit(1)
    )
