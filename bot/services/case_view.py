"""One case as `tscp-bot case REF` shows it: deadlines, review records, meetings and their
answers, chronology, messages in and out, and the warnings a person should check.

Read in SQLAlchemy Core from the columns named below, as the list of cases is (see
bot.services.case_list): loading the ORM and configuring every mapper cost the command more
than half of its start-up, for queries that only read rows. A Session runs the same queries
(the case status email reads the meetings through one); tests/services/test_case_view.py
holds these columns to the models' and the view to what the models hold.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from bot.adapters.db.read_tables import (
    ACTION_ITEMS,
    AGENCY_REQUESTS,
    CASE_EVENTS,
    CASE_FIELDS,
    CASES,
    DEADLINES,
    DELIVERY_FAILURES,
    MESSAGES,
    OUTBOX,
    VOTES,
)
from bot.config.model import STATUTORY_ROLES
from bot.core import deadlines as clocks
from bot.core.bounces import not_delivered
from bot.core.case_warnings import CaseFacts, ReturnFacts, case_warnings
from bot.core.closed_ahead import act_today_note
from bot.core.digest import deadline_state
from bot.core.extensions import shown_due
from bot.core.screening_vote import screening_status
from bot.services.meeting_view import meeting_views

if TYPE_CHECKING:
    from sqlalchemy import Connection, Row
    from sqlalchemy.orm import Session

    from bot.config import Config
    from bot.core.working_days import WorkingCalendar
    from bot.services.case_view_types import (
        CaseDetail,
        DeadlineRow,
        OutgoingRow,
        ReviewState,
    )

NOT_REQUIRED = "not required"


def find_case_row(db: Connection | Session, ref: str | None) -> Row[Any] | None:
    """The case whose reference is `ref`, typed in any case (references are typed by people)."""
    if not ref:
        return None
    return db.execute(select(CASES).where(CASES.c.ref == ref.upper())).first()


def agency_names(config: Config) -> dict[str, str]:
    """Agency key -> plain name, for the warnings; without it a sentence names the key."""
    return {a.key: a.name for a in config.agencies}


def panel_members(config: Config) -> list[tuple[str, str]]:
    """(role, address) of the three statutory partner representatives: the quorum."""
    members: list[tuple[str, str]] = []
    for role in STATUTORY_ROLES:
        dsp = config.statutory_agency(role).dsp
        if dsp is not None:
            members.append((role, dsp.email.lower()))
    return members


def review_facts(
    case: Any,  # a case row or model: status, decision, notifiable, notification_sent_on, ...
    rapid_review_due: date | None,
    returns: Iterable[tuple[str, date, datetime | None]],
    names: Mapping[str, str],
) -> CaseFacts:
    """What bot.core.case_warnings checks, from the case and its (agency, return by,
    received at) requests in request order."""
    return CaseFacts(
        closed=case.status == "closed",
        decision=case.decision,
        notifiable=case.notifiable,
        notification_sent_on=case.notification_sent_on,
        rapid_review_due=rapid_review_due,
        # The report's date is the event; a met deadline alone may mean "not required".
        rapid_review_submitted=case.rr_report_on is not None,
        returns=tuple(
            ReturnFacts(agency, return_by, received_at is not None, names.get(agency, ""))
            for agency, return_by, received_at in returns
        ),
    )


def failures_by_outbox(
    db: Connection | Session, case_id: int | None = None
) -> dict[int, list[str]]:
    """Each outbox email's "not delivered to X: reason" lines, for one case or all."""
    f = DELIVERY_FAILURES.c
    query = select(f.outbox_id, f.recipient, f.status, f.diagnostic).order_by(f.id)
    if case_id is not None:
        query = query.join(OUTBOX, OUTBOX.c.id == f.outbox_id).where(OUTBOX.c.case_id == case_id)
    found: dict[int, list[str]] = {}
    for outbox_id, recipient, status, diagnostic in db.execute(query):
        found.setdefault(outbox_id, []).append(not_delivered(recipient, status, diagnostic))
    return found


def _by_case(db: Connection | Session, which: Any, case_id: int, *order: Any) -> list[Any]:
    return list(db.execute(select(which).where(which.c.case_id == case_id).order_by(*order)))


def _extended(d: Any) -> str | None:
    if d is None or d.first_due is None:
        return None
    return shown_due(d.due, d.first_due, d.extension)


def _deadline(d: Any, today: date, calendar: Callable[[], WorkingCalendar] | None) -> DeadlineRow:
    not_required = d.state == "not_required"
    state = NOT_REQUIRED if not_required else deadline_state(d.due, d.met_at is not None, today)
    # As the digest's ACT NOW: nobody is at work between today and the due date.
    closed = act_today_note(d.due, today, calendar()) if calendar and state == "open" else None
    return {
        "name": d.name,
        "due": d.due,
        "state": state,
        "while_closed": closed,
        # The day the event happened ("not required" is never shown as met); met_at is when
        # it was recorded.
        "met": NOT_REQUIRED if not_required else d.met_on,
        "met_on": d.met_on,
        "met_at": d.met_at,
        "start": d.start,
        "explanation": d.explanation,
        "assumption": d.assumption,
    }


def _warnings(
    case: Any, deadlines: list[Any], requests: list[Any], names: Mapping[str, str]
) -> list[str]:
    if case.kind != "review":
        return []
    review = next((d for d in deadlines if d.name == "rapid_review"), None)
    returns = ((r.agency_key, r.return_by, r.received_at) for r in requests)
    facts = review_facts(case, review.due if review else None, returns, names)
    return [w.sentence for w in case_warnings(facts)]


def case_detail(
    db: Connection | Session,
    case: Any,
    today: date,
    names: Mapping[str, str],
    members: Sequence[tuple[str, str]],
    calendar: Callable[[], WorkingCalendar] | None = None,
) -> CaseDetail:
    """Everything `case REF` shows, for people and for JSON. `case` is a row of CASES (or
    the model, which has the same attributes); `names` maps agency keys to their names for
    the warnings; `members` are the panel whose answers each meeting shows; `calendar` (read
    only for a deadline to come) says which are due while the council is closed."""
    deadlines = _by_case(db, DEADLINES, case.id, DEADLINES.c.due)
    votes = _by_case(db, VOTES, case.id, VOTES.c.id)
    requests = _by_case(db, AGENCY_REQUESTS, case.id, AGENCY_REQUESTS.c.id)
    # Closing stopped every chase but a statutory notification still owed (as `cases` and the
    # digest): the others are listed as they stand, never as the next deadline or ACT TODAY.
    chased = {
        d.id for d in deadlines if case.status == "open" or d.name in clocks.STATUTORY_NOTICES
    }
    nxt = min(
        (d for d in deadlines if d.id in chased and d.met_at is None),
        key=lambda d: d.due,
        default=None,
    )
    outgoing = _outgoing(db, case.id)
    # An email held when it could not go as written: in view until it is approved again.
    held = [o["held_because"] for o in outgoing if o["status"] == "held" and o["held_because"]]
    return {
        "ref": case.ref,
        "kind": case.kind,
        "status": case.status,
        "stage": case.stage,
        "opened_at": case.opened_at,
        "next_deadline": nxt.name if nxt else None,
        "next_due": nxt.due if nxt else None,
        "next_extended": _extended(nxt),
        "warnings": _warnings(case, deadlines, requests, names) + held,
        **_review_state(db, case, votes, requests),
        "deadlines": [_deadline(d, today, calendar if d.id in chased else None) for d in deadlines],
        "meetings": meeting_views(db, members, case),
        "events": [
            {"at": e.at, "actor": e.actor, "what": e.what, "detail": e.detail, "why": e.why}
            for e in _by_case(db, CASE_EVENTS, case.id, CASE_EVENTS.c.id)
        ],
        "messages": [
            {
                "id": m.id,
                "received_at": m.received_at,
                "from": m.from_addr,
                "subject": m.subject,
                "kind": m.kind,
                "rule": m.rule,
            }
            for m in _by_case(db, MESSAGES, case.id, MESSAGES.c.id)
        ],
        "outgoing": outgoing,
    }


def _outgoing(db: Connection | Session, case_id: int) -> list[OutgoingRow]:
    undelivered = failures_by_outbox(db, case_id)
    return [
        {
            "id": o.id,
            "event": o.event,
            "to": o.recipients,
            "subject": o.subject,
            "status": o.status,
            "sent_at": o.sent_at,
            "not_delivered": undelivered.get(o.id, []),
            "held_because": o.last_error if o.status == "held" else None,
        }
        for o in _by_case(db, OUTBOX, case_id, OUTBOX.c.id)
    ]


def _review_state(
    db: Connection | Session, case: Any, votes: list[Any], requests: list[Any]
) -> ReviewState:
    fields = _by_case(db, CASE_FIELDS, case.id, CASE_FIELDS.c.scope, CASE_FIELDS.c.id)
    actions = _by_case(db, ACTION_ITEMS, case.id, ACTION_ITEMS.c.number)
    return {
        "fields": [
            {
                "scope": f.scope,
                "name": f.name,
                "value": f.value,
                "where": f.where,
                "confidence": f.confidence,
                "problem": f.problem,
            }
            for f in fields
        ],
        "sin_received_on": case.sin_received_on,
        "la_aware_on": case.la_aware_on,
        "aware_source": case.aware_source,
        "bm_aware_on": case.bm_aware_on,
        "bm_aware_reason": case.bm_aware_reason,
        "decision": case.decision,
        "decided_by": case.decided_by,
        # "no majority: the partners must agree" when three partners voted three ways.
        "screening": screening_status(
            case.decision, {v.role: v.choice for v in votes if not v.superseded}
        ),
        "notifiable": case.notifiable,
        "notification_sent_on": case.notification_sent_on,
        "cspr": case.cspr,
        "planned_publication": case.planned_publication,
        "published_on": case.published_on,
        "votes": [
            {
                "role": v.role,
                "voter": v.voter,
                "choice": v.choice,
                "at": v.at,
                "superseded": v.superseded,
            }
            for v in votes
        ],
        "returns": [
            {
                "agency": r.agency_key,
                "requested_on": r.requested_on,
                "return_by": r.return_by,
                "received_at": r.received_at,
            }
            for r in requests
        ],
        "actions": [
            {
                "number": a.number,
                "text": a.text,
                "owner": a.owner_key,
                "due": a.due,
                "done_at": a.done_at,
            }
            for a in actions
        ],
    }
