"""The CSPR decision told to the three Designated Safeguarding Partners and the Independent
Scrutineer, copied to the Business Manager: the procedure has them "made aware of the review
outcome, the decision summary and next steps". One email per decision: the same decision
given again sends nothing; a reversed or moved one is told afresh. What it says (with the
reason when no CSPR is held) is kept with it (bot.core.stated_decisions) and looked at again
on the day it goes, so an email still waiting is written again rather than followed by
another; one already gone with a reason since given again is followed by one that corrects
it."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, OutboxMessage
from bot.app import App
from bot.config.model import STATUTORY_ROLES
from bot.core.resend_keys import is_resend, original_key
from bot.core.stated_dates import Stated
from bot.core.stated_decisions import CsprSaid, says_the_same
from bot.services.digest_names import email_name
from bot.services.mailout import queue_email
from bot.services.review.common import case_ctx, today

EVENT = "cspr_decision"


def tell_cspr_decision(
    session: Session,
    app: App,
    case: Case,
    decided_on: date,
    due: date | None,
    now: datetime,
    how: str,
) -> str:
    """`how`: how the due day was counted (bot.core.months_words), beside it in the email.
    Returns what the reply says of an email already gone that this one corrects, or ""."""
    people = app.config.people
    dsps = [app.config.statutory_agency(role).dsp for role in STATUTORY_ROLES]
    hold = bool(case.cspr)
    reason = None if hold else (case.cspr_rationale or "")
    base = f"{EVENT}:{case.ref}:{'yes' if hold else 'no'}:{decided_on.isoformat()}"
    rows = _telling(session, case)
    if _told_already(rows, CsprSaid(hold, decided_on, due, reason)):
        return ""
    key, gone = _fresh_key(session, base, rows, hold, decided_on)
    context = decision_context(case, hold, decided_on, due, how)
    if gone is not None:
        context["corrects"] = gone.sent_at
    row = queue_email(
        session,
        app,
        key=key,
        event=EVENT,
        to=[*(p.email for p in dsps if p is not None), people.independent_scrutineer.email],
        cc=[people.business_manager.email],
        now=now,
        case=case,
        context=context,
        stated=decision_stated(
            today(app, now), hold, decided_on, due, reason, reviewer=bool(case.reviewer_name)
        ),
    )
    if gone is None or row is None:
        return ""
    session.flush()  # its id, for the reply
    return (
        f"; email #{gone.id} ({email_name(EVENT)}) already went with the reason first given: "
        f"email #{row.id} gives them the reason as it now stands"
    )


def _told_already(rows: list[OutboxMessage], now: CsprSaid) -> bool:
    """Whether the last email of the decision tells `now`, or one of the same decision and
    day still waits to go: the check before sending writes it again if its reason changed
    (bot.services.decision_checks)."""
    said = [(r, s) for r in rows if (s := cspr_said(r)) is not None]
    if said and says_the_same(said[-1][1], now):
        return True
    return any(
        r.status == "pending" and (s.hold, s.decided_on) == (now.hold, now.decided_on)
        for r, s in said
    )


def _fresh_key(
    session: Session, base: str, rows: list[OutboxMessage], hold: bool, decided_on: date
) -> tuple[str, OutboxMessage | None]:
    """A key no email has yet for this decision (its first, or `base:<n>` after it), and the
    email of the same decision already sent that the new one corrects, if any."""
    used = session.scalars(
        select(OutboxMessage.idempotency_key).where(
            (OutboxMessage.idempotency_key == base)
            | OutboxMessage.idempotency_key.startswith(f"{base}:")
        )
    ).all()
    gone = [
        r
        for r in rows
        if r.status == "sent"
        and (s := cspr_said(r)) is not None
        and (s.hold, s.decided_on) == (hold, decided_on)
    ]
    key = base if not used else f"{base}:{len(used) + 1}"
    return key, (gone[-1] if gone and not hold else None)


def _telling(session: Session, case: Case) -> list[OutboxMessage]:
    """The case's CSPR decision emails that went or may go, in the order they were queued
    (not a copy for recipients a server put off: it says what its first said)."""
    rows = session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.case_id == case.id,
            OutboxMessage.event == EVENT,
            OutboxMessage.status.in_(("pending", "sent", "draft")),
        )
        .order_by(OutboxMessage.id)
    )
    return [r for r in rows if not is_resend(r.idempotency_key)]


def cspr_said(row: OutboxMessage) -> CsprSaid | None:
    """What a CSPR decision email says: kept with it, or read from its key
    (cspr_decision:<ref>:yes|no:<day>) when queued before that was kept."""
    stated = Stated.from_json(row.stated)
    kept = stated.kept if stated is not None else {}
    try:
        if "decided_on" in kept:
            due, reason = kept.get("report_due"), kept.get("reason")
            return CsprSaid(
                bool(kept.get("hold")),
                date.fromisoformat(str(kept["decided_on"])),
                date.fromisoformat(str(due)) if due else None,
                str(reason) if reason is not None else None,
            )
        parts = original_key(row.idempotency_key).split(":")
        return CsprSaid(parts[2] == "yes", date.fromisoformat(parts[3]))
    except (IndexError, ValueError):
        return None


def decision_context(
    case: Case, hold: bool, decided_on: date, due: date | None, how: str
) -> dict[str, object]:
    return {
        "case": case_ctx(case),
        "hold": hold,
        "decided_on": decided_on,
        "report_due": due,
        "report_due_how": how,
        "rationale": "" if hold else (case.cspr_rationale or ""),
        # Recorded while the email waited, it is written again saying so (decision_checks).
        "reviewer_appointed": hold and bool(case.reviewer_name),
        "corrects": None,  # when an email of this decision went with another reason: its time
    }


def decision_stated(
    on: date,
    hold: bool,
    decided_on: date,
    due: date | None,
    reason: str | None = None,
    *,
    reviewer: bool = False,
) -> Stated:
    """The decision as the email gives it, kept to look at again when it goes (`reviewer`:
    whether it says the independent reviewer is appointed)."""
    due_said = due.isoformat() if due is not None else None
    kept: dict[str, object] = {
        "hold": hold,
        "decided_on": decided_on.isoformat(),
        "report_due": due_said,
    }
    if reason is not None:
        kept["reason"] = reason
    if hold:
        kept["reviewer"] = reviewer
    return Stated(written_on=on, kept=kept)
