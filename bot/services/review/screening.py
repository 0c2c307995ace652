"""Screening: votes, the panel's decision, notifiability and the Scrutineer's view."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, Vote
from bot.app import App
from bot.core import commands as c
from bot.core.deadlines import fmt_date
from bot.core.screening_vote import (
    CHOICE_LABELS,
    NO_MAJORITY,
    ROLE_LABELS,
    AfterVote,
    Change,
    after_vote,
    decision_refusal,
)
from bot.services.cases import add_event
from bot.services.mailout import queue_email
from bot.services.meeting_replies import when
from bot.services.referrer import tell_referrer
from bot.services.review.common import (
    Actor,
    CommandRefused,
    case_ctx,
    deadline_row,
    met,
    note,
    recorded_day,
    reopen,
    said_on,
)
from bot.services.review.meetings import cancel_if_still_to_come
from bot.services.review.screening_outcome import (
    given_votes,
    tell_dissent,
    tell_outcome,
    vote_ctx,
)


def vote(session: Session, app: App, case: Case, cmd: c.Vote, actor: Actor, now: datetime) -> str:
    before = live_votes(session, case)
    standing = list(
        session.scalars(
            select(Vote).where(Vote.case_id == case.id, Vote.role == actor.role, ~Vote.superseded)
        )
    )
    given = Vote(
        case_id=case.id,
        role=actor.role,
        voter=actor.email,
        choice=str(cmd.choice),
        at=actor.said_at,  # when it was given: the email's arrival, not when it was read
        message_id=actor.message_id,
    )
    session.add(given)
    later = next((v for v in standing if v.at > actor.said_at), None)
    if later is not None:
        return _read_after_a_later_vote(session, app, case, given, later, cmd.line, now)
    for old in standing:
        old.superseded = True
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
    result = after_vote(case.decision, before, live_votes(session, case))
    said = _apply_vote(session, app, case, result, actor, now)
    dissent = case.decision not in (None, given.choice)
    if result.change is Change.UNCHANGED and dissent and _agreed_before(case, before, given):
        tell_dissent(session, app, case, given, now)
    return f"vote recorded ({label}); {said}"


def _agreed_before(case: Case, before: dict[str, str], given: Vote) -> bool:
    """Whether the partner had not already voted against the decision: a dissent that only
    changes its reason ("no further action", then "local learning review") is nothing new."""
    return before.get(given.role, case.decision) == case.decision


def _read_after_a_later_vote(
    session: Session, app: App, case: Case, given: Vote, later: Vote, line: str, now: datetime
) -> str:
    """A vote read after a later one from the same partner (held in triage, then released):
    kept on the case, never counted; the later vote, which the partner gave last, stands."""
    given.superseded = True
    role, label = ROLE_LABELS[given.role], CHOICE_LABELS[given.choice]
    standing = f"{CHOICE_LABELS[later.choice]}, given {when(app, later.at)}"
    add_event(
        session,
        case,
        now,
        "vote_not_counted",
        f"{role}: {label}, given {when(app, given.at)}, read after a later vote ({standing})",
        actor=given.voter,
        why=f"the later vote stands: {line}",
    )
    return (
        f"vote recorded ({label}) but not counted: it was given {when(app, given.at)}, and the "
        f"{role} voted again after that ({standing}), which stands"
    )


def _apply_vote(
    session: Session, app: App, case: Case, result: AfterVote, actor: Actor, now: datetime
) -> str:
    if result.change is Change.DECIDED:
        assert result.choice is not None
        said = decide(
            session, app, case, result.choice, result.reason, actor, now, said_on(app, actor)
        )
        return f"the panel has decided: {CHOICE_LABELS[result.choice]}" + said
    if result.change is Change.REOPENED:
        _reopen(session, app, case, result, now)
        return result.reason
    if result.change is Change.SPLIT:
        _ask_to_reconvene(session, app, case, result.reason, None, now)
        return f"{NO_MAJORITY}; the Business Manager has been asked to reconvene the panel"
    if case.decision is not None:
        add_event(session, case, now, "decision_unchanged", result.reason)
    return result.reason


def live_votes(session: Session, case: Case) -> dict[str, str]:
    return {v.role: v.choice for v in given_votes(session, case)}


def _changes_so_far(case: Case) -> int:
    """How many times the decision has been made, changed or reopened: one email per change."""
    kinds = ("screening_decided", "decision_changed", "decision_reopened", "screening_split")
    return sum(1 for e in case.events if e.what in kinds)


def decide(
    session: Session,
    app: App,
    case: Case,
    choice: str,
    decided_by: str,
    actor: Actor,
    now: datetime,
    on: date,
) -> str:
    """Record the panel's decision, made on `on`, and tell the Business Manager and Scrutineer.

    Returns "; the Screening Panel of ... is cancelled ..." when the meeting was still to come
    (bot.services.review.meetings says why), else ""."""
    changed = case.decision is not None
    sequence = _changes_so_far(case)
    case.decision, case.decided_by = choice, decided_by
    met(case, "screening_meeting", now, on=on)
    add_event(
        session,
        case,
        now,
        "decision_changed" if changed else "screening_decided",
        f"Screening Panel decision: {CHOICE_LABELS[choice]}",
        actor=actor.email,
        why=decided_by,
    )
    # Keyed on the change's place in the case's history, so A -> B -> A emails each real
    # change while a replayed message never emails the same change twice.
    tell_outcome(session, app, case, f"{sequence}:{choice}", None, now)
    tell_referrer(session, app, case, choice, now)
    cancelled = cancel_if_still_to_come(
        session, app, case, "the panel's decision is recorded; the meeting is not needed", now
    )
    return f"; {cancelled}" if cancelled else ""


def _reopen(session: Session, app: App, case: Case, result: AfterVote, now: datetime) -> None:
    withdrawn = case.decision
    assert withdrawn is not None
    sequence = _changes_so_far(case)
    # The lifecycle table moves it back to screening. The panel did meet and decide in time:
    # its clock stays met on that day, so a later majority never makes it look late.
    case.decision, case.decided_by = None, None
    add_event(
        session,
        case,
        now,
        "decision_reopened",
        f"Screening Panel decision withdrawn: {CHOICE_LABELS[withdrawn]}",
        why=result.reason,
    )
    _ask_to_reconvene(session, app, case, result.reason, withdrawn, now, sequence)


def _ask_to_reconvene(
    session: Session,
    app: App,
    case: Case,
    reason: str,
    withdrawn: str | None,
    now: datetime,
    sequence: int | None = None,
) -> None:
    """Ask the Business Manager to reconvene the partners; the Scrutineer is copied when a
    decision they were told of is withdrawn."""
    if sequence is None:
        sequence = _changes_so_far(case)
        add_event(session, case, now, "screening_split", NO_MAJORITY, why=reason)
    people = app.config.people
    votes = given_votes(session, case)
    queue_email(
        session,
        app,
        key=f"screening-reconvene:{case.ref}:{sequence}",
        event="screening_reconvene",
        to=[people.business_manager.email],
        cc=[people.independent_scrutineer.email] if withdrawn else [],
        now=now,
        case=case,
        context={
            "case": case_ctx(case),
            "reason": reason,
            "withdrawn": CHOICE_LABELS[withdrawn] if withdrawn else None,
            "votes": [vote_ctx(app, v) for v in votes],
        },
    )


def bm_decision(
    session: Session, app: App, case: Case, cmd: c.Decision, actor: Actor, now: datetime
) -> str:
    choice = str(cmd.choice)
    refusal = decision_refusal(choice, live_votes(session, case))
    if refusal is not None:
        raise CommandRefused(refusal)
    day = recorded_day(app, actor, cmd.on, "the Screening Panel's decision", began=case)
    if case.decision == choice:
        return f"the decision is already recorded as {CHOICE_LABELS[choice]}; nothing changed"
    recorded = "the Business Manager, recording what the partners agreed at the panel meeting"
    said = decide(session, app, case, choice, recorded, actor, now, day.on)
    return f"decision recorded: {CHOICE_LABELS[choice]}{day.said()}{said}"


def notifiable(
    session: Session, app: App, case: Case, cmd: c.Notifiable, actor: Actor, now: datetime
) -> str:
    case.notifiable = cmd.value
    if not cmd.value:
        met(case, "panel_notification", now, state="not_required")
    again = _notification_clock_back(case, now) if cmd.value else ""
    add_event(
        session,
        case,
        now,
        "notifiable_recorded",
        "Notifiable to the National Panel: " + ("yes" if cmd.value else "no") + again,
        actor=actor.email,
        why=cmd.line,
    )
    return "recorded: " + ("notifiable" if cmd.value else "not notifiable") + again


def _notification_clock_back(case: Case, now: datetime) -> str:
    """`Notifiable: yes` after `no`: the National Panel clock, switched off by the `no`, runs
    again from the day it always counted from (it may be overdue at once, and is shown so)."""
    row = deadline_row(case, "panel_notification")
    if row is None or row.state != "not_required":
        return ""
    reopen(row)
    if case.notification_sent_on is not None:
        met(case, "panel_notification", now, on=case.notification_sent_on)
        return f"; the notification is recorded as sent on {fmt_date(case.notification_sent_on)}"
    return f"; the National Panel notification is due again, by {fmt_date(row.due)}"


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
    if case.cspr is not None:
        # After the Rapid Review the decision in question is the CSPR one, not the screening.
        said = "disagrees with the CSPR decision; the Business Manager is to take it up with "
        said += "the partners"
        answer = "the Business Manager will take it up with the partners"
    else:
        said = "disagrees; a meeting with the Screening Panel is to be arranged"
        answer = "the Business Manager will arrange a meeting"
    detail = f"The Independent Scrutineer {said}. Reason: {cmd.reason}"
    note(session, case, now, "scrutineer_disagrees", detail, actor, cmd.line)
    return f"recorded: the Scrutineer disagrees; {answer}"
