"""Notices already sent to outside bodies that a change just recorded makes untrue.

Each notice states dates (the CSPR decision, the National Panel's notification, the report's
sending) and promises to say if they change. A change that makes one untrue is never left
unremarked: the Business Manager is told in the reply and under "Needs your attention".
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, OutboxMessage
from bot.services.cases import add_event
from bot.services.digest_names import email_name

NOTICE_OUTDATED = "sent_notice_outdated"


def told_otherwise(
    session: Session, case: Case, event: str, now: datetime, what: str, *, sent_only: bool = False
) -> str:
    """A notice of `event` already sent (or approved and on its way) that the change just
    recorded makes untrue: the Business Manager is told, in the reply and under "Needs your
    attention", that it `what` ("gave the old date ...: tell ..."). Returns what to add to
    the reply, or "". `sent_only`: one still waiting to go is written again as the case then
    stands (bot.core.stated_acks), so only one gone counts."""
    statuses = ("sent",) if sent_only else ("pending", "sent")
    sent = session.scalars(
        select(OutboxMessage.id).where(
            OutboxMessage.case_id == case.id,
            OutboxMessage.event == event,
            OutboxMessage.status.in_(statuses),
        )
    ).all()
    if not sent:
        return ""
    ids = ", ".join(f"#{i}" for i in sent)
    said = f"the {_in_sentence(email_name(event))} already sent ({ids}) {what}"
    add_event(session, case, now, NOTICE_OUTDATED, said[:1].upper() + said[1:])
    return f"; {said}"


def _in_sentence(name: str) -> str:
    """The email's name inside a sentence: lower case, but an acronym kept ("CSPR decision to
    the partners", not "cspr decision")."""
    return " ".join(word if word.isupper() else word.lower() for word in name.split())
