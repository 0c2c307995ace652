"""`Notified:`: the National Panel notification made, which starts the Rapid Review's clock
(on a case still open: bot.core.lifecycle.starts_clock)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.adapters.db.models import Case
from bot.app import App
from bot.core import commands as c
from bot.core import deadlines, lifecycle
from bot.core.awareness import Source
from bot.core.command_dates import notified_problem
from bot.core.deadlines import fmt_date
from bot.core.moved_clocks import replacing
from bot.services.awareness import recorded
from bot.services.cases import set_deadline
from bot.services.review.common import (
    Actor,
    CommandRefused,
    Recorded,
    clocks_moved,
    clocks_of,
    deadline_row,
    met,
    note,
    recorded_day,
    reopen,
    repeated,
    set_aside_note,
)
from bot.services.review.sent_notices import told_otherwise

NOTIFIED = "the National Panel notification"
# Said instead of the Rapid Review's due day when none is started (the case is closed).
NO_REVIEW_CLOCK = (
    "; the case is closed, so no Rapid Review clock is started (none is counted or chased)"
)


def notification_sent(
    session: Session, app: App, case: Case, cmd: c.NotificationSent, actor: Actor, now: datetime
) -> str:
    day = recorded_day(app, actor, cmd.on, NOTIFIED)
    clock = "the Rapid Review clock (15 working days)"
    known = Recorded(NOTIFIED, case.notification_sent_on, clock, "Correct Notified")
    if (same := repeated(session, case, now, actor, cmd.line, known, day.on)) is not None:
        return same
    before, aside = case.notification_sent_on, set_aside_note(case, day.on)
    late = _made_late(app, case, day.on)  # never beside `aside`: that clock was not owed
    clocks = clocks_of(case)
    d = record_notification(session, app, case, day.on, now)
    note(
        session,
        case,
        now,
        "panel_notified",
        f"National Panel notified on {day.on}{aside}",
        actor,
        cmd.line,
    )
    head = f"notification recorded{replacing(before, day.on)}{late}{aside}"
    if d is None:
        return f"{head}{NO_REVIEW_CLOCK}{day.said()}"
    # Given again with an earlier day: the Rapid Review's due day moved, said with its old one.
    moves = clocks_moved(app, case, clocks, now) if before is not None else ""
    due = moves or f"; Rapid Review due {fmt_date(d.due)}"
    told = _delay_notice_outdated(session, case, before, day.on, d.due, now)
    return f"{head}{due}{day.said()}{told}"


def _made_late(app: App, case: Case, on: date) -> str:
    """A notification made after its due day is said so, as the Board's timeliness report
    will count it: in the National Panel's working days, which count the council's closures."""
    row = deadline_row(case, "panel_notification")
    if row is None or row.state == "not_required" or on <= row.due:
        return ""
    late = deadlines.working_days_late_met(row.due, on, app.calendar.national())
    days = f"{late} working day{'' if late == 1 else 's'}"
    return f" (made {days} after it was due, {fmt_date(row.due)})"


def _delay_notice_outdated(
    session: Session, case: Case, before: date | None, on: date, due: date, now: datetime
) -> str:
    """An earlier notification day moves the Rapid Review's due date: a delay notice already
    sent stated the old ones."""
    if before is None or before == on:
        return ""
    what = (
        f"gave the notification as sent on {fmt_date(before)}: tell the National Panel it is "
        f"now {fmt_date(on)}, with the Rapid Review due {fmt_date(due)}"
    )
    return told_otherwise(session, case, "panel_delay_notice", now, what)


def record_notification(
    session: Session, app: App, case: Case, sent_on: date, now: datetime
) -> deadlines.Deadline | None:
    """Notification sent on `sent_on`: it meets panel_notification and starts the Rapid Review
    (None: no Rapid Review clock started, the case being closed). Refused before the awareness
    date in use (see notified_problem)."""
    clock = deadline_row(case, "panel_notification")
    start = recorded(case)
    assumed = start is None or start.source is Source.RECEIPT
    if clock is not None and (problem := notified_problem(sent_on, clock.start, assumed)):
        raise CommandRefused(problem)
    reopen(clock)  # set aside (`Notifiable: no`), yet made: met on its day below
    case.notification_sent_on, case.notifiable = sent_on, True
    met(case, "panel_notification", now, on=sent_on)
    row = deadline_row(case, "panel_notification")
    if row is not None and row.state == "met":
        row.met_on = sent_on  # an earlier or corrected date replaces the one recorded
    stage = lifecycle.stage_of(case.stage)
    running = deadline_row(case, "rapid_review") is not None
    if not lifecycle.starts_clock(stage, c.NotificationSent, "rapid_review", running):
        return None
    d = deadlines.rapid_review(sent_on, app.calendar)
    set_deadline(session, case, d, now)
    return d
