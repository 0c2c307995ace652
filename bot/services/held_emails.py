"""An email that could not go as written when its day came: held, withdrawn or re-dated, said
on its case and told to the Business Manager in one line, at once.

Held (outbox status "held"): a notice to an outside body whose dates stopped being true while
it waited (bot.core.stated_dates). It is never sent as it is. It stays in `tscp-bot outbox
list` as held and under the digest's "Needs your attention" every day until the Business
Manager approves it again (`Approve <n>`, which checks it again and, for a notice of
publication, writes it as of that day) or drafts it afresh, which replaces it.

Withdrawn: an approved notice that no rewriting could make true (its case closed, the Rapid
Review submitted, the report published...), or an Appendix B request nobody awaits any more.
Never sent; the case's history and the digest say so.

Re-dated: an Appendix B request written again with the day it really goes (bot.services.review
.request_redating); the Business Manager is told what changed.

Re-written: an acknowledgement (complaint, SIN) or the Screening Panel's invitation written
again as of the day it goes (bot.services.rewording); the Business Manager is told what
changed, and sent it goes.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, OutboxMessage
from bot.app import App
from bot.core.deadlines import fmt_date
from bot.services.approvals import HELD
from bot.services.cases import add_event
from bot.services.digest_names import email_name
from bot.services.digest_types import Flag
from bot.services.mailout import queue_email
from bot.services.stale_chases import WITHDRAWN

REDATED = "redated"
HELD_EVENT = "email_held"  # in the digest while it is held (held_flags), not as an event
NOTICE_WITHDRAWN = "notice_withdrawn"  # a digest flag: bot.services.raised_flags.FLAG_EVENTS
WITHDRAWN_EVENT = "email_withdrawn"  # an email nobody approved, nothing owed on it: history
REDATED_EVENT = "email_redated"
REWORDED = "reworded"
REWORDED_EVENT = "email_reworded"
TELL = "untrue_when_sent"  # the email to the Business Manager


def not_sent_line(row: OutboxMessage, on: date, untrue: str, todo: str = "") -> str:
    """The one line the Business Manager is told: which email, that it did not go, why, and
    what to do."""
    then = f"; {todo}" if todo else ""
    return (
        f"Email #{row.id} ({email_name(row.event)}) to {', '.join(row.recipients)} was not "
        f"sent on {fmt_date(on)}: {untrue}{then}."
    )


def hold(session: Session, app: App, row: OutboxMessage, line: str, now: datetime) -> None:
    """Hold `row` (claimed by the caller): not sent, kept for a person to approve again."""
    row.status, row.last_error = HELD, line
    _record(session, row, HELD_EVENT, line, now, "held: what it says was no longer true")
    _tell(session, app, row, HELD, line, now)


def withdraw(
    session: Session, app: App, row: OutboxMessage, line: str, now: datetime, *, flag: bool = False
) -> None:
    """Withdraw `row` (claimed by the caller): never sent; an approved one, or one whose
    recipient is then owed something only a person can write (`flag`), is told and flagged."""
    row.status, row.last_error = WITHDRAWN, line
    told = row.requires_approval or flag
    what = NOTICE_WITHDRAWN if told else WITHDRAWN_EVENT
    _record(session, row, what, line, now, "withdrawn: nothing it says or asks still holds")
    if told:
        _tell(session, app, row, WITHDRAWN, line, now)


def redated(session: Session, app: App, row: OutboxMessage, line: str, now: datetime) -> None:
    """`row` was written again with the day it goes: said on the case and told."""
    _record(session, row, REDATED_EVENT, line, now, "re-dated to the day it really went")
    _tell(session, app, row, REDATED, line, now)


def reworded(
    session: Session,
    app: App,
    row: OutboxMessage,
    changed: str,
    todo: str,
    now: datetime,
    *,
    tell: bool = True,
) -> None:
    """`row` was written again as of the day it goes (`changed` says how): said on the case
    and, unless not to `tell`, told."""
    then = f"; {todo}" if todo else ""
    line = (
        f"Email #{row.id} ({email_name(row.event)}) to {', '.join(row.recipients)} could not "
        f"go as written: {changed}{then}."
    )
    _record(session, row, REWORDED_EVENT, line, now, "written again as of the day it went")
    if tell:
        _tell(session, app, row, REWORDED, line, now)


def _record(
    session: Session, row: OutboxMessage, what: str, line: str, now: datetime, why: str
) -> None:
    if row.case is not None:
        add_event(
            session,
            row.case,
            now,
            what,
            line,
            why=f"looked at again just before sending, it was {why}",
        )


def _tell(
    session: Session, app: App, row: OutboxMessage, outcome: str, line: str, now: datetime
) -> None:
    said = hashlib.sha256(line.encode()).hexdigest()[:12]
    queue_email(
        session,
        app,
        key=f"untrue-when-sent:{row.id}:{outcome}:{said}",
        event=TELL,
        to=[app.config.people.business_manager.email],
        now=now,
        case=row.case,
        context={
            "case": {"ref": row.case.ref if row.case is not None else ""},
            "email": {"id": row.id, "what": email_name(row.event), "to": list(row.recipients)},
            "outcome": outcome,
            "line": line,
        },
    )


def held_flags(session: Session) -> list[Flag]:
    """Every held email on an open case (or none), every day until it is dealt with."""
    rows = session.execute(
        select(Case.ref, OutboxMessage.id, OutboxMessage.last_error)
        .outerjoin(Case, Case.id == OutboxMessage.case_id)
        .where(OutboxMessage.status == HELD)
        .where((Case.id.is_(None)) | (Case.status == "open"))
        .order_by(OutboxMessage.id)
    ).all()
    return [
        {"ref": ref or "", "what": "email held, not sent", "detail": line or f"Email #{id_}"}
        for ref, id_, line in rows
    ]
