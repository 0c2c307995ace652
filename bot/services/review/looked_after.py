"""The notice of a looked-after child's or care leaver's death to the Secretary of State and Ofsted.

Decided in bot.core.looked_after from the form; this module opens the clock, records what a
person must check, and carries out `SoS and Ofsted notified:`. The clock is independent of the
Screening Panel: `Notifiable: no` never touches it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, Deadline, StoredMessage
from bot.app import App
from bot.core import commands as c
from bot.core import deadlines
from bot.core.command_dates import notified_problem
from bot.core.deadline_rules import counted_on
from bot.core.forms import Extraction
from bot.core.looked_after import looked_after_death
from bot.services.cases import add_event, set_deadline
from bot.services.review.common import Actor, CommandRefused, met, note, said_on

CLOCK = "looked_after_death_notification"


def apply_looked_after_death(
    session: Session,
    app: App,
    case: Case,
    row: StoredMessage,
    extraction: Extraction,
    now: datetime,
) -> None:
    finding = looked_after_death(extraction)
    for check in finding.checks:
        add_event(session, case, now, "looked_after_death_check", check, why=f"message #{row.id}")
    if _clock(case) is not None:
        # A corrected form's earlier awareness date, once chosen for panel_notification (see
        # bot.services.awareness), brings this clock forward too, as `Aware:` does.
        retime_on_awareness(session, app, case, case.la_aware_on or case.sin_received_on, now)
        return
    if not finding.opens:
        return
    deadline = deadlines.looked_after_death_notification(
        app.calendar, sin_received=case.sin_received_on, la_aware=_aware(case)
    )
    set_deadline(session, case, deadline, now)
    add_event(
        session,
        case,
        now,
        "looked_after_death",
        f"The form reports the death of {finding.who}: the local authority must notify the "
        "Secretary of State and Ofsted, whether or not abuse or neglect is known or "
        f"suspected, by {deadlines.fmt_date(deadline.due)}",
        why=f"message #{row.id}",
    )


def retime_on_awareness(session: Session, app: App, case: Case, aware: date, now: datetime) -> None:
    """An earlier awareness date brings the open clock forward; a later one never moves it."""
    row = _clock(case)
    if row is None or row.met_at is not None or aware >= row.start:
        return
    set_deadline(
        session,
        case,
        deadlines.looked_after_death_notification(
            app.calendar, sin_received=case.sin_received_on, la_aware=aware
        ),
        now,
    )


def notified(
    session: Session,
    app: App,
    case: Case,
    cmd: c.LookedAfterDeathNotified,
    actor: Actor,
    now: datetime,
) -> str:
    row = _clock(case)
    if row is None:
        raise CommandRefused(
            "no notice to the Secretary of State and Ofsted is open on this case: the form "
            "does not report the death of a looked-after child or a care leaver"
        )
    if row.met_at is not None:
        raise CommandRefused(f"already recorded as {row.state.replace('_', ' ')}")
    if cmd.not_required:
        met(case, CLOCK, now, state="not_required")
        note(session, case, now, "looked_after_death_not_required", cmd.reason, actor, cmd.line)
        return "recorded: no notice to the Secretary of State and Ofsted is required"
    sent_on = cmd.on or said_on(app, actor)
    if sent_on > said_on(app, actor):
        raise CommandRefused(
            f"{deadlines.fmt_date(sent_on)} is in the future; give the date it was sent"
        )
    # A notice dated before its clock began (a mistyped year) would meet it a year early, and
    # the Board's timeliness report would count it on time.
    if problem := notified_problem(sent_on, row.start, row.assumption is not None, CLOCK):
        raise CommandRefused(problem)
    late = _made_late(app, row, sent_on)
    met(case, CLOCK, now, on=sent_on)
    note(
        session,
        case,
        now,
        "looked_after_death_notified",
        f"Secretary of State and Ofsted notified of the death on {deadlines.fmt_date(sent_on)}",
        actor,
        cmd.line,
    )
    said = "" if cmd.on else " (no date given, so today)"
    return f"Secretary of State and Ofsted notified on {deadlines.fmt_date(sent_on)}{said}{late}"


def _made_late(app: App, row: Deadline, on: date) -> str:
    """A notice made after its due day is said so, in the working days the Secretary of State
    and Ofsted count (the council's closures are working days to them), as the Board's
    timeliness report will count it."""
    if on <= row.due:
        return ""
    late = deadlines.working_days_late_met(row.due, on, counted_on(CLOCK, app.calendar))
    days = f"{late} working day{'' if late == 1 else 's'}"
    return f" (made {days} after it was due, {deadlines.fmt_date(row.due)})"


def _clock(case: Case) -> Deadline | None:
    return next((d for d in case.deadlines if d.name == CLOCK), None)


def _aware(case: Case) -> date | None:
    """The awareness date panel_notification was just given (bot.services.awareness, run
    first), or None for the receipt, assumed. Not the form's own date beside it: one set aside
    there (a year slip, a date before the incident) must not start this clock either."""
    aware = case.la_aware_on
    return aware if aware is not None and aware <= case.sin_received_on else None
