"""The items raised on cases for "Needs your attention": each time one was raised, with what
the bot knows of its case today, read in one query (bot.core.standing_flags decides which
stand). Apart from the digest's other sections, as `Reopen:` reads one case's too."""

from __future__ import annotations

from datetime import datetime, tzinfo

from sqlalchemy import Exists, Subquery, and_, exists, func, select, true
from sqlalchemy import case as sql_case
from sqlalchemy.orm import Session, aliased

from bot.adapters.db.models import Case, CaseEvent, Deadline
from bot.core.complaint_again import MAYBE_NEW
from bot.core.standing_flags import SETTLED_BY, RaisedFlag
from bot.core.working_days import WorkingCalendar
from bot.core.would_be_due import recounted
from bot.services import kept_dates, recount
from bot.services.complaint_again import maybe_new_settled
from bot.services.delivery import NOT_DELIVERED_EVENT

# The case events the digest lists under "Needs your attention".
FLAG_EVENTS = (
    "scrutineer_disagrees",
    "commands_not_carried_out",
    "no_command_recognised",  # lines like commands, none recognised: the writer was answered
    "command_refused",  # e.g. a partner's vote on a closed case: the sender alone was told
    "screening_not_booked",
    "form_problem",
    "awareness_flag",
    "looked_after_death",
    "looked_after_death_check",
    "report_not_sent",
    "publication_notice_short",  # the report reached the bodies under 7 working days before
    NOT_DELIVERED_EVENT,  # an invitation or request on the case never reached someone
    "meeting_declined",  # a statutory partner cannot come: the panel is not quorate
    "meeting_new_time_proposed",
    "screening_after_deadline",
    "screening_calendar_failed",  # invited by email instead: the reason needs a person
    "screening_cancel_failed",  # the calendar event must be cancelled by hand
    "closed_with_cspr_owed",
    "closed_with_clocks_open",  # an action not done or a complaint not answered when closed
    "publication_after_report_due",  # planned past the 6 months: the bodies must be told why
    "sent_notice_outdated",  # a correction made a notice the bodies already have untrue
    "notice_withdrawn",  # approved, but no longer true when it could go: never sent
    recount.MOVED,  # counted again after a closure day or bank holiday went
    kept_dates.KEPT,  # counted again, the rule gives a later day: kept, and told once
    MAYBE_NEW,  # a fresh complaint while one is open: until opened as its own or marked done
)


def closings(case_id: int | None) -> Subquery:
    """Each case's last closing and reopening (None while never), and its last closing's id:
    a flag written in the same transaction (the same time) after it, such as a Screening Panel
    cancellation that failed, was raised by the closing, not hidden by it. Grouped once for
    the cases with flags: looked up for each flag, SQLite read every case's closing through
    the index on `what` (10,000 closed cases: 6 million rows for 295 flags)."""
    closed, reopened = CaseEvent.what == "case_closed", CaseEvent.what == "case_reopened"
    flag = aliased(CaseEvent)
    one_case = flag.case_id == case_id if case_id is not None else true()
    flagged = select(flag.case_id).where(flag.what.in_(FLAG_EVENTS), one_case)
    return (
        select(
            CaseEvent.case_id,
            func.max(sql_case((closed, CaseEvent.at))).label("closed"),
            func.max(sql_case((reopened, CaseEvent.at))).label("reopened"),
            func.max(sql_case((closed, CaseEvent.id))).label("closing"),
        )
        .where(closed | reopened, CaseEvent.case_id.in_(flagged))
        .group_by(CaseEvent.case_id)
        .subquery()
    )


def flag_settled() -> Exists:
    """Whether the deadline that puts the row's flag right (SETTLED_BY) is met or not owed."""
    return exists().where(
        Deadline.case_id == Case.id,
        Deadline.name == sql_case(SETTLED_BY, value=CaseEvent.what),
        Deadline.met_at.is_not(None) | (Deadline.state == "not_required"),
    )


def cancelled_since() -> Exists:
    """For a flag row: a Screening Panel cancellation that failed was made since (`Cancel
    meeting`, on a closed case too), so the panel no longer expects the meeting."""
    later = aliased(CaseEvent)
    return exists().where(
        CaseEvent.what == "screening_cancel_failed",
        later.case_id == CaseEvent.case_id,
        later.what == "screening_cancelled",
        later.id > CaseEvent.id,
    )


def raised_flags(
    session: Session,
    since: datetime,
    tz: tzinfo,
    calendar: WorkingCalendar,
    case_id: int | None = None,
) -> list[RaisedFlag]:
    """Every flag on an open case, and those on closed cases raised since `since` (as long as
    an item the bot cannot see put right is kept): what standing_flags() decides from, in one
    query, oldest first. `case_id`: one case's only (`Reopen:` names them in its reply).
    `calendar`: today's, to count a fresh complaint's would-be due day with."""
    one_case = Case.id == case_id if case_id is not None else true()
    last = closings(case_id)
    rows = session.execute(
        select(
            Case.ref,
            Case.status,
            # Columns, not CaseEvent rows: hundreds of flags with a backlog, each only read.
            CaseEvent.id,
            CaseEvent.at,
            CaseEvent.what,
            CaseEvent.detail,
            CaseEvent.why,
            last.c.closed,
            flag_settled() | maybe_new_settled() | cancelled_since(),
            last.c.reopened,
            last.c.closing,
        )
        .join(Case, Case.id == CaseEvent.case_id)
        .outerjoin(last, last.c.case_id == Case.id)
        .where(CaseEvent.what.in_(FLAG_EVENTS), one_case)
        .where((Case.status == "open") | (CaseEvent.at >= since))
        # Refused at the terminal, it was said there and then to the one who typed it.
        .where(~and_(CaseEvent.what == "command_refused", CaseEvent.actor.like("terminal:%")))
        .order_by(CaseEvent.id)
    ).all()
    return [
        RaisedFlag(
            ref,
            what,
            _shown(what, detail, why, calendar),
            at.astimezone(tz).date(),
            status == "open",
            _after_closing(id_, at, closed, closing),
            bool(settled),
            reopened is not None and at < reopened,
        )
        for ref, status, id_, at, what, detail, why, closed, settled, reopened, closing in rows
    ]


def _after_closing(
    event_id: int, at: datetime, closed: datetime | None, closing: int | None
) -> bool:
    """Raised after the case was last closed, or by the closing itself: written at the same
    time, after the closing's own event (ids follow the order a transaction writes them)."""
    if closed is None:
        return False
    return at > closed or (at == closed and closing is not None and event_id > closing)


def _shown(what: str, detail: str, why: str, calendar: WorkingCalendar) -> str:
    """A fresh complaint's would-be due day as counted now, as `triage new-case` would count
    it (bot.core.would_be_due), not as it was when the complaint arrived."""
    said = _with_reason(detail, why)
    return recounted(said, calendar) if what == MAYBE_NEW else said


def _with_reason(detail: str, why: str) -> str:
    """A flag says why when the chronology knows: what a person needs to act on it."""
    if not why or why in detail:
        return detail
    return f"{detail}: {why}"
