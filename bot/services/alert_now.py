"""Mail put before the Business Manager at once: the email that says the bot did not act on a
message that may hold a running clock, or on only part of it (the plan's AlertNow)."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy.orm import Session

from bot.adapters.db.models import StoredMessage
from bot.app import App
from bot.core.message import MailMessage
from bot.core.plan_effects import AlertNow
from bot.services.attention import agency_name, sender_label
from bot.services.mailout import queue_email


def alert_now(
    session: Session,
    app: App,
    row: StoredMessage,
    msg: MailMessage,
    alert: AlertNow,
    now: datetime,
    case_ref: str | None = None,
) -> None:
    """`case_ref`: the case the message opened or was filed on, if any; named only when the
    bot acted on part of the email (`alert.first_form`): what it did, then what is left."""
    # One email per message and reason; never threaded on a case, which may be the wrong one.
    why = alert.why
    acted = (
        {"form": alert.first_form, "opened": alert.opened, "ref": case_ref}
        if alert.first_form and case_ref
        else None
    )
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
            # What the bot did do with it, when it acted on part of it: else None.
            "acted": acted,
        },
    )
