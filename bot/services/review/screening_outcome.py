"""The Screening Panel's outcome emailed to the Business Manager and the Scrutineer: when it is
decided or changed, and when a partner votes against it afterwards. The decision it gives, its
line on whether the case is notifiable to the National Panel and its next steps are kept with
it and looked at again when it goes (bot.services.decision_checks): one whose line or steps
changed meanwhile (the National Panel notified, the Appendix B requests made, the case moved
on or closed) is written again as the case then stands."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import AgencyRequest, Case, OutboxMessage, Vote
from bot.app import App
from bot.core.deadlines import fmt_date
from bot.core.lifecycle_stages import AFTER_RAPID_REVIEW, Stage
from bot.core.resend_keys import original_key
from bot.core.screening_vote import CHOICE_LABELS, ROLE_LABELS
from bot.core.stated_dates import Stated
from bot.services.mailout import queue_email, rewrite_unsent
from bot.services.review.common import case_ctx, today


def tell_dissent(session: Session, app: App, case: Case, given: Vote, now: datetime) -> None:
    """A partner votes against the decision after it was made: it stands (the majority holds),
    but the Scrutineer, whose view is asked on the outcome, and the Business Manager are told,
    with every vote, so no one takes the first email's votes for all of them."""
    tell_outcome(session, app, case, f"later:{given.id}", vote_ctx(app, given), now)


def tell_outcome(
    session: Session,
    app: App,
    case: Case,
    key: str,
    later_vote: dict[str, object] | None,
    now: datetime,
) -> None:
    people = app.config.people
    steps = next_steps(session, case)
    queue_email(
        session,
        app,
        key=f"screening-outcome:{case.ref}:{key}",
        event="screening_outcome",
        to=[people.business_manager.email, people.independent_scrutineer.email],
        now=now,
        case=case,
        context=_context(session, app, case, later_vote, steps),
        stated=_stated(today(app, now), case, steps),
    )


def rewrite_outcome(session: Session, app: App, case: Case, row: OutboxMessage, on: date) -> bool:
    """Write the outcome email `row`, not sent, again as the case stands on `on` (the same
    decision: one changed since withdraws it); False when it cannot be."""
    if case.decision is None:
        return False
    parts = original_key(row.idempotency_key).split(":")
    later = None
    if parts[2:3] == ["later"]:
        vote = session.get(Vote, int(parts[3])) if parts[3:4] and parts[3].isdigit() else None
        if vote is None:
            return False
        later = vote_ctx(app, vote)
    steps = next_steps(session, case)
    context = _context(session, app, case, later, steps)
    rewrite_unsent(app, row, context, app.clock.now(), _stated(on, case, steps))
    return True


def _context(
    session: Session,
    app: App,
    case: Case,
    later_vote: dict[str, object] | None,
    steps: dict[str, str],
) -> dict[str, object]:
    assert case.decision is not None
    votes = given_votes(session, case)
    return {
        "case": case_ctx(case),
        "decision": {"choice": case.decision, "label": CHOICE_LABELS[case.decision]},
        "decided_by": case.decided_by or "",
        "votes": [vote_ctx(app, v) for v in votes],
        "later_vote": later_vote,
        "notifiable": case.notifiable,
        "scrutineer_hint": "Independent Scrutineer: reply with Agree, or with "
        "Disagree: <your reason> to ask for a meeting with the panel.",
        "next_steps": list(steps.values()),
    }


def _stated(on: date, case: Case, steps: dict[str, str]) -> Stated:
    """The decision it gives, whether the case is notifiable and its next steps (each by its
    name in bot.core.stated_decisions.STEP_NAMES), looked at again when it goes."""
    kept = {"choice": case.decision, "notifiable": case.notifiable, "steps": steps}
    return Stated(written_on=on, kept=kept)


def given_votes(session: Session, case: Case) -> list[Vote]:
    """The case's live votes in the order they were given: the emails list them so, not as
    the database's rows happen to lie (PostgreSQL's order changes as rows are updated)."""
    query = select(Vote).where(Vote.case_id == case.id, ~Vote.superseded)
    return list(session.scalars(query.order_by(Vote.at, Vote.id)))


def vote_ctx(app: App, v: Vote) -> dict[str, object]:
    return {
        "role_label": ROLE_LABELS[v.role],
        "agency": app.config.statutory_agency(v.role).name,  # type: ignore[arg-type]
        "choice_label": CHOICE_LABELS[v.choice],
        "at": v.at,
    }


def next_steps(session: Session, case: Case) -> dict[str, str]:
    """The next steps as the case stands, by name: what the email asks is still to be done,
    never a step done since (a notification made, the requests sent, the case closed)."""
    assert case.decision is not None
    owed = notices_owed(case)
    return {**owed, **_decision_steps(session, case, bool(owed))}


def notices_owed(case: Case) -> dict[str, str]:
    """The statutory notifications still open, whatever the panel decided: the National Panel
    must be told of a notifiable incident even when no review follows, and `Close:` is refused
    until each is made or set aside (bot.core.lifecycle.statutory_notice_owed)."""
    unmet = {d.name: d.due for d in case.deadlines if d.met_at is None}
    steps: dict[str, str] = {}
    if "panel_notification" in unmet:
        steps["panel_notification"] = (
            # "Business Manager: reply with ..." first: who is to answer, before what.
            "Business Manager: reply with Notified: <date> when the local authority has "
            "notified the National Panel, or Notifiable: no because <reason> if the incident "
            "is not notifiable. The National Panel notification is due by "
            f"{fmt_date(unmet['panel_notification'])}, whatever the panel decided."
        )
    if "looked_after_death_notification" in unmet:
        steps["looked_after_death_notification"] = (
            "Business Manager: reply with SoS and Ofsted notified: <date>, or SoS and Ofsted "
            "notified: not required - <reason>. The Secretary of State and Ofsted are to be told "
            f"of the death by {fmt_date(unmet['looked_after_death_notification'])}."
        )
    return steps


def _decision_steps(session: Session, case: Case, owed: bool) -> dict[str, str]:
    """What the decision asks next, unless the case has moved past it. Asked while the
    decision is recorded too, before the stage follows it (bot.services.commands)."""
    choice, stage = case.decision, case.stage
    if stage == Stage.CLOSED:
        return {"closed": "None from this decision: the case has been closed since."}
    if stage in AFTER_RAPID_REVIEW:
        return {"moved_on": "None from this decision: the Rapid Review has been submitted since."}
    if choice == "rapid_review":
        if _requests_made(session, case):
            return {"requests_made": "None from this decision: the Appendix B requests are made."}
        return {
            "appendix_b": "Business Manager: reply with Agencies: <keys>, Review period: <from> "
            "to <to> and Return by: <date> to send the Appendix B requests."
        }
    if choice == "local_review":
        return {
            "local_activity": "Business Manager: agree the audit, learning or assurance "
            "activity with the partners and record actions with Action: <text>; owner: "
            "<agency>; due: <date>."
        }
    after = " and the notification above is settled" if owed else ""
    return {
        "close": "No further review. Business Manager: reply Close: <reason> when the case is "
        f"done{after}."
    }


def _requests_made(session: Session, case: Case) -> bool:
    query = select(AgencyRequest.id).where(AgencyRequest.case_id == case.id).limit(1)
    return session.scalar(query) is not None
