"""The digest's case sections: what is outstanding is listed, what is settled is counted.

Each section is one query (or three, for the case warnings) however many cases there are: the
digest must be as quick with ten thousand cases as with ten, and as readable. A return that
came in, an action that is done or a complaint that was answered needs nothing from the
Business Manager, so it is counted, not listed; so are closed cases and open cases with
nothing in the digest (bot.services.digest fills `quiet`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from bot.adapters.db.models import (
    ActionItem,
    AgencyRequest,
    Case,
    CaseEvent,
    Deadline,
    StoredMessage,
)
from bot.core.agency_answers import Answers
from bot.core.extensions import shown_due
from bot.services.case_warnings import warnings_where
from bot.services.digest_since import recorded_between
from bot.services.digest_types import (
    ActionDue,
    ComplaintDue,
    Escalation,
    Flag,
    Records,
    ReturnDue,
    Settled,
)
from bot.services.forms import RETURN_FROM, RETURN_READ, RETURN_UNREADABLE

FORM_EVENTS = ("form_read", "form_fields_updated")
# intake.record_return: a request's first return, and any the agency sends after it.
RETURNS_RECORDED = ("return_received", "return_updated")


def returns(
    session: Session, today: date, window: tuple[datetime, datetime], answers: Answers
) -> tuple[list[ReturnDue], int]:
    """Appendix B returns on open cases still awaited, then those the bot recorded since the
    last digest (`window`: its moment and this one's, as digest_since counts); and how many
    others came in earlier, counted, not listed. `answers`: the days an out-of-office, and a
    person's email, came from an agency whose return is awaited (bot.services.away)."""
    rows = session.execute(
        select(
            Case.id,
            Case.ref,
            AgencyRequest.agency_key,
            AgencyRequest.return_by,
            AgencyRequest.received_at,
        )
        .join(Case, Case.id == AgencyRequest.case_id)
        .where(Case.status == "open")
        .order_by(AgencyRequest.return_by, AgencyRequest.id)
    ).all()
    awaited: list[ReturnDue] = [
        {
            "ref": ref,
            "agency": agency,
            "key": agency,
            "due": return_by,
            "state": "overdue" if return_by < today else "requested",
            "away": answers.away.get((case_id, agency)),
            "replied": answers.replied.get((case_id, agency)),
        }
        for case_id, ref, agency, return_by, received in rows
        if received is None
    ]
    recorded = _returns_recorded(session, window)
    new: list[ReturnDue] = [
        {
            "ref": ref,
            "agency": agency,
            "key": agency,
            "due": return_by,
            "state": "received",
            "away": None,
            "replied": None,
        }
        # In the order they reached the mailbox, as each return's clock counts.
        for _, ref, agency, return_by, received in sorted(
            (r for r in rows if r[4] is not None and (r[0], r[2]) in recorded),
            key=lambda r: r[4] or window[0],
        )
    ]
    return awaited + new, len(rows) - len(awaited) - len(new)


def _returns_recorded(session: Session, window: tuple[datetime, datetime]) -> set[tuple[int, str]]:
    """The (case, agency) whose return the bot recorded in the window: when it read it, not
    when it reached the mailbox. A return that arrived before the last digest but was read
    after it (mail read late after an outage, `triage retry`, `Return from:`) is new in this
    digest; counted by its arrival it was in no digest's list. A later return from the same
    agency (a corrected one) is new too: it changed the chronology, and no other section
    names it."""
    rows = session.execute(
        select(CaseEvent.case_id, CaseEvent.detail).where(
            CaseEvent.what.in_(RETURNS_RECORDED), recorded_between(CaseEvent.at, *window)
        )
    )
    # intake.record_return writes "Appendix B from <agency key> received (message #N)".
    return {
        (case_id, detail.removeprefix(RETURN_FROM).split(" ", 1)[0]) for case_id, detail in rows
    }


def actions(session: Session, today: date, horizon: date) -> tuple[list[ActionDue], int, int]:
    """Action-plan items on open cases due by the horizon (or overdue) and not done; how many
    more are due after it, and how many are done. An item due in three months is counted
    until it comes within the horizon, not listed every day."""
    rows = session.execute(
        select(
            Case.ref,
            ActionItem.number,
            ActionItem.text,
            ActionItem.owner_key,
            ActionItem.due,
            ActionItem.done_at.is_not(None),
        )
        .join(Case, Case.id == ActionItem.case_id)
        .where(Case.status == "open")
        .order_by(Case.ref, ActionItem.number)
    ).all()
    outstanding: list[ActionDue] = [
        {
            "ref": ref,
            "number": number,
            "text": text,
            "owner": owner,
            "due": due,
            "state": "overdue" if due < today else "open",
        }
        for ref, number, text, owner, due, done in rows
        if not done and due <= horizon
    ]
    done = sum(1 for row in rows if row[-1])
    return outstanding, len(rows) - len(outstanding) - done, done


def complaints(session: Session, today: date) -> tuple[list[ComplaintDue], int]:
    """Open complaints still to be answered, and how many open ones were answered."""
    rows = session.execute(
        select(
            Case.ref,
            Case.sin_received_on,
            Deadline.due,
            Deadline.first_due,
            Deadline.extension,
            Deadline.met_at.is_not(None),
        )
        .outerjoin(
            Deadline, (Deadline.case_id == Case.id) & (Deadline.name == "complaint_response")
        )
        .where(Case.kind == "complaint", Case.status == "open")
        .order_by(Case.id)
    ).all()
    unanswered: list[ComplaintDue] = [
        {
            "ref": ref,
            "received_on": received_on,
            "reply_by": due,
            "state": "overdue" if due and due < today else "open",
            "extended": shown_due(due, first, extension) if due and first else None,
        }
        for ref, received_on, due, first, extension, answered in rows
        if not answered  # NULL with no deadline: not answered either
    ]
    return unanswered, len(rows) - len(unanswered)


def escalations(session: Session, today: date) -> list[Escalation]:
    """Open professional-difference escalations, every day until each is closed: they have no
    clock of their own to put them under "overdue", and the Business Manager may be away."""
    parent = aliased(Case)
    # When it reached the mailbox, as its alert said: the record opened when the bot read it.
    arrived = (
        select(func.min(StoredMessage.received_at))
        .where(StoredMessage.case_id == Case.id)
        .scalar_subquery()
    )
    rows = session.execute(
        select(Case.ref, func.coalesce(arrived, Case.opened_at), Case.referrer_email, parent.ref)
        .outerjoin(parent, parent.id == Case.parent_id)
        .where(Case.kind == "escalation", Case.status == "open")
        .order_by(Case.id)
    ).all()
    return [
        {"ref": ref, "opened_at": opened, "from": sender or "-", "about": about or "-"}
        for ref, opened, sender, about in rows
    ]


def case_warnings(session: Session, names: Mapping[str, str]) -> list[Flag]:
    """Contradictions in each case's facts, every day until they are put right."""
    # A closed case stays in view while the Rapid Review owed to the National Panel is missing.
    owed = Case.notification_sent_on.is_not(None) & Case.rr_report_on.is_(None)
    return [
        {"ref": ref, "what": w.what, "detail": w.sentence}
        for ref, found in warnings_where(session, (Case.status == "open") | owed, names)
        for w in found
    ]


def form_gaps(session: Session) -> list[Flag]:
    """Each open case whose latest form still lacks required facts, until a corrected one."""
    rows = session.execute(
        select(Case.ref, CaseEvent.why)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(CaseEvent.what.in_(FORM_EVENTS), Case.status == "open")
        .order_by(CaseEvent.id)
    ).all()
    latest = {ref: why for ref, why in rows}
    return [
        {"ref": ref, "what": "form gaps", "detail": why}
        for ref, why in latest.items()
        if why != "all required fields read"
    ]


def unreadable_returns(session: Session) -> list[Flag]:
    """Each agency whose latest return on an open case could not be read, every day until a
    readable copy comes: its deadline was met on arrival, so nothing else would chase it."""
    rows = session.execute(
        select(Case.ref, CaseEvent.what, CaseEvent.detail)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(CaseEvent.what.in_((RETURN_READ, RETURN_UNREADABLE)), Case.status == "open")
        .order_by(CaseEvent.id)
    ).all()
    latest: dict[tuple[str, str], tuple[str, str]] = {}
    for ref, what, detail in rows:
        agency = detail.removeprefix(RETURN_FROM).split(" ", 1)[0].rstrip(":")
        latest[(ref, agency)] = (what, detail)
    return [
        {"ref": ref, "what": "return unreadable", "detail": f"{detail}: ask for a readable copy"}
        for (ref, _), (what, detail) in latest.items()
        if what == RETURN_UNREADABLE
    ]


def records(session: Session, listed: set[str], settled: Settled) -> Records:
    """How many cases there are, open by stage, and how many open ones the digest left out."""
    open_refs = set(session.scalars(select(Case.ref).where(Case.status == "open")))
    stages: dict[str, int] = {}
    closed = 0
    for status, stage, n in session.execute(
        select(Case.status, Case.stage, func.count()).group_by(Case.status, Case.stage)
    ):
        if status == "open":
            stages[stage] = n
        else:
            closed += n
    return {
        "open": len(open_refs),
        "closed": closed,
        "quiet": len(open_refs - listed),
        "stages": [
            {"stage": stage.replace("_", " "), "count": n} for stage, n in sorted(stages.items())
        ],
        **settled,
    }
