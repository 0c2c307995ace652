"""The notice of publication to the National Panel, the Secretary of State and Ofsted: drafted
when the Business Manager gives `Publication: <date>`, restated when it is approved.

The notice counts the working days of notice it gives, and says when the report was (or will
be) sent, as of the day it is written. Approved days later, or after `Report sent:`, it would
claim more notice than is given, or a date already past. So approval writes it again as of
that day first: unchanged, it goes; changed, it is held, and the Business Manager is sent the
new words to approve. An outside body never receives words nobody read. A notice no rewriting
could make true (the report was published, the case closed, the date is no longer planned or
has passed) is refused outright, and the approver told why.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, OutboxMessage
from bot.app import App
from bot.core import deadlines
from bot.core.deadlines import fmt_date
from bot.core.publication import NoticeCheck, SendBy, check_notice, report_send_by
from bot.core.stated_dates import Stated
from bot.services.mailout import restate_draft
from bot.services.review.common import case_ctx, today

EVENT = "publication_notice"
_KEY = "publication-notice"


def notice_key(case: Case, planned: date, said_at: datetime) -> str:
    """One notice per `Publication:` line: the same date planned again (after a delay, or
    another date in between) is drafted afresh, never matched to a withdrawn draft."""
    return f"{_KEY}:{case.ref}:{said_at.astimezone(UTC):%Y%m%dT%H%M%S}:{planned.isoformat()}"


def send_by(app: App, case: Case, check: NoticeCheck, due: date, on: date) -> SendBy:
    """The day the notice, written on `on`, tells the three bodies the report reaches them by
    (bot.core.publication.report_send_by). A report already sent, or a late notice, states no
    such day."""
    if case.report_sent_on is not None or check.late:
        return SendBy(due, None)
    return report_send_by(due, on, app.calendar)


def notice_context(
    session: Session, app: App, case: Case, planned: date, check: NoticeCheck, by: SendBy
) -> dict[str, object]:
    return {
        "case": case_ctx(case),
        "planned_on": planned,
        "notice_due": by.day,
        "given": check.given,
        "late": check.late,
        "report_sent_on": case.report_sent_on,
        "replaces": replaced_notice(session, app, case, planned),
    }


def replaced_notice(
    session: Session, app: App, case: Case, planned: date
) -> dict[str, date] | None:
    """The last notice sent that gave another day: the three bodies hold it, so the new one
    must say which date stands, not leave them two notices with two dates. Its day sent, and
    the publication day it gave. One approved but not yet gone may yet be stopped as untrue,
    so only one gone is named; approval writes the new notice again, naming it by then."""
    rows = session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.case_id == case.id,
            OutboxMessage.event == EVENT,
            OutboxMessage.status == "sent",
        )
        .order_by(OutboxMessage.id.desc())
    )
    for row in rows:
        gave = _planned_on(row)
        if gave is not None and gave != planned:
            return {"sent_on": today(app, row.sent_at or row.created_at), "planned_on": gave}
    return None


def notice_stated(
    on: date, planned: date, check: NoticeCheck, report_sent_on: date | None
) -> Stated:
    """What a notice written on `on` says about time, looked at again when it is sent."""
    return Stated(
        written_on=on,
        planned=planned,
        given=check.given,
        late=check.late,
        report_sent_on=report_sent_on,
    )


def not_sent(row_id: int, held: str, how: str) -> str:
    """What the person who approved a draft that was held is told."""
    return (
        f"email #{row_id} not sent: {held}. Its new words were sent to you: read them, then "
        f"approve it again ({how})"
    )


def stale_notice(app: App, draft: OutboxMessage, now: datetime) -> str | None:
    """Why no notice of this planned date may go at all, however it were written again, or
    None. Once the report is published, or the case closed, "we plan to publish on ..." is
    untrue; so is a date no longer planned, or one already past."""
    case, planned = draft.case, _planned_on(draft)
    if case is None or planned is None:
        return None
    if case.status != "open":
        return f"{case.ref} is closed"
    if not case.cspr:
        return "the case no longer records a decision to hold a CSPR"
    if case.published_on is not None:
        return (
            f"the report is recorded as published on {fmt_date(case.published_on)}, so a "
            f"notice that publication is planned for {fmt_date(planned)} would be untrue"
        )
    if case.planned_publication != planned:
        now_planned = case.planned_publication
        return f"it gives notice of publication on {fmt_date(planned)}, but publication is now " + (
            f"planned for {fmt_date(now_planned)}" if now_planned else "not planned"
        )
    if planned < today(app, now):
        return f"publication on {fmt_date(planned)} has passed; if it happened, write Published:"
    return None


def restate_notice(session: Session, app: App, draft: OutboxMessage, now: datetime) -> str | None:
    """Why the draft cannot go as approved (it was rewritten and offered again), or None.
    Asked only of a draft stale_notice lets go."""
    case, planned = draft.case, _planned_on(draft)
    if case is None or planned is None:
        return None
    on = today(app, now)
    check = check_notice(on, planned, True, app.calendar, case.report_sent_on)
    due = deadlines.publication_notice(planned, app.calendar).due
    why = _why(app, draft, case, check, on)
    by = send_by(app, case, check, due, on)
    context = notice_context(session, app, case, planned, check, by)
    draft.stated = notice_stated(on, planned, check, case.report_sent_on).as_json()
    return why if restate_draft(session, app, draft, context, now, why, by.check) else None


def _planned_on(draft: OutboxMessage) -> date | None:
    kind, _, rest = draft.idempotency_key.partition(":")
    try:
        return date.fromisoformat(rest.rpartition(":")[2]) if kind == _KEY else None
    except ValueError:
        return None


def _why(app: App, draft: OutboxMessage, case: Case, check: NoticeCheck, on: date) -> str:
    written = today(app, draft.created_at)
    said = f"it was written on {fmt_date(written)}; on {fmt_date(on)}"
    late = ", fewer than the 7 required" if check.late else ""
    if case.report_sent_on:
        return (
            f"{said} it says the report was sent on {fmt_date(case.report_sent_on)}, "
            f"{check.given} working days before publication{late}"
        )
    return f"{said} it gives {check.given} working days of notice{late}"
