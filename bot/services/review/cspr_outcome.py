"""The CSPR decision told to the three Designated Safeguarding Partners and the Independent
Scrutineer, copied to the Business Manager: the procedure has them "made aware of the review
outcome, the decision summary and next steps". One email per decision and day: the same
decision given again sends nothing; a reversed or moved one is told afresh. What it says is
kept with it (bot.core.stated_decisions) and looked at again on the day it goes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.adapters.db.models import Case
from bot.app import App
from bot.config.model import STATUTORY_ROLES
from bot.core.stated_dates import Stated
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
) -> None:
    """`how`: how the due day was counted (bot.core.months_words), beside it in the email."""
    people = app.config.people
    dsps = [app.config.statutory_agency(role).dsp for role in STATUTORY_ROLES]
    hold = bool(case.cspr)
    queue_email(
        session,
        app,
        key=f"{EVENT}:{case.ref}:{'yes' if hold else 'no'}:{decided_on.isoformat()}",
        event=EVENT,
        to=[*(p.email for p in dsps if p is not None), people.independent_scrutineer.email],
        cc=[people.business_manager.email],
        now=now,
        case=case,
        context=decision_context(case, hold, decided_on, due, how),
        stated=decision_stated(today(app, now), hold, decided_on, due),
    )


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
    }


def decision_stated(on: date, hold: bool, decided_on: date, due: date | None) -> Stated:
    """The decision as the email gives it, kept to look at again when it goes."""
    due_said = due.isoformat() if due is not None else None
    kept = {"hold": hold, "decided_on": decided_on.isoformat(), "report_due": due_said}
    return Stated(written_on=on, kept=kept)
