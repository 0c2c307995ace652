"""The case's CSPR decision emails, sent or still to go, against the decision the case now
records: what each says and whether that still stands. Asked when a command records the
decision (what becomes of each email waiting to go is said in the reply), and again just
before one goes (bot.services.decision_checks)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, OutboxMessage
from bot.core.stated_decisions import (
    CSPR_DECISION,
    CsprSaid,
    DecisionVerdict,
    Fate,
    cspr_on_sending,
    says_the_same,
)
from bot.services.cases import add_event
from bot.services.digest_names import email_name
from bot.services.outbox_claim import being_sent
from bot.services.review.cspr_outcome import cspr_said
from bot.services.review.sent_notices import NOTICE_OUTDATED

WAITING_OUTDATED = "waiting_email_outdated"  # the case's history: not a flag, nothing to do
# Emails that may still go, or went, and so tell their recipients what they say.
_TELLING = ("pending", "sent")


def waiting_cspr_decisions(session: Session, case: Case, now: datetime) -> str:
    """The CSPR decision emails not sent yet (the mail server down) that the decision just
    recorded makes untrue, and what becomes of each when it comes to go: said in the reply
    (returned, "; ...") and the case's history. None goes as it was written, but one the
    outbox was sending at that moment may have gone: that is said, and flagged."""
    said, flagged = [], []
    name = email_name(CSPR_DECISION)
    for row in lock_cspr_decisions(session, case):
        verdict = cspr_verdict(session, case, row) if row.status == "pending" else None
        if verdict is None:
            continue
        if row.attempt_started_at is not None or being_sent(session, row):
            # Put right by bot.services.decision_checks.after_sent, once it is known to have gone.
            if new_reason(session, case, row) is not None:
                said.append(
                    f"email #{row.id} ({name}) was being sent at that moment: {verdict.untrue}; "
                    "if it went, an email giving the reason as it now stands follows it, and if "
                    "not, it is written again with it before it goes"
                )
                continue
            flagged.append(
                f"email #{row.id} ({name}) was being sent at that moment: {verdict.untrue}; "
                "if it went, tell its recipients the decision as it now stands"
            )
            continue
        then = (
            "it will not go"
            if verdict.fate is Fate.WITHDRAW
            else "it is written again with that decision before it goes"
        )
        said.append(f"email #{row.id} ({name}), not sent yet: {verdict.untrue}; {then}")
    for what, lines in ((WAITING_OUTDATED, said), (NOTICE_OUTDATED, flagged)):
        for line in lines:
            add_event(session, case, now, what, line[:1].upper() + line[1:])
    return "".join(f"; {line}" for line in (*said, *flagged))


def new_reason(session: Session, case: Case, row: OutboxMessage) -> CsprSaid | None:
    """The "no CSPR" decision the case records, when `row` gives it for the same day with
    another reason; else None."""
    said = cspr_said(row)
    if said is None or said.hold:
        return None
    now = cspr_now(case, said, others_said(session, case, row))
    if now is None or now.hold or now.decided_on != said.decided_on or says_the_same(said, now):
        return None
    return now


def lock_cspr_decisions(session: Session, case: Case) -> list[OutboxMessage]:
    """The case's CSPR decision emails, sent or to go, read afresh and locked until the
    command's commit. The outbox claims a row with an UPDATE in the transaction that looks
    at it again before sending (bot.services.send_checks): a row it holds is waited for and
    then seen as it left it, and a row claimed after this is looked at with the decision
    this command records. So what the reply says of each is true when the sender gets it."""
    return telling_rows(session, case, CSPR_DECISION, lock=True)


def cspr_verdict(session: Session, case: Case, row: OutboxMessage) -> DecisionVerdict | None:
    said = cspr_said(row)
    if said is None:
        return None
    others = [
        (r.id, s)
        for r in telling_rows(session, case, row.event)
        if r.id != row.id and (s := cspr_said(r)) is not None
    ]
    now = cspr_now(case, said, [s for _, s in others])
    told_by = next((i for i, s in others if now is not None and says_the_same(s, now)), None)
    return cspr_on_sending(said, now, told_by)


def others_said(session: Session, case: Case, row: OutboxMessage) -> list[CsprSaid]:
    """What the case's other CSPR decision emails, sent or to go, say."""
    rows = telling_rows(session, case, row.event)
    return [s for r in rows if r.id != row.id and (s := cspr_said(r)) is not None]


def cspr_now(case: Case, said: CsprSaid, others: list[CsprSaid]) -> CsprSaid | None:
    """The decision as the case records it. A "no" keeps no day on the case: it is the day
    the last "no" email gives (its own, when it is the last)."""
    if case.cspr is None:
        return None
    if case.cspr:
        clock = next((d for d in case.deadlines if d.name == "cspr_report"), None)
        return CsprSaid(True, clock.start, clock.due) if clock is not None else None
    noes = [s.decided_on for s in (*others, said) if not s.hold]
    return CsprSaid(False, max(noes, default=said.decided_on), reason=case.cspr_rationale or "")


def telling_rows(
    session: Session, case: Case, event: str, *, lock: bool = False
) -> list[OutboxMessage]:
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.case_id == case.id,
            OutboxMessage.event == event,
            OutboxMessage.status.in_(_TELLING),
        )
        .order_by(OutboxMessage.id)
    )
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return list(session.scalars(query))
