"""Case events and emails that a periodic job writes at its end, one INSERT per table for all.

The unit of work inserts each new object with its own INSERT ... RETURNING on SQLite: it
reads back every generated id, and SQLite gives no order to the rows a multi-row INSERT
returns. A reminder pass writing a thousand events and a few hundred emails spent most of its
time there. The ticks never use those rows again, so they are collected as plain values and
written with one executemany per table, in the order collected. A row that is used afterwards
(a draft waiting for approval: its id goes into the request) stays an ORM object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, CaseEvent, OutboxMessage
from bot.services.cases import BOT


@dataclass
class Batch:
    events: list[dict[str, Any]] = field(default_factory=list)
    emails: list[dict[str, Any]] = field(default_factory=list)

    def add_event(
        self,
        case: Case,
        at: datetime,
        what: str,
        detail: str,
        *,
        why: str = "",
        actor: str = BOT,
    ) -> None:
        """bot.services.cases.add_event, written by write()."""
        self.events.append(
            {
                "case_id": case.id,
                "at": at,
                "actor": actor,
                "what": what,
                "detail": detail,
                "why": why,
            }
        )

    def write(self, session: Session) -> None:
        """Insert everything collected so far. The outbox's unique key refuses an email queued
        already (by another instance meanwhile) here, and the caller's transaction with it."""
        if self.events:
            session.execute(insert(CaseEvent), self.events)
        if self.emails:
            # An ORM statement, not the table's: the outbox bell hears it (do_orm_execute).
            session.execute(insert(OutboxMessage), self.emails)
        self.events, self.emails = [], []
