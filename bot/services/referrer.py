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
from bot.core.stated_dates import Stated
from bot.services.cases import add_event
from bot.services.mailout import queue_email
from bot.services.stale_chases import WITHDRAWN

EVENT = "referrer_outcome"


def tell_referrer(session: Session, app: App, case: Case, choice: str, now: datetime) -> None:
    ack = _acknowledgement(session, case)
    if ack is None or not case.referrer_email:
        return
    queued, told = _choices_told(session, case)
    if told and told[-1] == choice:
        return
    label = CHOICE_LABELS[choice]
    on = now.astimezone(app.config.partnership.time_zone).date()
    queue_email(
        session,
        app,
        key=f"{EVENT}:{case.ref}:{queued + 1}:{choice}",
        event=EVENT,
        to=[case.referrer_email],
        now=now,
        case=case,
        in_reply_to=f"<{ack.message_id}>",
        context=outcome_context(case, choice, bool(told)),
        stated=Stated(written_on=on, kept={"choice": choice, "changed": bool(told)}),
    )
    add_event(
        session,
        case,
        now,
        "referrer_told",
        f"Screening Panel decision sent to the referrer: {label}",
        why="the acknowledgement promised the referrer the outcome",
    )


def outcome_context(case: Case, choice: str, changed: bool) -> dict[str, object]:
    return {
        "case": {"ref": case.ref, "initials": case.initials},
        "decision": {"choice": choice, "label": CHOICE_LABELS[choice]},
        "changed": changed,
    }


def _acknowledgement(session: Session, case: Case) -> OutboxMessage | None:
    return session.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.case_id == case.id, OutboxMessage.event == "sin_acknowledgement")
        .order_by(OutboxMessage.id)
        .limit(1)
    )


def _choices_told(session: Session, case: Case) -> tuple[int, list[str]]:
    """How many outcome emails were queued for the referrer, and the decisions told, or to be
    told, oldest first (the key's last part). One withdrawn unsent told nothing: the same
    decision made again is emailed."""
    rows = session.execute(
        select(OutboxMessage.idempotency_key, OutboxMessage.status)
        .where(OutboxMessage.idempotency_key.startswith(f"{EVENT}:{case.ref}:", autoescape=True))
        .order_by(OutboxMessage.id)
    ).all()
    return len(rows), [key.rsplit(":", 1)[1] for key, status in rows if status != WITHDRAWN]
