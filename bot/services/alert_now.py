"""Mail put before the Business Manager at once: the email that says the bot did not act on a
message that may hold a running clock (the plan's AlertNow)."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy.orm import Session

from bot.adapters.db.models import StoredMessage
from bot.app import App
from bot.core.message import MailMessage
from bot.services.attention import agency_name, sender_label
from bot.services.mailout import queue_email


def alert_now(
    session: Session, app: App, row: StoredMessage, msg: MailMessage, why: str, now: datetime
) -> None:
    # One email per message and reason; never threaded on a case, which may be the wrong one.
    said = hashlib.sha256(why.encode()).hexdigest()[:12]
    queue_email(
        session,
        app,
        key=f"triage-alert:{row.sha256}:{said}",
        for_message=row,
        event="triage_alert",
        to=[app.config.people.business_manager.email],
        now=now,
        context={
            "sender": sender_label(msg),
            "agency": agency_name(app, msg.from_addr),
            "received_at": row.received_at,
            "message_id": row.id,
            "why": why,
        },
    )
