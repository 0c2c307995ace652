"""Screening: votes, the panel's decision, notifiability and the Scrutineer's view."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, Vote
from bot.app import App
from bot.core import commands as c
from bot.core.screening_vote import CHOICE_LABELS, ROLE_LABELS, stage_after, tally
from bot.services.cases import add_event
from bot.services.mailout import queue_email
from bot.services.referrer import tell_referrer
from bot.services.review.common import (
    Actor,
    case_ctx,
    met,
    note,
)


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
    met(case, "screening_meeting", now)
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
            "case": case_ctx(case),
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
    tell_referrer(session, app, case, choice, now)


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
        met(case, "panel_notification", now, state="not_required")
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
        note(
            session,
            case,
            now,
            "scrutineer_agrees",
            "The Independent Scrutineer agrees",
            actor,
            cmd.line,
        )
        return "recorded: the Scrutineer agrees with the outcome"
    note(
        session,
        case,
        now,
        "scrutineer_disagrees",
        "The Independent Scrutineer disagrees; a meeting with the Screening Panel is "
        f"to be arranged. Reason: {cmd.reason}",
        actor,
        cmd.line,
    )
    return "recorded: the Scrutineer disagrees; the Business Manager will arrange a meeting"
