"""Telling the referrer the Screening Panel's decision, as their acknowledgement promised.

Only the reference, the child's initials and the decision go out: not the votes, not who
voted, nothing else about the child. One email per real change of decision, and none at all
when no acknowledgement was sent (an automatic sender was never promised anything).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, OutboxMessage
from bot.app import App
from bot.core.screening_vote import CHOICE_LABELS
from bot.services.cases import add_event
from bot.services.mailout import queue_email

EVENT = "referrer_outcome"


def tell_referrer(session: Session, app: App, case: Case, choice: str, now: datetime) -> None:
    ack = _acknowledgement(session, case)
    if ack is None or not case.referrer_email:
        return
    told = _choices_told(session, case)
    if told and told[-1] == choice:
        return
    label = CHOICE_LABELS[choice]
    queue_email(
        session,
        app,
        key=f"{EVENT}:{case.ref}:{len(told) + 1}:{choice}",
        event=EVENT,
        to=[case.referrer_email],
        now=now,
        case=case,
        in_reply_to=f"<{ack.message_id}>",
        context={
            "case": {"ref": case.ref, "initials": case.initials},
            "decision": {"choice": choice, "label": label},
            "changed": bool(told),
        },
    )
    add_event(
        session,
        case,
        now,
        "referrer_told",
        f"Screening Panel decision sent to the referrer: {label}",
        why="the acknowledgement promised the referrer the outcome",
    )


def _acknowledgement(session: Session, case: Case) -> OutboxMessage | None:
    return session.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.case_id == case.id, OutboxMessage.event == "sin_acknowledgement")
        .order_by(OutboxMessage.id)
        .limit(1)
    )


def _choices_told(session: Session, case: Case) -> list[str]:
    """The decisions already sent to the referrer, oldest first (the key's last part)."""
    keys = session.scalars(
        select(OutboxMessage.idempotency_key)
        .where(OutboxMessage.idempotency_key.startswith(f"{EVENT}:{case.ref}:", autoescape=True))
        .order_by(OutboxMessage.id)
    )
    return [key.rsplit(":", 1)[1] for key in keys]
