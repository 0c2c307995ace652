"""An email telling an outside body of a decision (the CSPR decision to the partners and the
Scrutineer, the Screening Panel's decision to the referrer and the Scrutineer, or that it has
none), looked at again just before the outbox sends it: bot.core.stated_decisions decides,
from what it says and the case as it stands; here that is gathered and carried out under the
outbox's claim. Withdrawn or written again, the case's history says why
(bot.services.held_emails)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date

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
    SCREENING_RECONVENE,
    DecisionVerdict,
    Fate,
    outcome_on_sending,
    reconvene_on_sending,
    referrer_on_sending,
    reviewer_on_sending,
)
from bot.services import held_emails
from bot.services.cases import add_event
from bot.services.digest_names import email_name
from bot.services.failures import describe_error
from bot.services.mailout import rewrite_unsent
from bot.services.referrer import outcome_context
from bot.services.review.cspr_outcome import (
    cspr_said,
    decision_context,
    decision_stated,
    tell_cspr_decision,
)
from bot.services.review.cspr_waiting import (
    WAITING_OUTDATED,
    cspr_now,
    cspr_verdict,
    new_reason,
    others_said,
    telling_rows,
)
from bot.services.review.screening_outcome import next_steps, rewrite_outcome
from bot.services.review.sent_notices import NOTICE_OUTDATED
from bot.services.stated_facts import day_of

log = logging.getLogger(__name__)


def still_true(app: App, session: Session, row: OutboxMessage) -> bool:
    """Whether `row` (claimed by the caller) goes, written again first maybe; False when it
    is withdrawn."""
    case = row.case
    if case is None:
        return True
    if row.event == CSPR_DECISION:
        verdict = cspr_verdict(session, case, row) or _reviewer_verdict(case, row)
    elif row.event == SCREENING_OUTCOME:
        verdict = _outcome_verdict(session, case, row)
    elif row.event == SCREENING_RECONVENE:
        verdict = reconvene_on_sending(case.decision)
    else:
        verdict = _referrer_verdict(session, case, row)
    if verdict is None:
        return True
    now = app.clock.now()
    # A copy for recipients the server put off goes with the words the others were sent, or
    # not at all.
    fresh = verdict.fate is Fate.REWRITE and not is_resend(row.idempotency_key)
    if fresh and _rewrite(app, session, case, row, day_of(app, now)):
        said = f"{verdict.untrue}{verdict.done}"
        held_emails.reworded(session, app, row, said, "", now, tell=not verdict.quiet)
        return True
    line = held_emails.not_sent_line(row, day_of(app, now), verdict.untrue, verdict.todo)
    held_emails.withdraw(session, app, row, line, now, flag=bool(verdict.todo))
    return False


def lock_to_mark_sent(session: Session, row: OutboxMessage) -> None:
    """Before a CSPR decision email the mail server just took is marked sent: a command that
    holds it (lock_cspr_decisions) is waited for, and the row and its case are then read as
    that command left them, so after_sent sees the decision it recorded."""
    if row.event == CSPR_DECISION:
        query = select(OutboxMessage).where(OutboxMessage.id == row.id).with_for_update()
        session.scalars(query.execution_options(populate_existing=True)).one()


def after_sent(app: App, session: Session, row: OutboxMessage) -> None:
    """A "no CSPR" email that went with the reason first given, while `CSPR: no` was given
    again the same day with another (the reply said it was being sent): followed by one giving
    the reason as it now stands, as when the first had gone before (tell_cspr_decision).
    Queued in the commit that records it sent, so once, and only if it went."""
    if row.event != CSPR_DECISION or is_resend(row.idempotency_key):
        return  # before reading its case: every email sent comes here
    case = row.case
    if case is None:
        return
    stands = new_reason(session, case, row)
    if stands is None:
        return
    now, name = app.clock.now(), email_name(CSPR_DECISION)
    try:
        with session.begin_nested():
            told = tell_cspr_decision(session, app, case, stands.decided_on, None, now, "")
    except Exception as exc:  # it went: recording so must not wait on the email to follow it
        log.error("outbox #%d went; the correction to follow it failed: %s", row.id, type(exc))
        line = (
            f"Email #{row.id} ({name}) went with the reason first given, and the email giving "
            f"the reason as it now stands could not be written ({describe_error(exc)}): tell "
            "its recipients the decision as it now stands"
        )
        add_event(session, case, now, NOTICE_OUTDATED, line)
        return
    if told:
        line = f"Email #{row.id} ({name}) went while the reason was given again{told}"
        add_event(session, case, now, WAITING_OUTDATED, line)


def _reviewer_verdict(case: Case, row: OutboxMessage) -> DecisionVerdict | None:
    """A decision to hold a CSPR, as the case records it, saying the independent reviewer is
    still to be appointed: whether they were since (one queued before that was kept says so)."""
    said = cspr_said(row)
    if said is None or not said.hold:
        return None
    stated = Stated.from_json(row.stated)
    said_appointed = bool(stated.kept.get("reviewer")) if stated is not None else False
    return reviewer_on_sending(said_appointed, bool(case.reviewer_name))


def _referrer_verdict(session: Session, case: Case, row: OutboxMessage) -> DecisionVerdict | None:
    choice, changed = _referrer_said(row)
    closed = case.status == "closed"
    if is_resend(row.idempotency_key):  # the others were told it: only a change stops it
        return referrer_on_sending(choice, False, case.decision, None, closed)
    sent = [
        r for r in telling_rows(session, case, row.event) if r.status == "sent" and r.id != row.id
    ]
    latest = max(sent, key=lambda r: (r.sent_at is not None, r.sent_at, r.id), default=None)
    last_sent = _referrer_said(latest)[0] if latest is not None else None
    return referrer_on_sending(choice, changed, case.decision, last_sent, closed)


def _referrer_said(row: OutboxMessage) -> tuple[str, bool]:
    """The decision an outcome email gives and whether it says it changed: kept with it, or
    read from its key (referrer_outcome:<ref>:<n>:<choice>, changed after the first)."""
    stated = Stated.from_json(row.stated)
    kept = stated.kept if stated is not None else {}
    parts = original_key(row.idempotency_key).split(":")
    choice = str(kept.get("choice", parts[-1]))
    changed = kept.get("changed")
    return choice, bool(changed) if changed is not None else parts[2] != "1"


def _outcome_verdict(session: Session, case: Case, row: OutboxMessage) -> DecisionVerdict | None:
    choice, kept = _outcome_said(row)
    if choice is None:
        return None
    was = kept.get("notifiable")
    notifiable = (was if isinstance(was, bool) else None, case.notifiable)
    steps = kept.get("steps")
    stand = (
        ({str(k): str(v) for k, v in steps.items()}, next_steps(session, case))
        if isinstance(steps, dict) and case.decision is not None
        else None
    )
    said = notifiable if "notifiable" in kept else None
    return outcome_on_sending(choice, case.decision, said, stand)


def _outcome_said(row: OutboxMessage) -> tuple[str | None, Mapping[str, object]]:
    """The decision an outcome email gives, and what is kept with it (whether it says the case
    is notifiable, unless queued before that was kept): kept with it, or read from the key of
    one queued before that was kept (screening-outcome:<ref>:<n>:<choice>); None for a later
    vote's email queued then, which names no decision in its key."""
    stated = Stated.from_json(row.stated)
    kept = stated.kept if stated is not None else {}
    if kept.get("choice"):
        return str(kept["choice"]), kept
    parts = original_key(row.idempotency_key).split(":")
    return (parts[3] if len(parts) == 4 and parts[2].isdigit() else None), kept


def _rewrite(app: App, session: Session, case: Case, row: OutboxMessage, on: date) -> bool:
    """Write `row` again as the case stands: the CSPR decision recorded now, or the referrer's
    outcome without "has changed since we last wrote". False when it cannot be."""
    now = app.clock.now()
    if row.event == SCREENING_OUTCOME:
        return rewrite_outcome(session, app, case, row, on)
    if row.event != CSPR_DECISION:
        choice, _ = _referrer_said(row)
        stated = Stated(written_on=on, kept={"choice": choice, "changed": False})
        rewrite_unsent(app, row, outcome_context(case, choice, False), now, stated)
        return True
    said = cspr_said(row)
    stands = cspr_now(case, said, others_said(session, case, row)) if said is not None else None
    if stands is not None and not stands.hold:  # a "no" given again, with another reason
        context = decision_context(case, False, stands.decided_on, None, "")
        stated = decision_stated(on, False, stands.decided_on, None, stands.reason)
        rewrite_unsent(app, row, context, now, stated)
        return True
    clock = next((d for d in case.deadlines if d.name == "cspr_report"), None)
    if not case.cspr or clock is None:
        return False
    how = months_counted(
        RULES["cspr_report"].amount, clock.start, clock.due, app.calendar, "the decision"
    )
    context = decision_context(case, True, clock.start, clock.due, how)
    stated = decision_stated(on, True, clock.start, clock.due, reviewer=bool(case.reviewer_name))
    rewrite_unsent(app, row, context, now, stated)
    return True
