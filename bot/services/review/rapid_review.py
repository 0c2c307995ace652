"""National Panel notification, Appendix B requests and the Rapid Review itself."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import AgencyRequest, Case, OutboxMessage
from bot.app import App
from bot.config.model import Agency
from bot.core import commands as c
from bot.core import deadlines
from bot.core import return_rounds as rounds
from bot.core.aware_reply import aware_reply
from bot.core.command_dates import (
    closed_day_note,
    delay_expected_check,
    delay_expected_problem,
    return_by_problem,
)
from bot.core.deadlines import fmt_date
from bot.core.moved_clocks import replacing
from bot.core.stated_dates import Stated
from bot.core.wording import plural
from bot.core.working_days import day_zero
from bot.services.approvals import withdraw_earlier
from bot.services.awareness import recorded
from bot.services.cases import add_event, set_deadline
from bot.services.mailout import queue_email
from bot.services.review.aware import record_aware
from bot.services.review.common import (
    Actor,
    CommandRefused,
    Recorded,
    agency_addresses,
    case_ctx,
    clocks_of,
    deadline_row,
    met,
    note,
    recorded_day,
    refuse_personal,
    repeated,
    resolve_agency,
    said_on,
    short_hash,
    today,
)
from bot.services.review.delay_notice import delay_key
from bot.services.review.looked_after import retime_on_awareness

NOTIFIED = "the National Panel notification"
MEETING = "the Rapid Review meeting"
REPORT = "the Rapid Review report submission"


def la_aware(
    session: Session, app: App, case: Case, cmd: c.LaAware, actor: Actor, now: datetime
) -> str:
    before, old = clocks_of(case), recorded(case)
    choice = record_aware(session, app, case, cmd, actor, now)
    # The looked-after death notice runs from the same awareness; it only ever comes forward.
    retime_on_awareness(session, app, case, case.la_aware_on or case.sin_received_on, now)
    after = clocks_of(case)
    return aware_reply(cmd.on, old, choice.chosen, (before, after), today(app, now))


def request_returns(
    session: Session, app: App, case: Case, cmd: c.RequestReturns, actor: Actor, now: datetime
) -> str:
    agencies = [resolve_agency(app, name) for name in cmd.agencies]
    refuse_personal(session, case, cmd.period, "review period")
    requested = today(app, now)
    return_by = cmd.return_by or app.calendar.add_working_days(
        requested, app.config.review.appendix_b_working_days
    )
    if (problem := return_by_problem(return_by, requested)) is not None:
        raise CommandRefused(problem)
    case.review_period = cmd.period or case.review_period
    counted = 0 if cmd.return_by else app.config.review.appendix_b_working_days
    again = [
        _request_one(session, app, case, agency, (requested, return_by, counted), now)
        for agency in agencies
    ]
    note(
        session,
        case,
        now,
        "returns_requested",
        f"Appendix B requested from {', '.join(a.name for a in agencies)}; "
        f"return by {fmt_date(return_by)}",
        actor,
        cmd.line,
    )
    asked = plural(len(agencies), "agency", "agencies")
    closed = closed_day_note(return_by, app.calendar) if cmd.return_by else ""
    said = "".join(f". {a}" for a in again if a)
    return f"Appendix B requested from {asked}, return by {fmt_date(return_by)}{closed}{said}"


def _request_one(
    session: Session,
    app: App,
    case: Case,
    agency: Agency,
    days: tuple[date, date, int],
    now: datetime,
) -> str:
    """Ask one agency; what the reply says of it when it had already returned, else "".
    `days`: the request's day, its return date, and the working days counted to it (0: given)."""
    requested, return_by, counted = days
    existing = session.scalar(
        select(AgencyRequest).where(
            AgencyRequest.case_id == case.id, AgencyRequest.agency_key == agency.key
        )
    )
    again = _keep_returned(session, app, case, agency, existing, return_by, now)
    if existing is None:
        session.add(
            AgencyRequest(
                case_id=case.id, agency_key=agency.key, requested_on=requested, return_by=return_by
            )
        )
    elif again:
        # Awaited again: the digest lists it, and the inbox matches the new return to the case.
        existing.requested_on, existing.return_by = requested, return_by
        existing.received_at = existing.message_id = None
    else:
        existing.return_by = return_by
    set_deadline(
        session,
        case,
        deadlines.appendix_b(
            agency.key, requested, return_by, app.calendar, named=agency.name, default_days=counted
        ),
        now,
    )
    live = f"{deadlines.APPENDIX_B}:{agency.key}"
    kept = sum(1 for d in case.deadlines if d.name.startswith(f"{live}:"))
    queue_email(
        session,
        app,
        key=rounds.request_key(case.ref, agency.key, return_by, kept),
        event="appendix_b_request",
        to=agency_addresses(agency),
        now=now,
        case=case,
        context=request_context(case, agency, requested, return_by),
        stated=Stated(written_on=requested, return_by=return_by, counted=counted or None),
    )
    return again


def request_context(
    case: Case, agency: Agency, requested: date, return_by: date
) -> dict[str, object]:
    """What an Appendix B request says: written when asked, or again on the day it goes."""
    return {
        "case": case_ctx(case),
        "agency": {"name": agency.name},
        "review_period": case.review_period or "as agreed by the Screening Panel",
        "return_by": return_by,
        "requested_on": requested,
    }


def _keep_returned(
    session: Session,
    app: App,
    case: Case,
    agency: Agency,
    request: AgencyRequest | None,
    return_by: date,
    now: datetime,
) -> str:
    """An agency asked again after its return: the met clock is kept under its own name (see
    bot.core.return_rounds), so the new request's clock runs and is chased. "" if not met."""
    live = f"{deadlines.APPENDIX_B}:{agency.key}"
    row = deadline_row(case, live)
    if row is None or row.state != "met" or row.met_at is None:
        return ""
    row.name = rounds.kept_name(live, (d.name for d in case.deadlines))
    session.flush()  # the live name is free before the new request's clock takes it
    returned = row.met_on or day_zero(row.met_at, app.config.partnership.time_zone)
    said = rounds.asked_again(agency.name, returned, return_by)
    message = f"message #{request.message_id}" if request and request.message_id else "no message"
    add_event(
        session,
        case,
        now,
        "return_asked_again",
        f"{said} (the earlier return: {message})",
        why=f"the request due {fmt_date(row.due)} and its return are kept as {row.name}",
    )
    return said


def meeting_held(
    session: Session, app: App, case: Case, cmd: c.MeetingHeld, actor: Actor, now: datetime
) -> str:
    day = recorded_day(app, actor, cmd.on, MEETING, began=case)
    known = Recorded(MEETING, case.rr_meeting_on, "the recorded date", "Correct Meeting held")
    if (same := repeated(session, case, now, actor, cmd.line, known, day.on)) is not None:
        return same
    case.rr_meeting_on = day.on
    note(
        session, case, now, "rr_meeting_held", f"Rapid Review meeting on {day.on}", actor, cmd.line
    )
    return f"Rapid Review meeting recorded{replacing(known.on, day.on)}{day.said()}"


def report_submitted(
    session: Session, app: App, case: Case, cmd: c.ReportSubmitted, actor: Actor, now: datetime
) -> str:
    day = recorded_day(app, actor, cmd.on, REPORT, began=case)
    clock = "the day the Rapid Review was met"
    known = Recorded(REPORT, case.rr_report_on, clock, "Correct Report submitted")
    if (same := repeated(session, case, now, actor, cmd.line, known, day.on)) is not None:
        return same
    case.rr_report_on = day.on
    met_rapid_review(case, day.on, now)
    note(
        session,
        case,
        now,
        "rr_submitted",
        f"Rapid Review report submitted on {day.on}",
        actor,
        cmd.line,
    )
    return f"Rapid Review submission recorded{replacing(known.on, day.on)}{day.said()}"


def met_rapid_review(case: Case, on: date, now: datetime) -> None:
    met(case, "rapid_review", now, on=on)
    row = deadline_row(case, "rapid_review")
    if row is not None and row.state == "met":
        row.met_on = on  # an earlier or corrected date replaces the one recorded


def delay(session: Session, app: App, case: Case, cmd: c.Delay, actor: Actor, now: datetime) -> str:
    refuse_personal(session, case, cmd.reason, "reason for the delay")
    due = next((d.due for d in case.deadlines if d.name == "rapid_review"), None)
    if due is not None:
        problem = delay_expected_problem(cmd.expected, due, said_on(app, actor))
        if problem is not None:
            raise CommandRefused(problem)
    draft = draft_delay_notice(session, app, case, cmd.reason, cmd.expected, now)
    closed = closed_day_note(cmd.expected, app.calendar)
    said = f"; expected {fmt_date(cmd.expected)}{closed}" if closed else ""
    return f"delay notice drafted for your approval{said}" + withdraw_earlier(
        session, case, draft, now
    )


def draft_delay_notice(
    session: Session, app: App, case: Case, reason: str, expected: date, now: datetime
) -> OutboxMessage | None:
    due = next((d.due for d in case.deadlines if d.name == "rapid_review"), None)
    if due is None or case.notification_sent_on is None:
        raise CommandRefused(
            "record Notified: <date> first; the Rapid Review clock has not started"
        )
    draft = queue_email(
        session,
        app,
        key=delay_key(case, expected, short_hash(reason), case.notification_sent_on, due),
        event="panel_delay_notice",
        to=[app.config.people.national_panel.email],
        now=now,
        case=case,
        context={
            "case": case_ctx(case),
            "reason": reason,
            "expected": expected,
            "notification_sent_on": case.notification_sent_on,
            "rapid_review_due": due,
        },
        stated=Stated(written_on=today(app, now), promised=expected),
        check=delay_expected_check(expected, app.calendar),
    )
    add_event(
        session,
        case,
        now,
        "delay_notice_drafted",
        f"Delay notice to the National Panel drafted (expected {expected})",
        why=reason,
    )
    return draft
