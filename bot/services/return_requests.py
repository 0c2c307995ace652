"""Which Appendix B request a reply answers: its In-Reply-To and References matched against
the request emails the bot sent on the case (bot.core.return_agency decides from it)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, OutboxMessage
from bot.app import App
from bot.core.case_refs import thread_ids
from bot.core.forms import Extraction
from bot.core.message import MailMessage
from bot.core.resend_keys import original_key
from bot.core.return_rounds import request_agency


def replied_request_agency(session: Session, case: Case, msg: MailMessage) -> str | None:
    """The agency of the nearest request email of `case` in the reply's thread, if any."""
    ids = thread_ids(msg)
    if not ids:
        return None
    sent = dict(
        session.execute(
            select(OutboxMessage.message_id, OutboxMessage.idempotency_key).where(
                OutboxMessage.case_id == case.id,
                OutboxMessage.event == "appendix_b_request",
                OutboxMessage.message_id.in_(ids),
            )
        ).all()
    )
    return next((request_agency(original_key(sent[i])) for i in ids if i in sent), None)


def form_agency(app: App, form: Extraction | None) -> str | None:
    """The configured agency a return's Agency field names (its key or its name), if one."""
    field = form.fields.get("agency") if form is not None and form.form == "appendix_b" else None
    if field is None or not isinstance(field.value, str):
        return None
    agency = app.config.agency(field.value)
    return agency.key if agency is not None else None
