"""Today's digest queued once, on working days after the configured time.

Most passes find it not due or queued already, and answering that needs only the clock, the
calendar and one lookup by key: the digest's gathering (bot.services.digest and the dozen
modules it reads from, a third of what `run --once` loads) is imported only when there is a
digest to write.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.adapters.db.models import OutboxMessage
from bot.app import App
from bot.core.digest import digest_due


def send_digest_if_due(app: App) -> bool:
    """Queue today's digest if it is due and not yet queued; True when queued now."""
    now = app.clock.now()
    local = now.astimezone(app.config.partnership.time_zone)
    if not digest_due(local, app.config.digest.time, app.calendar):
        return False
    key = f"digest:{local.date().isoformat()}"
    with app.sessions() as session:
        # Every pass after the digest time asks; only the first of the day gathers anything.
        if session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key)):
            return False
        from bot.services.digest import queue_digest

        return queue_digest(session, app, key, now)
