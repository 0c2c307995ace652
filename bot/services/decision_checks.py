"""An email telling an outside body of a decision (the CSPR decision to the partners and the
Scrutineer, the Screening Panel's decision to the referrer), looked at again just before the
outbox sends it: bot.core.stated_decisions decides, from what it says and the case as it
stands; here that is gathered and carried out under the outbox's claim. Withdrawn or written
again, the case's history says why (bot.services.held_emails)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, OutboxMessage
from bot.app import App
from bot.core.deadlines import RULES
from bot.core.months_words import months_counted
from bot.core.resend_keys import is_resend, original_key
from bot.core.stated_dates import Stated
from bot.core.stated_decisions import (
    CSPR_DECISION,
    SCREENING_OUTCOME,
    CsprSaid,
    DecisionVerdict,
    Fate,
    cspr_on_sending,
    outcome_on_sending,
    referrer_on_sending,
    says_the_same,
)
from bot.services import held_emails
from bot.services.cases import add_event
from bot.services.digest_names import email_name
from bot.services.mailout import rewrite_unsent
from bot.services.referrer import outcome_context
from bot.services.review.cspr_outcome import decision_context, decision_stated
from bot.services.stated_facts import day_of

WAITING_OUTDATED = "waiting_email_outdated"  # the case's history: not a flag, nothing to do
# Emails that may still go, or went, and so tell their recipients what they say.
_TELLING = ("pending", "sent")


def still_true(app: App, session: Session, row: OutboxMessage) -> bool:
    """Whether `row` (claimed by the caller) goes, written again first maybe; False when it
    is withdrawn."""
    case = row.case
    if case is None:
        return True
    if row.event == CSPR_DECISION:
        verdict = _cspr_verdict(session, case, row)
    elif row.event == SCREENING_OUTCOME:
        choice = _outcome_said(row)
        verdict = outcome_on_sending(choice, case.decision) if choice else None
    else:
        verdict = _referrer_verdict(session, case, row)
    if verdict is None:
        return True
    now = app.clock.now()
    # A copy for recipients the server put off goes with the words the others were sent, or
    # not at all.
    fresh = verdict.fate is Fate.REWRITE and not is_resend(row.idempotency_key)
    if fresh and _rewrite(app, case, row, day_of(app, now)):
        done = "" if row.event != CSPR_DECISION else ": it was written again with that decision"
        held_emails.reworded(session, app, row, f"{verdict.untrue}{done}", "", now)
        return True
    line = held_emails.not_sent_line(row, day_of(app, now), verdict.untrue)
    held_emails.withdraw(session, app, row, line, now)
    return False


def waiting_cspr_decisions(session: Session, case: Case, now: datetime) -> str:
    """The CSPR decision emails not sent yet (the mail server down) that the decision just
    recorded makes untrue, and what becomes of each when it comes to go: said in the reply
    (returned, "; ...") and the case's history. None goes as it was written."""
    said = []
    for row in _rows(session, case, CSPR_DECISION):
        verdict = _cspr_verdict(session, case, row) if row.status == "pending" else None
        if verdict is None:
            continue
        then = (
            "it will not go"
            if verdict.fate is Fate.WITHDRAW
            else "it is written again with that decision before it goes"
        )
        name = email_name(CSPR_DECISION)
        said.append(f"email #{row.id} ({name}), not sent yet: {verdict.untrue}; {then}")
    for line in said:
        add_event(session, case, now, WAITING_OUTDATED, line[:1].upper() + line[1:])
    return "".join(f"; {line}" for line in said)


def _cspr_verdict(session: Session, case: Case, row: OutboxMessage) -> DecisionVerdict | None:
    said = _cspr_said(row)
    if said is None:
        return None
    others = [
        (r.id, s)
        for r in _rows(session, case, row.event)
        if r.id != row.id and (s := _cspr_said(r)) is not None
    ]
    now = _cspr_now(case, said, [s for _, s in others])
    told_by = next((i for i, s in others if now is not None and says_the_same(s, now)), None)
    return cspr_on_sending(said, now, told_by)


def _cspr_now(case: Case, said: CsprSaid, others: list[CsprSaid]) -> CsprSaid | None:
    """The decision as the case records it. A "no" keeps no day on the case: it is the day
    the last "no" email gives (its own, when it is the last)."""
    if case.cspr is None:
        return None
    if case.cspr:
        clock = next((d for d in case.deadlines if d.name == "cspr_report"), None)
        return CsprSaid(True, clock.start, clock.due) if clock is not None else None
    noes = [s.decided_on for s in (*others, said) if not s.hold]
    return CsprSaid(False, max(noes, default=said.decided_on))


def _cspr_said(row: OutboxMessage) -> CsprSaid | None:
    """What a CSPR decision email says: kept with it, or read from its key
    (cspr_decision:<ref>:yes|no:<day>) when queued before that was kept."""
    stated = Stated.from_json(row.stated)
    kept = stated.kept if stated is not None else {}
    try:
        if "decided_on" in kept:
            due = kept.get("report_due")
            return CsprSaid(
                bool(kept.get("hold")),
                date.fromisoformat(str(kept["decided_on"])),
                date.fromisoformat(str(due)) if due else None,
            )
        parts = original_key(row.idempotency_key).split(":")
        return CsprSaid(parts[2] == "yes", date.fromisoformat(parts[3]))
    except (IndexError, ValueError):
        return None


def _referrer_verdict(session: Session, case: Case, row: OutboxMessage) -> DecisionVerdict | None:
    choice, changed = _referrer_said(row)
    if is_resend(row.idempotency_key):  # the others were told it: only a change stops it
        return referrer_on_sending(choice, False, case.decision, None)
    sent = [r for r in _rows(session, case, row.event) if r.status == "sent" and r.id != row.id]
    latest = max(sent, key=lambda r: (r.sent_at is not None, r.sent_at, r.id), default=None)
    last_sent = _referrer_said(latest)[0] if latest is not None else None
    return referrer_on_sending(choice, changed, case.decision, last_sent)


def _referrer_said(row: OutboxMessage) -> tuple[str, bool]:
    """The decision an outcome email gives and whether it says it changed: kept with it, or
    read from its key (referrer_outcome:<ref>:<n>:<choice>, changed after the first)."""
    stated = Stated.from_json(row.stated)
    kept = stated.kept if stated is not None else {}
    parts = original_key(row.idempotency_key).split(":")
    choice = str(kept.get("choice", parts[-1]))
    changed = kept.get("changed")
    return choice, bool(changed) if changed is not None else parts[2] != "1"


def _outcome_said(row: OutboxMessage) -> str | None:
    """The decision an outcome email gives: kept with it, or read from the key of one queued
    before that was kept (screening-outcome:<ref>:<n>:<choice>); None for a later vote's
    email queued then, which names no decision in its key."""
    stated = Stated.from_json(row.stated)
    if stated is not None and stated.kept.get("choice"):
        return str(stated.kept["choice"])
    parts = original_key(row.idempotency_key).split(":")
    return parts[3] if len(parts) == 4 and parts[2].isdigit() else None


def _rows(session: Session, case: Case, event: str) -> list[OutboxMessage]:
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.case_id == case.id,
                OutboxMessage.event == event,
                OutboxMessage.status.in_(_TELLING),
            )
            .order_by(OutboxMessage.id)
        )
    )


def _rewrite(app: App, case: Case, row: OutboxMessage, on: date) -> bool:
    """Write `row` again as the case stands: the CSPR decision recorded now, or the referrer's
    outcome without "has changed since we last wrote". False when it cannot be."""
    now = app.clock.now()
    if row.event != CSPR_DECISION:
        choice, _ = _referrer_said(row)
        stated = Stated(written_on=on, kept={"choice": choice, "changed": False})
        rewrite_unsent(app, row, outcome_context(case, choice, False), now, stated)
        return True
    clock = next((d for d in case.deadlines if d.name == "cspr_report"), None)
    if not case.cspr or clock is None:
        return False
    how = months_counted(
        RULES["cspr_report"].amount, clock.start, clock.due, app.calendar, "the decision"
    )
    context = decision_context(case, True, clock.start, clock.due, how)
    rewrite_unsent(app, row, context, now, decision_stated(on, True, clock.start, clock.due))
    return True
