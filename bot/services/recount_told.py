"""What the referrer, the Screening Panel and a complainant were told of a case's key dates,
when the deadline tick counts one of them earlier (bot.services.recount): a closure taken out
of the configuration, a bank holiday dropped.

The SIN acknowledgement and the panel's invitation list the case's deadlines as they stood the
day each went; a complaint's acknowledgement gives the day its written response is due by. One
still waiting to go is written again as the case stands on the day it goes
(bot.core.stated_acks); one already sent gave a day that is now later than the one counted,
and the bot does not write to its recipients for her: the Business Manager is told, under
"Needs your attention", as when `Correct Received:` moves the same days. A complaint whose
later reply day was agreed since (`Complaint extended:`) keeps that day: the complainant was
told it by the Business Manager, and the recount does not move it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, OutboxMessage
from bot.app import App
from bot.core.deadlines import fmt_date
from bot.core.recount import Recount
from bot.core.stated_dates import COMPLAINT_ACK, INVITATION, SIN_ACK, Stated
from bot.services.batch import Batch
from bot.services.digest_names import email_name
from bot.services.review.common import deadline_row
from bot.services.review.complaints import CLOCK as REPLY_CLOCK
from bot.services.review.sent_notices import NOTICE_OUTDATED
from bot.services.review.sin_received import CLOCK, check_booking

# Each email that gives due days: what it gave, and what to tell whom.
_TOLD = {
    SIN_ACK: ("key dates", "tell the referrer the new due days"),
    INVITATION: ("key dates", "tell the panel the new due days"),
    COMPLAINT_ACK: (
        "a written response date",
        "tell the complainant when the written response is now due",
    ),
}


def moved_after_telling(
    session: Session, app: App, case: Case, moved: Sequence[Recount], now: datetime, batch: Batch
) -> None:
    """What the due days `moved` earlier on `case` leave untrue: the emails that gave the old
    ones, and a panel booked within the old 2 working days but after the new due day."""
    _told_before(session, case, moved, now, batch)
    if any(r.stored.name == CLOCK for r in moved):
        check_booking(session, app, case, now, "counted again on today's working calendar")


def _told_before(
    session: Session, case: Case, moved: Sequence[Recount], now: datetime, batch: Batch
) -> None:
    """Flag each email already sent on `case` that gave a due day `moved` brings earlier (or,
    its words not kept, may have: a wrong date is worse than a question)."""
    sent = session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.case_id == case.id,
            OutboxMessage.event.in_(_TOLD),
            OutboxMessage.status == "sent",
        )
        .order_by(OutboxMessage.id)
    )
    for row in sent:
        gave = _gave(case, row, moved)
        if not gave:
            continue
        days = "; ".join(
            f"{r.stored.name} {fmt_date(r.stored.due)}, now {fmt_date(r.due)}" for r in gave
        )
        what, todo = _TOLD[row.event]
        batch.add_event(
            case,
            now,
            NOTICE_OUTDATED,
            f"{email_name(row.event)} (#{row.id}), already sent, gave {what} the working "
            f"calendar now counts earlier ({days}): {todo}",
        )


def _gave(case: Case, row: OutboxMessage, moved: Sequence[Recount]) -> list[Recount]:
    """The days `moved` that the email `row` gave its recipient (all it may have given, when
    its words were not kept)."""
    stated = Stated.from_json(row.stated)
    if row.event != COMPLAINT_ACK:
        given = None if stated is None else {due for due, _ in stated.key_dates}
        return [r for r in moved if given is None or r.stored.due in given]
    clock = deadline_row(case, REPLY_CLOCK)
    if clock is not None and clock.extension is not None:
        return []  # the later day agreed with the complainant since still stands
    # An acknowledgement read too late to promise a day gave none (stated.promised None).
    return [
        r
        for r in moved
        if r.stored.name == REPLY_CLOCK and (stated is None or r.stored.due == stated.promised)
    ]
