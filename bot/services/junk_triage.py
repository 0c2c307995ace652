"""The messages in the mailbox's junk folder as `tscp-bot triage list` shows them, beside the
mail waiting for a person: from what the last look remembered (bot.services.junk_folder), so
listing them touches only the database. They carry no number: no triage command applies, the
bot never reads, moves or deletes junk, and one leaves the list when it leaves that folder."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import JunkSeen
from bot.config import Config
from bot.core.junk import looks_urgent, triage_order, triage_reason
from bot.core.stored_subject import stored_subject

STATUS = "in Junk Email"


def junk_entries(session: Session, config: Config) -> list[dict[str, Any]]:
    """One entry a message, shaped as the list's others: those that may start a clock first,
    then the rest, each part oldest first."""
    rows = list(session.scalars(select(JunkSeen).order_by(JunkSeen.first_seen_at, JunkSeen.key)))
    urgent = {
        r.key: looks_urgent(r.subject, config.agency_for_address(r.sender) is not None)
        for r in rows
    }
    by_key = {r.key: r for r in rows}
    return [
        {
            "id": None,
            "status": STATUS,
            "received_at": by_key[key].arrived_at,
            "kind": "junk",
            "from": by_key[key].sender or "(unknown sender)",
            "subject": stored_subject(by_key[key].subject) or "(no subject)",
            "reason": triage_reason(urgent[key]),
            "may_start_a_clock": urgent[key],
        }
        for key in triage_order([(r.key, urgent[r.key]) for r in rows])
    ]
