"""The review lifecycle: each command (by email or at the terminal) applied to a case.

Every handler records an append-only event saying who did what and why, and returns a short
sentence for the confirmation email. A command that does not fit the case's state raises
CommandRefused with a sentence saying why; nothing is changed then.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import ActionItem, AgencyRequest, Case, Vote
from bot.app import App
from bot.config.model import Agency
from bot.core import commands as c
from bot.core import deadlines as rules
from bot.core.screening_vote import CHOICE_LABELS, ROLE_LABELS, stage_after, tally
from bot.services.approvals import approve
from bot.services.cases import add_event, set_deadline
from bot.services.mailout import queue_email


class CommandRefused(Exception):
    """The command cannot be applied to this case as it stands."""


@dataclass(frozen=True)
class Actor:
    email: str
    role: str  # business_manager | independent_scrutineer | local_authority | police | health
    via: str  # "email" or "terminal"
    message_id: int | None = None


def today(app: App, now: datetime) -> date:
    return now.astimezone(app.config.partnership.time_zone).date()


def _met(case: Case, name: str, now: datetime, state: str = "met") -> None:
    for d in case.deadlines:
        if d.name == name and d.met_at is None:
            d.met_at, d.state = now, state


def _digest(text: str) -> str:
    """A stable short key for free text (Python's hash() differs between processes)."""
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _case_ctx(case: Case) -> dict[str, object]:
    return {"ref": case.ref, "initials": case.initials}


def agency_addresses(agency: Agency) -> list[str]:
    people = [agency.dsp] if agency.dsp else []
    return [p.email for p in (*people, *agency.contacts)]


# -- screening ------------------------------------------------------------------------------


def vote(session: Session, app: App, case: Case, cmd: c.Vote, actor: Actor, now: datetime) -> str:
    for old in session.scalars(
        select(Vote).where(Vote.case_id == case.id, Vote.role == actor.role, ~Vote.superseded)
    ):
        old.superseded = True
    session.add(
        Vote(
            case_id=case.id,
            role=actor.role,
            voter=actor.email,
            choice=str(cmd.choice),
            at=now,
            message_id=actor.message_id,
        )
    )
    session.flush()
    label = CHOICE_LABELS[str(cmd.choice)]
    add_event(
        session,
        case,
        now,
        "vote_recorded",
        f"{ROLE_LABELS[actor.role]}: {label}",
        actor=actor.email,
        why=f"{actor.via} command: {cmd.line}",
    )
    live = live_votes(session, case)
    result = tally(live)
    if result.decided and result.decided != case.decision:
        decide(session, app, case, result.decided, result.explanation, actor, now)
        return f"vote recorded ({label}); the panel has decided: {CHOICE_LABELS[result.decided]}"
    return f"vote recorded ({label}); {result.explanation}"


def live_votes(session: Session, case: Case) -> dict[str, str]:
    rows = session.scalars(select(Vote).where(Vote.case_id == case.id, ~Vote.superseded))
    return {v.role: v.choice for v in rows}


def decide(
    session: Session,
    app: App,
    case: Case,
    choice: str,
    decided_by: str,
    actor: Actor,
    now: datetime,
) -> None:
    changed = case.decision is not None
    case.decision, case.decided_by, case.stage = choice, decided_by, stage_after(choice)
    _met(case, "screening_meeting", now)
    add_event(
        session,
        case,
        now,
        "decision_changed" if changed else "screening_decided",
        f"Screening Panel decision: {CHOICE_LABELS[choice]}",
        actor=actor.email,
        why=decided_by,
    )
    votes = session.scalars(select(Vote).where(Vote.case_id == case.id, ~Vote.superseded))
    people = app.config.people
    queue_email(
        session,
        app,
        key=f"screening-outcome:{case.ref}:{choice}",
        event="screening_outcome",
        to=[people.business_manager.email, people.independent_scrutineer.email],
        now=now,
        case=case,
        context={
            "case": _case_ctx(case),
            "decision": {"choice": choice, "label": CHOICE_LABELS[choice]},
            "decided_by": decided_by,
            "votes": [
                {
                    "role_label": ROLE_LABELS[v.role],
                    "agency": app.config.statutory_agency(v.role).name,  # type: ignore[arg-type]
                    "choice_label": CHOICE_LABELS[v.choice],
                    "at": v.at,
                }
                for v in votes
            ],
            "notifiable": case.notifiable,
            "scrutineer_hint": "Independent Scrutineer: reply with Agree, or with "
            "Disagree: <your reason> to ask for a meeting with the panel.",
            "next_steps": _next_steps(choice),
        },
    )


def _next_steps(choice: str) -> list[str]:
    if choice == "rapid_review":
        return [
            "Business Manager: reply with Notifiable: yes or no, and Notified: <date> when "
            "the local authority has notified the National Panel.",
            "Business Manager: reply with Agencies: <keys>, Review period: <from> to <to> "
            "and Return by: <date> to send the Appendix B requests.",
        ]
    if choice == "local_review":
        return [
            "Business Manager: agree the audit, learning or assurance activity with the "
            "partners and record actions with Action: <text>; owner: <agency>; due: <date>."
        ]
    return ["No further review. Business Manager: reply Close: <reason> when the case is done."]


def bm_decision(
    session: Session, app: App, case: Case, cmd: c.Decision, actor: Actor, now: datetime
) -> str:
    decide(
        session,
        app,
        case,
        str(cmd.choice),
        "the Business Manager, recording the panel's decision",
        actor,
        now,
    )
    return f"decision recorded: {CHOICE_LABELS[str(cmd.choice)]}"


def notifiable(
    session: Session, app: App, case: Case, cmd: c.Notifiable, actor: Actor, now: datetime
) -> str:
    case.notifiable = cmd.value
    if not cmd.value:
        _met(case, "panel_notification", now, state="not_required")
    add_event(
        session,
        case,
        now,
        "notifiable_recorded",
        "Notifiable to the National Panel: " + ("yes" if cmd.value else "no"),
        actor=actor.email,
        why=cmd.line,
    )
    return "recorded: " + ("notifiable" if cmd.value else "not notifiable")


def scrutineer(
    session: Session, app: App, case: Case, cmd: c.ScrutineerView, actor: Actor, now: datetime
) -> str:
    if cmd.agrees:
        add_event(
            session,
            case,
            now,
            "scrutineer_agrees",
            "The Independent Scrutineer agrees",
            actor=actor.email,
            why=cmd.line,
        )
        return "recorded: the Scrutineer agrees with the outcome"
    add_event(
        session,
        case,
        now,
        "scrutineer_disagrees",
        "The Independent Scrutineer disagrees; a meeting with the Screening Panel is "
        f"to be arranged. Reason: {cmd.reason}",
        actor=actor.email,
        why=cmd.line,
    )
    return "recorded: the Scrutineer disagrees; the Business Manager will arrange a meeting"


# -- National Panel notification and Rapid Review ------------------------------------------


def la_aware(
    session: Session, app: App, case: Case, cmd: c.LaAware, actor: Actor, now: datetime
) -> str:
    case.la_aware_on = cmd.on
    d = rules.panel_notification(app.calendar, sin_received=case.sin_received_on, la_aware=cmd.on)
    set_deadline(session, case, d, now)
    return (
        f"local authority aware {cmd.on:%d/%m/%Y}: National Panel notification due {d.due:%d/%m/%Y}"
    )


def notification_sent(
    session: Session, app: App, case: Case, cmd: c.NotificationSent, actor: Actor, now: datetime
) -> str:
    sent_on = cmd.on or today(app, now)
    case.notification_sent_on, case.notifiable = sent_on, True
    _met(case, "panel_notification", now)
    d = rules.rapid_review(sent_on, app.calendar)
    set_deadline(session, case, d, now)
    add_event(
        session,
        case,
        now,
        "panel_notified",
        f"National Panel notified on {sent_on}",
        actor=actor.email,
        why=cmd.line,
    )
    return f"notification recorded; Rapid Review due {d.due:%d/%m/%Y}"


def request_returns(
    session: Session, app: App, case: Case, cmd: c.RequestReturns, actor: Actor, now: datetime
) -> str:
    agencies = [_agency(app, name) for name in cmd.agencies]
    requested = today(app, now)
    return_by = cmd.return_by or app.calendar.add_working_days(
        requested, app.config.review.appendix_b_working_days
    )
    case.review_period = cmd.period or case.review_period
    for agency in agencies:
        _request_one(session, app, case, agency, requested, return_by, now)
    add_event(
        session,
        case,
        now,
        "returns_requested",
        f"Appendix B requested from {', '.join(a.name for a in agencies)}; "
        f"return by {return_by:%d/%m/%Y}",
        actor=actor.email,
        why=cmd.line,
    )
    return f"Appendix B requested from {len(agencies)} agencies, return by {return_by:%d/%m/%Y}"


def _agency(app: App, name: str) -> Agency:
    agency = app.config.agency(name)
    if agency is None:
        known = ", ".join(a.key for a in app.config.agencies)
        raise CommandRefused(f"unknown agency {name!r}; known: {known}")
    if not agency_addresses(agency):
        raise CommandRefused(f"agency {agency.key} has no DSP representative or contacts")
    return agency


def _request_one(
    session: Session,
    app: App,
    case: Case,
    agency: Agency,
    requested: date,
    return_by: date,
    now: datetime,
) -> None:
    existing = session.scalar(
        select(AgencyRequest).where(
            AgencyRequest.case_id == case.id, AgencyRequest.agency_key == agency.key
        )
    )
    if existing is None:
        session.add(
            AgencyRequest(
                case_id=case.id, agency_key=agency.key, requested_on=requested, return_by=return_by
            )
        )
    else:
        existing.return_by = return_by
    set_deadline(
        session, case, rules.appendix_b(agency.key, requested, return_by, app.calendar), now
    )
    queue_email(
        session,
        app,
        key=f"appendix-b:{case.ref}:{agency.key}:{return_by}",
        event="appendix_b_request",
        to=agency_addresses(agency),
        now=now,
        case=case,
        context={
            "case": _case_ctx(case),
            "agency": {"name": agency.name},
            "review_period": case.review_period or "as agreed by the Screening Panel",
            "return_by": return_by,
            "requested_on": requested,
        },
    )


def meeting_held(
    session: Session, app: App, case: Case, cmd: c.MeetingHeld, actor: Actor, now: datetime
) -> str:
    case.rr_meeting_on = cmd.on
    add_event(
        session,
        case,
        now,
        "rr_meeting_held",
        f"Rapid Review meeting on {cmd.on}",
        actor=actor.email,
        why=cmd.line,
    )
    return "Rapid Review meeting recorded"


def report_submitted(
    session: Session, app: App, case: Case, cmd: c.ReportSubmitted, actor: Actor, now: datetime
) -> str:
    case.rr_report_on, case.stage = cmd.on, "cspr_decision"
    _met(case, "rapid_review", now)
    add_event(
        session,
        case,
        now,
        "rr_submitted",
        f"Rapid Review report submitted on {cmd.on}",
        actor=actor.email,
        why=cmd.line,
    )
    return "Rapid Review submission recorded"


def delay(session: Session, app: App, case: Case, cmd: c.Delay, actor: Actor, now: datetime) -> str:
    draft_delay_notice(session, app, case, cmd.reason, cmd.expected, now)
    return "delay notice drafted for your approval"


def draft_delay_notice(
    session: Session, app: App, case: Case, reason: str, expected: date, now: datetime
) -> None:
    due = next((d.due for d in case.deadlines if d.name == "rapid_review"), None)
    if due is None or case.notification_sent_on is None:
        raise CommandRefused(
            "record Notified: <date> first; the Rapid Review clock has not started"
        )
    queue_email(
        session,
        app,
        key=f"rr-delay:{case.ref}:{expected}:{_digest(reason)}",
        event="panel_delay_notice",
        to=[app.config.people.national_panel.email],
        now=now,
        case=case,
        context={
            "case": _case_ctx(case),
            "reason": reason,
            "expected": expected,
            "notification_sent_on": case.notification_sent_on,
            "rapid_review_due": due,
        },
    )
    add_event(
        session,
        case,
        now,
        "delay_notice_drafted",
        f"Delay notice to the National Panel drafted (expected {expected})",
        why=reason,
    )


# -- CSPR, publication, action plan ---------------------------------------------------------


def cspr(
    session: Session, app: App, case: Case, cmd: c.CsprDecision, actor: Actor, now: datetime
) -> str:
    case.cspr, case.cspr_rationale = cmd.hold, cmd.rationale
    if cmd.hold:
        case.stage = "cspr"
        set_deadline(session, case, rules.cspr_report(today(app, now), app.calendar), now)
    else:
        case.stage = "action_plan"
    add_event(
        session,
        case,
        now,
        "cspr_decided",
        "CSPR to be held" if cmd.hold else f"No CSPR: {cmd.rationale}",
        actor=actor.email,
        why=cmd.line,
    )
    return "CSPR decision recorded"


def reviewer(
    session: Session, app: App, case: Case, cmd: c.ReviewerAppointed, actor: Actor, now: datetime
) -> str:
    if not case.cspr:
        raise CommandRefused("record CSPR: yes before appointing a reviewer")
    case.reviewer_name = cmd.name
    due = next(d.due for d in case.deadlines if d.name == "cspr_report")
    p = app.config.people
    queue_email(
        session,
        app,
        key=f"reviewer:{case.ref}:{cmd.name}",
        event="reviewer_notice",
        to=[p.national_panel.email, p.ofsted.email, p.dfe.email],
        now=now,
        case=case,
        context={
            "case": _case_ctx(case),
            "reviewer_name": cmd.name,
            "decision_on": today(app, now),
            "report_due": due,
        },
    )
    add_event(
        session,
        case,
        now,
        "reviewer_appointed",
        "Independent reviewer appointed",
        actor=actor.email,
        why=cmd.line,
    )
    return "reviewer recorded; notice to the National Panel, Ofsted and DfE drafted"


def family_preview(
    session: Session, app: App, case: Case, cmd: c.FamilyPreview, actor: Actor, now: datetime
) -> str:
    case.family_preview_on = cmd.on
    add_event(
        session,
        case,
        now,
        "family_preview",
        f"Family read-only preview on {cmd.on}",
        actor=actor.email,
        why=cmd.line,
    )
    return "family preview recorded"


def publication_planned(
    session: Session, app: App, case: Case, cmd: c.PublicationPlanned, actor: Actor, now: datetime
) -> str:
    case.planned_publication = cmd.on
    d = rules.publication_notice(cmd.on, app.calendar)
    set_deadline(session, case, d, now)
    p = app.config.people
    queue_email(
        session,
        app,
        key=f"publication-notice:{case.ref}:{cmd.on}",
        event="publication_notice",
        to=[p.national_panel.email, p.secretary_of_state.email, p.ofsted.email],
        now=now,
        case=case,
        context={"case": _case_ctx(case), "planned_on": cmd.on, "notice_due": d.due},
    )
    return f"publication on {cmd.on:%d/%m/%Y}; notice drafted, due by {d.due:%d/%m/%Y}"


def published(
    session: Session, app: App, case: Case, cmd: c.Published, actor: Actor, now: datetime
) -> str:
    case.published_on, case.stage = cmd.on, "action_plan"
    _met(case, "cspr_report", now)
    _met(case, "publication_notice", now)
    d = rules.publication_period_end(cmd.on, app.calendar)
    set_deadline(session, case, d, now)
    return f"publication recorded; keep it online until at least {d.due:%d/%m/%Y}"


def publication_delay(
    session: Session,
    app: App,
    case: Case,
    cmd: c.PublicationDelay | c.NotPublishing,
    actor: Actor,
    now: datetime,
) -> str:
    kind = "delayed" if isinstance(cmd, c.PublicationDelay) else "not_publishing"
    p = app.config.people
    queue_email(
        session,
        app,
        key=f"publication-{kind}:{case.ref}:{_digest(cmd.reason)}",
        event="publication_delay_notice",
        to=[p.national_panel.email, p.secretary_of_state.email],
        now=now,
        case=case,
        context={"case": _case_ctx(case), "kind": kind, "reason": cmd.reason},
    )
    add_event(
        session, case, now, f"publication_{kind}", cmd.reason, actor=actor.email, why=cmd.line
    )
    return "reasons drafted for the National Panel and the Secretary of State"


def add_action(
    session: Session, app: App, case: Case, cmd: c.AddAction, actor: Actor, now: datetime
) -> str:
    owner = _agency(app, cmd.owner)
    number = 1 + max(
        (
            a.number
            for a in session.scalars(select(ActionItem).where(ActionItem.case_id == case.id))
        ),
        default=0,
    )
    session.add(
        ActionItem(case_id=case.id, number=number, text=cmd.text, owner_key=owner.key, due=cmd.due)
    )
    set_deadline(
        session,
        case,
        rules.compute(f"action:{number}", today(app, now), app.calendar, due=cmd.due),
        now,
    )
    return f"action {number} recorded for {owner.name}, due {cmd.due:%d/%m/%Y}"


def action_done(
    session: Session, app: App, case: Case, cmd: c.ActionDone, actor: Actor, now: datetime
) -> str:
    item = session.scalar(
        select(ActionItem).where(ActionItem.case_id == case.id, ActionItem.number == cmd.number)
    )
    if item is None:
        raise CommandRefused(f"there is no action {cmd.number} on {case.ref}")
    item.done_at = now
    _met(case, f"action:{cmd.number}", now)
    add_event(
        session,
        case,
        now,
        "action_done",
        f"Action {cmd.number} done",
        actor=actor.email,
        why=cmd.line,
    )
    return f"action {cmd.number} marked done"


def approve_cmd(
    session: Session, app: App, case: Case, cmd: c.Approve, actor: Actor, now: datetime
) -> str:
    from bot.services.approvals import ApprovalError

    try:
        row = approve(session, cmd.outbox_id, actor=actor.email, now=now, case=case)
    except ApprovalError as exc:
        raise CommandRefused(str(exc)) from exc
    return f"email #{row.id} approved and queued to send"


def close(session: Session, app: App, case: Case, cmd: c.Close, actor: Actor, now: datetime) -> str:
    case.status, case.closed_reason, case.stage = "closed", cmd.reason, "closed"
    add_event(session, case, now, "case_closed", cmd.reason, actor=actor.email, why=cmd.line)
    return "case closed"


Handler = Callable[[Session, App, Case, object, Actor, datetime], str]
HANDLERS: dict[type, tuple[str, Callable[..., str]]] = {
    c.Vote: ("partner", vote),
    c.Decision: ("business_manager", bm_decision),
    c.Notifiable: ("business_manager", notifiable),
    c.ScrutineerView: ("independent_scrutineer", scrutineer),
    c.LaAware: ("business_manager", la_aware),
    c.NotificationSent: ("business_manager", notification_sent),
    c.RequestReturns: ("business_manager", request_returns),
    c.MeetingHeld: ("business_manager", meeting_held),
    c.ReportSubmitted: ("business_manager", report_submitted),
    c.Delay: ("business_manager", delay),
    c.CsprDecision: ("business_manager", cspr),
    c.ReviewerAppointed: ("business_manager", reviewer),
    c.FamilyPreview: ("business_manager", family_preview),
    c.PublicationPlanned: ("business_manager", publication_planned),
    c.Published: ("business_manager", published),
    c.PublicationDelay: ("business_manager", publication_delay),
    c.NotPublishing: ("business_manager", publication_delay),
    c.AddAction: ("business_manager", add_action),
    c.ActionDone: ("business_manager", action_done),
    c.Approve: ("business_manager", approve_cmd),
    c.Close: ("business_manager", close),
}
