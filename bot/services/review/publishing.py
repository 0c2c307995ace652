"""Publishing a CSPR report: the planned date and its notice, the report sent to the National
Panel, the Secretary of State and Ofsted, the day it was published, or why it is delayed or
will not be published.

The report must reach the three bodies at least 7 working days before it is published. The
notice clock counts back from the planned date until the report is published, then from the
day it was: once both days are recorded, notice that fell short is said in the reply and put
under the digest's "Needs your attention", whichever of the two was recorded last.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.adapters.db.models import Case
from bot.app import App
from bot.core import commands as c
from bot.core import deadlines
from bot.core.command_dates import closed_day_note, published_problem, report_sent_problem
from bot.core.deadlines import fmt_date
from bot.core.months_words import months_from
from bot.core.moved_clocks import Clock, counted_now, replacing
from bot.core.publication import REQUIRED, check_notice, report_sent_words, short_notice
from bot.services.approvals import withdraw_drafts, withdraw_earlier
from bot.services.cases import add_event, set_deadline
from bot.services.mailout import queue_email
from bot.services.review.common import (
    Actor,
    CommandRefused,
    Recorded,
    case_ctx,
    clocks_moved,
    clocks_of,
    deadline_row,
    met,
    met_on_day,
    note,
    recorded_day,
    refuse_personal,
    reopen,
    repeated,
    said_on,
    short_hash,
    today,
)
from bot.services.review.delay_notice import already_published
from bot.services.review.publication_notice import EVENT as NOTICE
from bot.services.review.publication_notice import (
    notice_context,
    notice_key,
    notice_stated,
    replaced_notice,
    send_by,
)

PUBLISHED = "publication"
SHORT = "publication_notice_short"  # a digest flag: bot.services.raised_flags.FLAG_EVENTS


def publication_planned(
    session: Session, app: App, case: Case, cmd: c.PublicationPlanned, actor: Actor, now: datetime
) -> str:
    _refuse_without_cspr(case)
    if case.published_on is not None:
        raise CommandRefused(
            f"the report is recorded as published on {fmt_date(case.published_on)}, so no "
            "publication date is planned now; if that date is wrong, write Correct Published: "
            "<date> because <reason>"
        )
    sent = case.report_sent_on
    check = check_notice(today(app, now), cmd.on, cmd.late_notice, app.calendar, sent)
    if check.refusal is not None:
        raise CommandRefused(check.refusal)
    case.planned_publication = cmd.on
    d = deadlines.publication_notice(cmd.on, app.calendar)
    # Planned again after `Publication delayed:`, which set the notice clock aside: chased again.
    reopen(set_deadline(session, case, d, now))
    if case.report_sent_on is not None:
        met(case, "publication_notice", now, on=case.report_sent_on)
    p = app.config.people
    by = send_by(app, case, check, d.due, today(app, now))
    draft = queue_email(
        session,
        app,
        key=notice_key(case, cmd.on, actor.said_at),
        event=NOTICE,
        to=[p.national_panel.email, p.secretary_of_state.email, p.ofsted.email],
        now=now,
        case=case,
        context=notice_context(session, app, case, cmd.on, check, by),
        stated=notice_stated(today(app, now), cmd.on, check, case.report_sent_on),
        check=by.check,
    )
    # Two notices giving different dates must never both be approvable.
    withdrawn = withdraw_earlier(session, case, draft, now) + _after_report_due(
        session, case, cmd.on, now
    )
    if check.late:
        report = (
            f"sent to them on {fmt_date(sent)}" if sent else f"due to them by {fmt_date(d.due)}"
        )
        return (
            f"publication on {fmt_date(cmd.on)}; late notice drafted: {check.given} working days "
            f"before publication, fewer than the {REQUIRED} working days required (the report "
            f"was {report}){withdrawn}{_replaces(session, app, case, cmd.on)}"
        )
    closed = closed_day_note(cmd.on, app.calendar)
    send = f"; {by.check}" if by.check else ""
    return (
        f"publication on {fmt_date(cmd.on)}{closed}; notice drafted, due by "
        f"{fmt_date(d.due)}{send}{withdrawn}{_replaces(session, app, case, cmd.on)}"
    )


def _replaces(session: Session, app: App, case: Case, on: date) -> str:
    """The three bodies hold a notice giving another day: the new one says it replaces it."""
    if (gave := replaced_notice(session, app, case, on)) is None:
        return ""
    return (
        f"; the notice sent on {fmt_date(gave['sent_on'])} gave publication on "
        f"{fmt_date(gave['planned_on'])}: the new notice says it replaces that one"
    )


AFTER_DUE = "publication_after_report_due"  # a digest flag, as SHORT


def _after_report_due(session: Session, case: Case, on: date, now: datetime) -> str:
    """A date past the report's 6 months is the Business Manager's to choose, never accepted
    unremarked: the National Panel and the Secretary of State must be told why (domain T15)."""
    clock = deadline_row(case, "cspr_report")
    # A later day agreed with the National Panel (`Report extended:`) tells the Secretary of
    # State nothing: the 6 months' own day is the one they must be told of passing.
    six_months = clock.first_due or clock.due if clock is not None else None
    if six_months is None or on <= six_months:
        return ""
    if any(e.what == "publication_delayed" for e in case.events):
        return ""  # the reasons were given with `Publication delayed:`
    said = (
        f"publication on {fmt_date(on)} is after the report's 6-month date "
        f"({fmt_date(six_months)}); the National Panel and the Secretary of State must be told "
        "the reasons for the delay (Publication delayed: <reason>, then plan the date again)"
    )
    add_event(session, case, now, AFTER_DUE, said[:1].upper() + said[1:])
    return f"; note that {said}"


def _refuse_without_cspr(case: Case) -> None:
    # The notice of publication and its 7 working days are for a local review's report.
    if not case.cspr:
        raise CommandRefused(
            "no CSPR is recorded as held on this case, so there is no review report to "
            "publish; if one is to be held, record CSPR: yes first"
        )


def report_sent(
    session: Session, app: App, case: Case, cmd: c.ReportSent, actor: Actor, now: datetime
) -> str:
    if not case.cspr:
        raise CommandRefused("record CSPR: yes before recording the report as sent")
    if case.report_sent_on is not None:
        raise CommandRefused(
            f"the report is already recorded as sent on {fmt_date(case.report_sent_on)}; if "
            "that date is wrong, write Correct Report sent: <date> because <reason>"
        )
    sent_on = cmd.on or said_on(app, actor)
    if sent_on > said_on(app, actor):
        raise CommandRefused(f"{fmt_date(sent_on)} is in the future; give the date it was sent")
    set_report_sent(session, app, case, sent_on, now)
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
    given = (
        _notice_given(app, case, sent_on)
        if case.published_on is None
        else notice_actually_given(session, app, case, now, actor, cmd.line)
    )
    return f"report sent on {fmt_date(sent_on)}{said} recorded{given}"


def _notice_given(app: App, case: Case, sent_on: date) -> str:
    if case.planned_publication is None:
        return ""
    return f"; {report_sent_words(sent_on, case.planned_publication, app.calendar)}"


def notice_actually_given(
    session: Session, app: App, case: Case, now: datetime, actor: Actor, line: str
) -> str:
    """Once the report is published, the notice clock counts back from that day, not the day
    once planned; notice that fell short of it is flagged for the Business Manager. What to
    add to the reply, or ""."""
    on = case.published_on
    if on is None:
        return ""
    row, d = deadline_row(case, NOTICE), deadlines.publication_notice(on, app.calendar)
    if row is None:
        # Published with no date planned, no notice clock ran; the report still had to reach
        # the three bodies 7 working days before: counted, so it is chased and reported.
        set_deadline(session, case, d, now)
        if case.report_sent_on is not None:
            met_on_day(case, NOTICE, now, case.report_sent_on)
    elif d.due != row.due:
        set_deadline(session, case, d, now)
    short = short_notice(case.report_sent_on, on, app.calendar) if case.report_sent_on else None
    if short is None:
        return ""
    note(session, case, now, SHORT, f"{short[:1].upper()}{short[1:]}", actor, line)
    return f"; {short}"


def set_report_sent(session: Session, app: App, case: Case, on: date, now: datetime) -> None:
    """Record the day the report went (first given, or corrected): it meets the notice clock
    on that day. Refused before the CSPR decision: the notice of publication states it."""
    decided = deadline_row(case, "cspr_report")
    if decided is not None and (problem := report_sent_problem(on, decided.start)) is not None:
        raise CommandRefused(problem)
    case.report_sent_on = on
    met_on_day(case, NOTICE, now, on)


def check_published(case: Case, on: date) -> None:
    """Refuse a publication date before the CSPR decision (see published_problem)."""
    decided = deadline_row(case, "cspr_report")
    if decided is not None and (problem := published_problem(on, decided.start)) is not None:
        raise CommandRefused(problem)


def published(
    session: Session, app: App, case: Case, cmd: c.Published, actor: Actor, now: datetime
) -> str:
    _refuse_without_cspr(case)
    day = recorded_day(app, actor, cmd.on, PUBLISHED)
    check_published(case, day.on)
    clock = "the publication period"
    known = Recorded(PUBLISHED, case.published_on, clock, "Correct Published")
    if (same := repeated(session, case, now, actor, cmd.line, known, day.on)) is not None:
        return same
    clocks = clocks_of(case)
    case.published_on = day.on
    # An earlier day than the one recorded meets the report's 6 months on that day.
    met_on_day(case, "cspr_report", now, day.on)
    d = deadlines.publication_period_end(day.on, app.calendar)
    set_deadline(session, case, d, now)
    planned = case.planned_publication
    given = notice_actually_given(session, app, case, now, actor, cmd.line)
    # The notice clock counts back from the day published, not the day planned (or the day
    # recorded before), and the report's 6 months are met on it: whatever moved is said.
    moves = clocks_moved(app, case, clocks, now, _counted_back(known.on, planned))
    moves += _notice_started(app, case, clocks, now)
    done = (
        f"publication recorded{replacing(known.on, day.on)}; keep it online until at least "
        f"{fmt_date(d.due)} ({months_from(d, 'the day it was published')}){day.said()}{moves}"
    )
    if case.report_sent_on is not None:
        return done + given
    # Publishing does not show the report reached the Panel, the SoS and Ofsted: ask.
    add_event(
        session,
        case,
        now,
        "report_not_sent",
        f"Published on {fmt_date(day.on)} but no Report sent: is recorded; the full report must "
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


def _counted_back(before: date | None, planned: date | None) -> dict[str, str]:
    """Why the first `Published:` moved the notice clock: counted back from the day published
    instead of the day planned. Given again, "replacing <day>" already says why."""
    if before is not None or planned is None:
        return {}
    return {
        NOTICE: f"{REQUIRED} working days before the day it was published, not the "
        f"planned {fmt_date(planned)}"
    }


def _notice_started(app: App, case: Case, before: dict[str, Clock], now: datetime) -> str:
    """The notice clock started by `Published:` with no publication date planned."""
    if NOTICE in before or (clock := clocks_of(case).get(NOTICE)) is None:
        return ""
    why = f"{REQUIRED} working days before the day it was published; no date was planned"
    return f"; {counted_now(clock, today(app, now), why)}"


def publication_delay(
    session: Session,
    app: App,
    case: Case,
    cmd: c.PublicationDelay | c.NotPublishing,
    actor: Actor,
    now: datetime,
) -> str:
    delayed = isinstance(cmd, c.PublicationDelay)
    kind = "delayed" if delayed else "not_publishing"
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
    # The planned date no longer holds: its notice must not go, nor its clock be chased.
    case.planned_publication = None
    met(case, NOTICE, now, state="not_required")
    because = "publication is delayed" if delayed else "the report will not be published"
    withdrawn += withdraw_drafts(session, case, NOTICE, now, because)
    return "reasons drafted for the National Panel and the Secretary of State" + withdrawn
