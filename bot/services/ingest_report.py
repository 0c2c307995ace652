"""What one ingest pass did, for `run --once`, the daemon's mailbox job and `status`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from bot.adapters.mail_source import LeftInInbox
from bot.core.arrival import left_in_inbox
from bot.core.database_trouble import TroubleSoFar


@dataclass
class IngestReport:
    fetched: int = 0
    stored: int = 0
    duplicates: int = 0
    processed: int = 0
    failed: int = 0
    quarantined: int = 0  # could not be stored as received: kept raw, on the triage list
    not_stored: int = 0  # could not be stored at all: left in the inbox for the next pass
    released: int = 0
    waiting_for_a_person: int = 0  # seen in the inbox, kept there for the Business Manager
    errors: list[str] = field(default_factory=list)
    # The mailbox's own failure (logged and recorded for `status` by the pass itself).
    mailbox_error: str | None = None
    left: LeftInInbox = field(default_factory=LeftInInbox)
    left_before: date | None = None
    # The database's passing faults (a lock, a deadlock, a lost connection): never counted
    # against a message, said apart from the mailbox's.
    trouble: TroubleSoFar = field(default_factory=TroubleSoFar)

    @property
    def database_trouble(self) -> str | None:
        return self.trouble.line()

    def left_summary(self, tz: ZoneInfo) -> str | None:
        """The line about mail left behind by the `since` cut-off, if this pass left any."""
        if not self.left.count or self.left_before is None:
            return None
        oldest = self.left.oldest.astimezone(tz).date() if self.left.oldest else None
        return left_in_inbox(self.left.count, self.left_before, oldest)
