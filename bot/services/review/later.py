"""After the Rapid Review: CSPR, reviewer, publication, action plan, approvals, closing."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import ActionItem, Case
from bot.app import App
from bot.core import commands as c
from bot.core import deadlines
from bot.core.command_dates import action_due_problem, closed_day_note, published_problem
from bot.core.deadlines import fmt_date
from bot.core.publication import REQUIRED, check_notice
from bot.services.approvals import ApprovalError, approve, restater, withdraw_earlier
from bot.services.cases import add_event, set_deadline
from bot.services.mailout import queue_email
from bot.services.review.common import (
    Actor,
    CommandRefused,
    Recorded,
    case_ctx,
    deadline_row,
    met,
    note,
    recorded_day,
    refuse_personal,
    reopen,
    repeated,
    resolve_agency,
    said_on,
    short_hash,
    today,
)
from bot.services.review.delay_notice import already_published, reviewer_key
from bot.services.review.meetings import cancel_if_still_to_come
from bot.services.review.publication_notice import EVENT as NOTICE
from bot.services.review.publication_notice import (
    not_sent,
    notice_context,
    notice_key,
)

CSPR = "the CSPR decision"
CSPR_OWED = "closed_with_cspr_owed"
PUBLISHED = "publication"


def cspr(
    session: Session, app: App, case: Case, cmd: c.CsprDecision, actor: Actor, now: datetime
) -> str:
    day = recorded_day(app, actor, cmd.on, CSPR, began=case)
    clock = deadline_row(case, "cspr_report") if case.cspr else None
    if cmd.hold and clock is not None:
        known = Recorded(CSPR, clock.start, "the 6-month clock", "Correct CSPR")
        if (same := repeated(session, case, now, actor, cmd.line, known, day.on)) is not None:
            return same
    case.cspr, case.cspr_rationale = cmd.hold, cmd.rationale
    stopped = ""
    if cmd.hold:
        reopen(set_deadline(session, case, deadlines.cspr_report(day.on, app.calendar), now))
    elif (row := deadline_row(case, "cspr_report")) is not None and row.met_at is None:
        met(case, "cspr_report", now, state="not_required")  # no report is owed now
        stopped = "; the 6-month report clock is stopped"
    add_event(
        session,
        case,
        now,
        "cspr_decided",
        "CSPR to be held" if cmd.hold else f"No CSPR: {cmd.rationale}",
        actor=actor.email,
        why=cmd.line,
    )
    return f"CSPR decision recorded{day.said()}{stopped}"


def reviewer(
    session: Session, app: App, case: Case, cmd: c.ReviewerAppointed, actor: Actor, now: datetime
) -> str:
    if not case.cspr:
        raise CommandRefused("record CSPR: yes before appointing a reviewer")
    case.reviewer_name = cmd.name
    # The decision's own date, stored as the start of its 6 months, never the day of this line.
    clock = next(d for d in case.deadlines if d.name == "cspr_report")
    p = app.config.people
    draft = queue_email(
        session,
        app,
        key=reviewer_key(case, cmd.name, clock.start, clock.due),
        event="reviewer_notice",
        to=[p.national_panel.email, p.ofsted.email, p.dfe.email],
        now=now,
        case=case,
        context={
            "case": case_ctx(case),
            "reviewer_name": cmd.name,
            "decision_on": clock.start,
            "report_due": clock.due,
        },
    )
    note(
        session, case, now, "reviewer_appointed", "Independent reviewer appointed", actor, cmd.line
    )
    withdrawn = withdraw_earlier(session, case, draft, now)
    return "reviewer recorded; notice to the National Panel, Ofsted and DfE drafted" + withdrawn


def family_preview(
    session: Session, app: App, case: Case, cmd: c.FamilyPreview, actor: Actor, now: datetime
) -> str:
    case.family_preview_on = cmd.on
    note(
        session,
        case,
        now,
        "family_preview",
        f"Family read-only preview on {cmd.on}",
        actor,
        cmd.line,
    )
    return "family preview recorded"


def publication_planned(
    session: Session, app: App, case: Case, cmd: c.PublicationPlanned, actor: Actor, now: datetime
) -> str:
    check = check_notice(today(app, now), cmd.on, cmd.late_notice, app.calendar)
    if check.refusal is not None:
        raise CommandRefused(check.refusal)
    case.planned_publication = cmd.on
    d = deadlines.publication_notice(cmd.on, app.calendar)
    set_deadline(session, case, d, now)
    if case.report_sent_on is not None:
        met(case, "publication_notice", now, on=case.report_sent_on)
    p = app.config.people
    queue_email(
        session,
        app,
        key=notice_key(case, cmd.on),
        event=NOTICE,
        to=[p.national_panel.email, p.secretary_of_state.email, p.ofsted.email],
        now=now,
        case=case,
        context=notice_context(case, cmd.on, check, d.due),
    )
    if check.late:
        return (
            f"publication on {cmd.on:%d/%m/%Y}; late notice drafted: {check.given} working days "
            f"before publication, fewer than the {REQUIRED} working days required (the report "
            f"was due to them by {d.due:%d/%m/%Y})"
        )
    closed = closed_day_note(cmd.on, app.calendar)
    return f"publication on {cmd.on:%d/%m/%Y}{closed}; notice drafted, due by {d.due:%d/%m/%Y}"


def report_sent(
    session: Session, app: App, case: Case, cmd: c.ReportSent, actor: Actor, now: datetime
) -> str:
    if not case.cspr:
        raise CommandRefused("record CSPR: yes before recording the report as sent")
    if case.report_sent_on is not None:
        raise CommandRefused(
            f"the report is already recorded as sent on {case.report_sent_on:%d/%m/%Y}"
        )
    sent_on = cmd.on or said_on(app, actor)
    if sent_on > said_on(app, actor):
        raise CommandRefused(f"{sent_on:%d/%m/%Y} is in the future; give the date it was sent")
    case.report_sent_on = sent_on
    met(case, "publication_notice", now, on=sent_on)
    note(
        session,
        case,
        now,
        "report_sent",
        f"Full report sent to the National Panel, the Secretary of State and Ofsted on {sent_on}",
        actor,
        cmd.line,
    )
    said = "" if cmd.on else " (no date given, so today)"
    return f"report sent on {sent_on:%d/%m/%Y}{said} recorded{_notice_given(app, case, sent_on)}"


def _notice_given(app: App, case: Case, sent_on: date) -> str:
    if case.planned_publication is None:
        return ""
    given = app.calendar.working_days_between(sent_on, case.planned_publication)
    if given >= REQUIRED:
        return f"; {given} working days before publication"
    return (
        f"; {given} working days before publication, fewer than the {REQUIRED} working days "
        "required"
    )


def check_published(case: Case, on: date) -> None:
    """Refuse a publication date before the CSPR decision (see published_problem)."""
    decided = deadline_row(case, "cspr_report")
    if decided is not None and (problem := published_problem(on, decided.start)) is not None:
        raise CommandRefused(problem)


def published(
    session: Session, app: App, case: Case, cmd: c.Published, actor: Actor, now: datetime
) -> str:
    day = recorded_day(app, actor, cmd.on, PUBLISHED)
    check_published(case, day.on)
    clock = "the publication period"
    known = Recorded(PUBLISHED, case.published_on, clock, "Correct Published")
    if (same := repeated(session, case, now, actor, cmd.line, known, day.on)) is not None:
        return same
    case.published_on = day.on
    met(case, "cspr_report", now, on=day.on)
    d = deadlines.publication_period_end(day.on, app.calendar)
    set_deadline(session, case, d, now)
    done = f"publication recorded; keep it online until at least {d.due:%d/%m/%Y}{day.said()}"
    if case.report_sent_on is not None:
        return done
    # Publishing does not show the report reached the Panel, the SoS and Ofsted: ask.
    add_event(
        session,
        case,
        now,
        "report_not_sent",
        f"Published on {day.on:%d/%m/%Y} but no Report sent: is recorded; the full report must "
        "go to the National Panel, the Secretary of State and Ofsted. Reply Report sent: <date> "
        "once it has.",
        actor=actor.email,
        why=cmd.line,
    )
    return (
        f"{done}; the report is not recorded as sent to the National Panel, the Secretary of "
        "State and Ofsted, so the notice of publication stays open: reply Report sent: <date> "
        "once it has gone"
    )


def publication_delay(
    session: Session,
    app: App,
    case: Case,
    cmd: c.PublicationDelay | c.NotPublishing,
    actor: Actor,
    now: datetime,
) -> str:
    kind = "delayed" if isinstance(cmd, c.PublicationDelay) else "not_publishing"
    if case.published_on is not None:
        raise CommandRefused(already_published(case.published_on))
    refuse_personal(session, case, cmd.reason, "reason")
    p = app.config.people
    draft = queue_email(
        session,
        app,
        key=f"publication-{kind}:{case.ref}:{short_hash(cmd.reason)}",
        event="publication_delay_notice",
        to=[p.national_panel.email, p.secretary_of_state.email],
        now=now,
        case=case,
        context={"case": case_ctx(case), "kind": kind, "reason": cmd.reason},
    )
    note(session, case, now, f"publication_{kind}", cmd.reason, actor, cmd.line)
    withdrawn = withdraw_earlier(session, case, draft, now)
    return "reasons drafted for the National Panel and the Secretary of State" + withdrawn


def add_action(
    session: Session, app: App, case: Case, cmd: c.AddAction, actor: Actor, now: datetime
) -> str:
    owner = resolve_agency(app, cmd.owner)
    if (problem := action_due_problem(cmd.due, said_on(app, actor))) is not None:
        raise CommandRefused(problem)
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
        deadlines.compute(f"action:{number}", said_on(app, actor), app.calendar, due=cmd.due),
        now,
    )
    closed = closed_day_note(cmd.due, app.calendar)
    return f"action {number} recorded for {owner.name}, due {cmd.due:%d/%m/%Y}{closed}"


def action_done(
    session: Session, app: App, case: Case, cmd: c.ActionDone, actor: Actor, now: datetime
) -> str:
    item = session.scalar(
        select(ActionItem).where(ActionItem.case_id == case.id, ActionItem.number == cmd.number)
    )
    if item is None:
        raise CommandRefused(f"there is no action {cmd.number} on {case.ref}")
    item.done_at = now
    met(case, f"action:{cmd.number}", now)
    note(session, case, now, "action_done", f"Action {cmd.number} done", actor, cmd.line)
    return f"action {cmd.number} marked done"


def approve_cmd(
    session: Session, app: App, case: Case, cmd: c.Approve, actor: Actor, now: datetime
) -> str:
    try:
        done = approve(
            session, cmd.outbox_id, actor=actor.email, now=now, case=case, restate=restater(app)
        )
    except ApprovalError as exc:
        raise CommandRefused(str(exc)) from exc
    if done.held is not None:
        return not_sent(done.row.id, done.held, f"Approve {done.row.id}")
    return f"email #{done.row.id} approved and queued to send"


def close(session: Session, app: App, case: Case, cmd: c.Close, actor: Actor, now: datetime) -> str:
    case.status, case.closed_reason = "closed", cmd.reason
    note(session, case, now, "case_closed", cmd.reason, actor, cmd.line)
    cancelled = cancel_if_still_to_come(session, app, case, "the case is closed", now)
    owed = _cspr_report_owed(session, case, now)
    return "case closed" + (f"; {cancelled}" if cancelled else "") + owed


def _cspr_report_owed(session: Session, case: Case, now: datetime) -> str:
    """Closing a case whose CSPR report was neither published nor sent to the National Panel
    is allowed (a decision may have been overtaken), but never unremarked: it is flagged."""
    clock = deadline_row(case, "cspr_report") if case.cspr else None
    if clock is None or case.published_on is not None or case.report_sent_on is not None:
        return ""
    said = (
        f"the CSPR report (decided {fmt_date(clock.start)}, due {fmt_date(clock.due)}) is not "
        "recorded as published or sent to the National Panel"
    )
    add_event(session, case, now, CSPR_OWED, f"Closed, but {said}")
    return f"; note that {said}"
