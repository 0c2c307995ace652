"""The receipt an agency is sent when its Appendix B return is recorded.

Agencies just email their returns, and the procedure expects them by a date: an agency that
hears nothing may send the return again, or think it lost. The receipt names the case by its
reference and the child's initials only, and says when the return arrived, as the mailbox
recorded it (never a read time as if it were the arrival). Whether it is sent at all was
decided with the message's plan (bot.core.message_plan: never to automatic mail or a no-reply
address, and within the loop guard's daily share).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, StoredMessage
from bot.app import App
from bot.services.digest_names import agency
from bot.services.mailout import queue_email
from bot.services.store import FETCH_TIME

RETURN_RECEIPT = "appendix_b_receipt"


def send_receipt(
    session: Session,
    app: App,
    case: Case,
    row: StoredMessage,
    agency_key: str,
    *,
    read: bool,
    now: datetime,
) -> None:
    """Queue the receipt to the return's sender. `read`: the return was read as an Appendix B
    form; when not, the receipt says a person will look at the document. Keyed on the message:
    the same email processed again is not answered twice."""
    queue_email(
        session,
        app,
        key=f"return-receipt:{row.sha256}",
        for_message=row,
        event=RETURN_RECEIPT,
        to=[row.from_addr],
        now=now,
        case=case,
        in_reply_to=f"<{row.message_id}>",
        context={
            "case": {"ref": case.ref, "initials": case.initials},
            "agency": {"name": agency(app, agency_key)},
            "received_at": row.received_at.astimezone(app.config.partnership.time_zone),
            "arrival_unknown": row.received_source == FETCH_TIME,
            "read": read,
        },
    )
