"""Which case a reply's thread belongs to: its In-Reply-To and References matched against the
mail we hold (filed on a case) and the mail we sent (about a case)."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, OutboxMessage, StoredMessage
from bot.core.case_refs import thread_ids
from bot.core.commands import Approve, ParsedCommands
from bot.core.message import MailMessage


def thread_case_ref(session: Session, msg: MailMessage) -> str | None:
    """The case a reply belongs to, from In-Reply-To/References matching mail we hold or sent:
    that of the nearest message the thread names that we know. A thread may run over several
    cases (a colleague's chain about one child going on about a sibling's new case, under a
    subject that lost its tag): the email answered is about the case the reply is, not the
    first one the thread began on."""
    ids = thread_ids(msg)
    if not ids:
        return None
    known: dict[str, str] = {}
    for query in (_held_by_id(ids), _sent_by_id(ids)):
        for message_id, ref in session.execute(query):
            known.setdefault(message_id, ref)
    return next((known[i] for i in ids if i in known), None)


def crossed_thread(session: Session | None, msg: MailMessage, ref: str | None) -> str | None:
    """The case a reply answers when its subject names another (`ref`): None when the thread
    is unknown or takes in `ref` (an escalation's thread also holds its linked case's mail)."""
    ids = thread_ids(msg)
    if session is None or ref is None or not ids:
        return None
    refs = set(session.scalars(_held(ids))) | set(session.scalars(_sent(ids)))
    return None if not refs or ref in refs else min(refs)


def _held_by_id(ids: list[str]) -> Select[str, str]:
    found = select(StoredMessage.message_id, Case.ref).join(Case, StoredMessage.case_id == Case.id)
    return found.where(StoredMessage.message_id.in_(ids)).order_by(StoredMessage.id)


def _sent_by_id(ids: list[str]) -> Select[str, str]:
    found = select(OutboxMessage.message_id, Case.ref).join(Case, OutboxMessage.case_id == Case.id)
    return found.where(OutboxMessage.message_id.in_(ids)).order_by(OutboxMessage.id)


def _held(ids: list[str]) -> Select[str]:
    """The cases of the thread's mail we hold, filed on one."""
    found = select(Case.ref).join(StoredMessage, StoredMessage.case_id == Case.id)
    return found.where(StoredMessage.message_id.in_(ids))


def _sent(ids: list[str]) -> Select[str]:
    """The cases of the thread's mail we sent about one."""
    found = select(Case.ref).join(OutboxMessage, OutboxMessage.case_id == Case.id)
    return found.where(OutboxMessage.message_id.in_(ids))


def case_of_approved_draft(session: Session, parsed: ParsedCommands) -> Case | None:
    """The case of the one draft an "Approve 12" names, when that is all the email says."""
    ids = {c.outbox_id for c in parsed.commands if isinstance(c, Approve) and c.outbox_id}
    if len(ids) != 1 or len(parsed.commands) != 1:
        return None
    draft = session.get(OutboxMessage, ids.pop())
    return draft.case if draft is not None and draft.status == "draft" else None
