"""`Correct <event>: <date> because <reason>`: the one way a recorded event's date moves later.

A repeated event command may only bring a date forward; a wrong date that must move later is
corrected here, by the Business Manager, with a reason. The chronology keeps the old date, the
new date, who corrected it and why, and every clock that hangs on the date is re-timed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.adapters.db.models import Case
from bot.app import App
from bot.core import commands as c
from bot.core import deadlines
from bot.core.moved_clocks import Clock
from bot.core.stated_decisions import CSPR_DECISION
from bot.services.cases import add_event, set_deadline
from bot.services.review.common import (
    Actor,
    CommandRefused,
    clocks_moved,
    clocks_of,
    deadline_row,
    met_on_day,
    recorded_day,
)
from bot.services.review.complaints import (
    answered_on,
    correct_answered,
    correct_received,
    response_due,
)
from bot.services.review.cspr_waiting import lock_cspr_decisions, waiting_cspr_decisions
from bot.services.review.notified import record_notification
from bot.services.review.publishing import check_published, notice_actually_given, set_report_sent
from bot.services.review.rapid_review import met_rapid_review
from bot.services.review.sent_notices import told_otherwise
from bot.services.review.sin_received import WHAT as SIN_RECEIVED
from bot.services.review.sin_received import correct_sin_received, now_due
from bot.services.review.sin_received import told as sin_told

_Apply = Callable[[Session, App, Case, date, datetime], None]


def _cspr_on(case: Case) -> date | None:
    row = deadline_row(case, "cspr_report") if case.cspr else None
    return row.start if row is not None else None


def _set_cspr(session: Session, app: App, case: Case, on: date, now: datetime) -> None:
    set_deadline(session, case, deadlines.cspr_report(on, app.calendar), now)


def _set_notified(session: Session, app: App, case: Case, on: date, now: datetime) -> None:
    record_notification(session, app, case, on, now)


def _set_meeting(session: Session, app: App, case: Case, on: date, now: datetime) -> None:
    case.rr_meeting_on = on


def _set_report(session: Session, app: App, case: Case, on: date, now: datetime) -> None:
    case.rr_report_on = on
    met_rapid_review(case, on, now)


def _set_published(session: Session, app: App, case: Case, on: date, now: datetime) -> None:
    check_published(case, on)
    case.published_on = on
    # The 6 months were met on the day it was published: a later day may make them late.
    met_on_day(case, "cspr_report", now, on)
    set_deadline(session, case, deadlines.publication_period_end(on, app.calendar), now)


_BOUNDED_BY_CASE = (c.Corrected.CSPR, c.Corrected.MEETING_HELD, c.Corrected.REPORT_SUBMITTED)

# For each correctable event: its name, the date recorded now, how to record a new one, and
# the command that records it the first time.
_EVENTS: dict[c.Corrected, tuple[str, Callable[[Case], date | None], _Apply, str]] = {
    c.Corrected.CSPR: ("the CSPR decision", _cspr_on, _set_cspr, "write CSPR: yes <date>"),
    c.Corrected.NOTIFIED: (
        "the National Panel notification",
        lambda case: case.notification_sent_on,
        _set_notified,
        "write Notified: <date>",
    ),
    c.Corrected.MEETING_HELD: (
        "the Rapid Review meeting",
        lambda case: case.rr_meeting_on,
        _set_meeting,
        "write Meeting held: <date>",
    ),
    c.Corrected.REPORT_SUBMITTED: (
        "the Rapid Review report submission",
        lambda case: case.rr_report_on,
        _set_report,
        "write Report submitted: <date>",
    ),
    c.Corrected.REPORT_SENT: (
        "the day the report was sent",
        lambda case: case.report_sent_on,
        set_report_sent,
        "write Report sent: <date>",
    ),
    c.Corrected.PUBLISHED: (
        "publication",
        lambda case: case.published_on,
        _set_published,
        "write Published: <date>",
    ),
    c.Corrected.ANSWERED: (
        "the reply to the complaint",
        answered_on,
        correct_answered,
        "write Answered: <date>",
    ),
    c.Corrected.RECEIVED: (
        "the day the complaint was received",
        lambda case: case.sin_received_on,
        correct_received,
        "",  # always recorded: the day the complaint arrived
    ),
}


# The two days the notice of publication is counted between.
_PUBLICATION = (c.Corrected.REPORT_SENT, c.Corrected.PUBLISHED)


_COMPLAINT_EVENTS = (c.Corrected.ANSWERED, c.Corrected.RECEIVED)


# On a review case the receipt is the SIN's: its own clocks, its own emails.
_SIN_RECEIVED = (
    SIN_RECEIVED,
    lambda case: case.sin_received_on,
    correct_sin_received,
    "",  # always recorded: the day the SIN arrived, or the day the forwarded email was sent
)


def _event(case: Case, what: c.Corrected) -> tuple[str, Callable[[Case], date | None], _Apply, str]:
    """A complaint record has two days to correct, its receipt and its reply; a review case
    has the others, and its SIN's receipt."""
    complaint = case.kind == "complaint"
    if complaint and what not in _COMPLAINT_EVENTS:
        raise CommandRefused(
            "this is a complaint record; only `Correct Received:` and `Correct Answered:` "
            "(<date> because <reason>) apply to it"
        )
    if not complaint and what is c.Corrected.ANSWERED:
        raise CommandRefused("`Correct Answered:` applies to complaint records only")
    return _SIN_RECEIVED if _sin(case, what) else _EVENTS[what]


def _sin(case: Case, what: c.Corrected) -> bool:
    return what is c.Corrected.RECEIVED and case.kind != "complaint"


def correct_date(
    session: Session, app: App, case: Case, cmd: c.CorrectDate, actor: Actor, now: datetime
) -> str:
    what, recorded, apply, first = _event(case, cmd.what)
    old = recorded(case)
    if old is None:
        raise CommandRefused(
            f"{what} is not recorded yet, so there is nothing to correct; write {first}"
        )
    began = case if cmd.what in _BOUNDED_BY_CASE else None  # the others check their own bound
    new = recorded_day(app, actor, cmd.on, what, began=began).on
    if new == old:
        return f"{what} is already recorded as {deadlines.fmt_date(old)}; nothing changed"
    before = clocks_of(case)
    apply(session, app, case, new, now)
    add_event(
        session,
        case,
        now,
        "date_corrected",
        f"{what[:1].upper()}{what[1:]} corrected from {deadlines.fmt_date(old)} to "
        f"{deadlines.fmt_date(new)} by {actor.email}",
        actor=actor.email,
        why=f"{cmd.reason} ({actor.via}: {cmd.line})",
    )
    # Either day moved: the notice given between them is counted again.
    given = (
        notice_actually_given(session, app, case, now, actor, cmd.line)
        if cmd.what in _PUBLICATION
        else ""
    )
    due = _now_due(session, app, case, cmd.what, now) or clocks_moved(app, case, before, now)
    told = (
        sin_told(session, case, now)
        if _sin(case, cmd.what)
        else _told_otherwise(session, case, cmd.what, what, now, _cspr_stale(case, old, before))
    )
    return (
        f"{what} corrected from {deadlines.fmt_date(old)} to {deadlines.fmt_date(new)}"
        f"{given}{due}{told}"
    )


def _now_due(session: Session, app: App, case: Case, which: c.Corrected, now: datetime) -> str:
    """What a corrected receipt moved, for the reply; nothing to add for the other events."""
    if which is not c.Corrected.RECEIVED:
        return ""
    if _sin(case, which):
        return f"; {now_due(session, case, app, now)}"
    return f"; {response_due(case, app, now)}"


# The notices to outside bodies that state each correctable date. One already sent (or approved
# and on its way) stated the old date, and promised to say if it changed: the Business Manager
# is told to, in the reply and under "Needs your attention".
_STATED_IN: dict[c.Corrected, tuple[str, ...]] = {
    # The partners' and the Scrutineer's own email of the decision gave its day and the
    # report's due date, as the reviewer notice to the national bodies did.
    c.Corrected.CSPR: ("reviewer_notice", CSPR_DECISION),
    c.Corrected.NOTIFIED: ("panel_delay_notice",),
    c.Corrected.REPORT_SENT: ("publication_notice",),
    c.Corrected.RECEIVED: ("complaint_acknowledgement",),
}


def _told_otherwise(
    session: Session, case: Case, which: c.Corrected, what: str, now: datetime, cspr: str
) -> str:
    default = f"gave the old date of {what}: tell its recipients of the correction"
    stale = (cspr if which is c.Corrected.CSPR else "") or _STALE.get(which, default)
    # A CSPR decision email still waiting for the mail server is not sent as it was written
    # (bot.services.decision_checks): only one gone is for her to put right; locked first, so
    # none goes between being counted here as waiting and the commit.
    if which is c.Corrected.CSPR:
        lock_cspr_decisions(session, case)
    told = "".join(
        told_otherwise(session, case, event, now, stale, sent_only=event == CSPR_DECISION)
        for event in _STATED_IN.get(which, ())
    )
    waiting = waiting_cspr_decisions(session, case, now) if which is c.Corrected.CSPR else ""
    return told + waiting


def _cspr_stale(case: Case, old: date, before: dict[str, Clock]) -> str:
    """Both notices of the CSPR decision gave the report's due date beside the decision's day:
    the recipients are told both, as they now stand."""
    row, was = deadline_row(case, "cspr_report"), before.get("cspr_report")
    if row is None or was is None:
        return ""
    fmt = deadlines.fmt_date
    due = (
        f"the report is now due {fmt(row.due)}"
        if row.due != was.due
        else f"the report is still due {fmt(row.due)}"
    )
    return (
        f"gave the CSPR decision as {fmt(old)} and the report as due {fmt(was.due)}: tell its "
        f"recipients the decision was made on {fmt(row.start)} and {due}"
    )


_STALE = {
    c.Corrected.RECEIVED: "gave the old day of receipt, and the response date counted from it: "
    "tell the complainant when the written response is now due",
}
