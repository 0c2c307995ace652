"""After the Rapid Review: CSPR, reviewer, family preview, action plan, approvals, closing.

Publication has its own module, bot.services.review.publishing."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import ActionItem, Case, Deadline
from bot.app import App
from bot.core import commands as c
from bot.core import deadlines
from bot.core.case_status import deadline_title
from bot.core.command_dates import action_due_problem, closed_day_note
from bot.core.deadlines import fmt_date, may_promise
from bot.core.months_words import months_from
from bot.core.moved_clocks import replacing
from bot.core.publication import REQUIRED
from bot.core.send_by import cspr_send_by
from bot.core.stated_dates import Stated
from bot.core.wording import plural
from bot.services.approvals import (
    ApprovalError,
    approve,
    restater,
    withdraw_drafts,
    withdraw_earlier,
)
from bot.services.case_view import agency_names
from bot.services.cases import add_event, set_deadline
from bot.services.mailout import queue_email
from bot.services.review.common import (
    Actor,
    CommandRefused,
    Recorded,
    case_began,
    case_ctx,
    clocks_moved,
    clocks_of,
    deadline_row,
    met,
    note,
    recorded_day,
    refuse_personal,
    reopen,
    repeated,
    resolve_agency,
    said_on,
    today,
)
from bot.services.review.cspr_outcome import tell_cspr_decision
from bot.services.review.cspr_waiting import lock_cspr_decisions, waiting_cspr_decisions
from bot.services.review.delay_notice import reviewer_key
from bot.services.review.meetings import cancel_if_still_to_come
from bot.services.review.publication_notice import EVENT as NOTICE
from bot.services.review.publication_notice import not_sent
from bot.services.review.sent_notices import told_otherwise

CSPR = "the CSPR decision"
CSPR_OWED = "closed_with_cspr_owed"
# Where the words of `CSPR: no` and `Reviewer:` are read, as a refusal says it.
_TO_PARTNERS = (
    "it goes to the three partner leads and the Independent Scrutineer in the CSPR decision "
    "email, which carries the reference and initials only"
)
_TO_NATIONAL = (
    "it goes to the National Panel, Ofsted and DfE in the reviewer notice, which carries the "
    "reference and initials only"
)


def cspr(
    session: Session, app: App, case: Case, cmd: c.CsprDecision, actor: Actor, now: datetime
) -> str:
    if not cmd.hold:  # sent as it stands, with no draft to approve
        refuse_personal(session, case, cmd.rationale, "reason", _TO_PARTNERS)
    day = recorded_day(app, actor, cmd.on, CSPR, began=case)
    lock_cspr_decisions(session, case)  # what waits, and what went, stays so till the commit
    clock = deadline_row(case, "cspr_report") if case.cspr else None
    if cmd.hold and clock is not None:
        known = Recorded(CSPR, clock.start, "the 6-month clock", "Correct CSPR")
        if (same := repeated(session, case, now, actor, cmd.line, known, day.on)) is not None:
            return same
    # Given again with an earlier day: the day replaced and the clocks it moved are said.
    prior = clock.start if cmd.hold and clock is not None else None
    clocks = clocks_of(case)
    before = deadline_row(case, "cspr_report")  # kept, stopped, after a "CSPR: no" too
    was = (case.cspr, before.start if before is not None else None)
    case.cspr, case.cspr_rationale = cmd.hold, cmd.rationale
    stopped, due, how = "", None, ""
    if cmd.hold:
        d = deadlines.cspr_report(day.on, app.calendar)
        reopen(set_deadline(session, case, d, now))
        due, how = d.due, months_from(d, "the decision")
        moves = clocks_moved(app, case, clocks, now) if prior is not None else ""
        due_said = moves or f"; the report is due by {fmt_date(d.due)}"
        stopped = f"{due_said}{_send_by(app, d.due, now)}"
    else:
        if (row := deadline_row(case, "cspr_report")) is not None and row.met_at is None:
            met(case, "cspr_report", now, state="not_required")  # no report is owed now
            stopped = "; the 6-month report clock is stopped"
        stopped += _no_publication(session, case, now)
    stopped += _decision_told_otherwise(session, case, was, cmd.hold, day.on, now)
    stopped += tell_cspr_decision(session, app, case, day.on, due, now, how)
    stopped += waiting_cspr_decisions(session, case, now)
    add_event(
        session,
        case,
        now,
        "cspr_decided",
        "CSPR to be held" if cmd.hold else f"No CSPR: {cmd.rationale}",
        actor=actor.email,
        why=cmd.line,
    )
    return f"CSPR decision recorded{replacing(prior, day.on)}{day.said()}{stopped}"


def _send_by(app: App, due: date, now: datetime) -> str:
    """Publishing by the 6-month date needs the report with the three bodies 7 working days
    before it: the day that really bounds the work, said when the clock starts, not found out
    when the digest first lists the report, 5 working days before its date."""
    by = cspr_send_by(due, today(app, now), app.calendar)
    return (
        f"; to publish by then, the report must reach the National Panel, the Secretary of "
        f"State and Ofsted by {fmt_date(by)}, {REQUIRED} working days before"
    )


def _no_publication(session: Session, case: Case, now: datetime) -> str:
    """With no CSPR there is no review report to publish: a planned publication, its notice
    clock and any notice awaiting approval go."""
    case.planned_publication = None
    if (row := deadline_row(case, NOTICE)) is not None and row.met_at is None:
        met(case, NOTICE, now, state="not_required")
    return withdraw_drafts(session, case, NOTICE, now, "no CSPR is to be held")


def _decision_told_otherwise(
    session: Session,
    case: Case,
    was: tuple[bool | None, date | None],
    hold: bool,
    on: date,
    now: datetime,
) -> str:
    """The reviewer notice tells the National Panel, Ofsted and DfE the decision and its day,
    and promises to say if that changes: a reversed or moved decision is flagged."""
    held, decided = was
    if held and not hold:
        what = "told them a CSPR would be held: tell them of the decision not to hold one"
    elif hold and decided is not None and (not held or decided != on):
        what = f"gave the CSPR decision as {fmt_date(decided)}: tell them it is now {fmt_date(on)}"
    else:
        return ""
    return told_otherwise(session, case, "reviewer_notice", now, what)


def reviewer(
    session: Session, app: App, case: Case, cmd: c.ReviewerAppointed, actor: Actor, now: datetime
) -> str:
    if not case.cspr:
        raise CommandRefused("record CSPR: yes before appointing a reviewer")
    refuse_personal(session, case, cmd.name, "Reviewer: line", _TO_NATIONAL)
    case.reviewer_name = cmd.name
    # The decision's own date, stored as the start of its 6 months, never the day of this line.
    clock = next(d for d in case.deadlines if d.name == "cspr_report")
    p = app.config.people
    # Appointed once the 6 months are up, the notice says the report is overdue; it never
    # promises a day gone by.
    on = today(app, now)
    promised = clock.due if may_promise(clock.due, on) else None
    draft = queue_email(
        session,
        app,
        key=reviewer_key(case, cmd.name, actor.said_at, clock.start, clock.due),
        event="reviewer_notice",
        to=[p.national_panel.email, p.ofsted.email, p.dfe.email],
        now=now,
        case=case,
        context={
            "case": case_ctx(case),
            "reviewer_name": cmd.name,
            "decision_on": clock.start,
            "report_due": clock.due,
            "report_overdue": promised is None,
        },
        stated=Stated(written_on=on, promised=promised),
    )
    note(
        session, case, now, "reviewer_appointed", "Independent reviewer appointed", actor, cmd.line
    )
    withdrawn = withdraw_earlier(session, case, draft, now)
    return "reviewer recorded; notice to the National Panel, Ofsted and DfE drafted" + withdrawn


def family_preview(
    session: Session, app: App, case: Case, cmd: c.FamilyPreview, actor: Actor, now: datetime
) -> str:
    if cmd.on < (first := case_began(app, case)):
        raise CommandRefused(
            f"{fmt_date(cmd.on)} is before the case began ({fmt_date(first)}); check the year"
        )
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
    return f"action {number} recorded for {owner.name}, due {fmt_date(cmd.due)}{closed}"


def action_done(
    session: Session, app: App, case: Case, cmd: c.ActionDone, actor: Actor, now: datetime
) -> str:
    item = session.scalar(
        select(ActionItem).where(ActionItem.case_id == case.id, ActionItem.number == cmd.number)
    )
    if item is None:
        raise CommandRefused(f"there is no action {cmd.number} on {case.ref}")
    if item.done_at is not None:
        # Its day stands: the Board's timeliness report counts it by that day.
        row = deadline_row(case, f"action:{cmd.number}")
        on = row.met_on if row is not None and row.met_on else today(app, item.done_at)
        return f"action {cmd.number} is already marked done on {fmt_date(on)}; nothing changed"
    item.done_at = now
    # On the day it was said, which the Board's timeliness report counts it by.
    met(case, f"action:{cmd.number}", now, on=said_on(app, actor))
    note(session, case, now, "action_done", f"Action {cmd.number} done", actor, cmd.line)
    return f"action {cmd.number} marked done"


def approve_cmd(
    session: Session, app: App, case: Case, cmd: c.Approve, actor: Actor, now: datetime
) -> str:
    try:
        done = approve(
            session,
            cmd.outbox_id,
            actor=actor.email,
            now=now,
            case=case,
            restate=restater(app),
            tz=app.config.partnership.time_zone,
        )
    except ApprovalError as exc:
        raise CommandRefused(str(exc)) from exc
    if done.held is not None:
        return not_sent(done.row.id, done.held, f"Approve {done.row.id}")
    return f"email #{done.row.id} approved and queued to send"


def close(session: Session, app: App, case: Case, cmd: c.Close, actor: Actor, now: datetime) -> str:
    # The stage it leaves, for `Reopen:` (the lifecycle table moves it to closed after this).
    case.status, case.closed_reason, case.closed_from = "closed", cmd.reason, case.stage
    note(session, case, now, "case_closed", cmd.reason, actor, cmd.line)
    cancelled = cancel_if_still_to_come(session, app, case, "the case is closed", now)
    owed = _cspr_report_owed(session, case, now) + _clocks_left_open(session, app, case, now)
    return "case closed" + (f"; {cancelled}" if cancelled else "") + owed


CLOCKS_OPEN = "closed_with_clocks_open"


def _clocks_left_open(session: Session, app: App, case: Case, now: datetime) -> str:
    """Closing stops every reminder. A deadline still unmet (an action not done, a complaint
    not answered) may have been overtaken, but is said and flagged, never dropped unremarked.
    The CSPR report has its own flag (_cspr_report_owed)."""
    left = sorted(
        (d for d in case.deadlines if d.met_at is None and d.name != "cspr_report"),
        key=lambda d: (d.due, d.name),
    )
    if not left:
        return ""
    day = today(app, now)
    names = agency_names(app.config)
    said = "; ".join(
        _left_said([d for d in left if d.due < day], "overdue", names)
        + _left_said([d for d in left if d.due >= day], "not yet due", names)
    )
    add_event(session, case, now, CLOCKS_OPEN, f"Closed with deadlines unmet: {said}")
    return f"; note that closing stops their reminders: {said}"


def _left_said(left: list[Deadline], state: str, names: dict[str, str]) -> list[str]:
    """ "1 deadline overdue: ..." or "2 deadlines not yet due: ...": a clock still to come is
    not called missed."""
    if not left:
        return []
    each = ", ".join(f"{deadline_title(d.name, names)}, due {fmt_date(d.due)}" for d in left)
    return [f"{plural(len(left), 'deadline')} {state}: {each}"]


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
