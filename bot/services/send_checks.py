"""Just before the outbox sends an email: may it still go as written, on the day it goes?

Asked by bot.services.outbox under its claim, before the attempt is recorded: whatever is
decided here (withdrawn, held, re-dated) is committed with the claim given back, or with the
attempt's start, never after a byte reached the server. In order:

1. A chase no longer true is withdrawn (bot.services.stale_chases).
2. A reminder or escalation about an Appendix B return waits while the request itself has
   not gone: an agency is never chased, or escalated about, for a request it never received.
   Looked at again once the request has had its next try; when that request is re-dated, the
   chase, written for the old date, is withdrawn at step 1. A vote chase likewise waits while
   the Screening Panel's meeting, moved later since it was queued, has not ended.
3. An email stating dates to an outside body (bot.core.stated_dates.CHECKED): an approved
   notice is asked again what approval asked (bot.services.approvals.stale: the case closed,
   the Rapid Review submitted, the report published, its facts corrected), and is withdrawn
   when that no longer holds; then its dates are looked at with the day it goes: a notice
   whose promised day has passed, or whose working days of notice changed, is held; an
   Appendix B request written on another day is re-dated to this one (or withdrawn when its
   return is no longer awaited). The acknowledgements and the panel's invitation
   (bot.core.stated_acks) are written again as of this day when what they say has changed
   (a reply date or a panel time gone by, a key date come), and an invitation to a meeting
   gone by is held. bot.services.held_emails records each and tells the Business Manager.
4. An email telling an outside body of a decision (the CSPR decision to the partners and the
   Scrutineer, the Screening Panel's to the referrer and to the Scrutineer, or that it has none
   and must reconvene) is withdrawn when the decision changed since and another email tells
   what stands, or written again for the decision as it stands
   (bot.services.decision_checks).
5. An escalation, the last step of a chase, goes however late, but one written for an
   earlier day is worded again for this one (bot.services.escalation_restated): its working
   days overdue and the replies received are told as they stand when it goes.

Every other email costs three set lookups.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Meeting, OutboxMessage
from bot.app import App
from bot.core.dates import fmt_at
from bot.core.resend_keys import is_resend
from bot.core.return_rounds import agency_of, request_agency, request_number
from bot.core.stale_chases import read_key
from bot.core.stated_dates import APPENDIX_B_REQUEST, CHECKED, Action
from bot.core.stated_decisions import DECISIONS
from bot.services import held_emails
from bot.services.approvals import NOTICES, stale
from bot.services.stale_chases import CHASES, WITHDRAWN, withdrawn
from bot.services.stated_facts import day_of, verdict_for

# A chase waiting for its request looks again this long after the request's next try.
_AFTER_REQUEST = timedelta(minutes=1)
# ... or, when the request is not waiting to be tried (refused for good, held), this long.
_REQUEST_STUCK = timedelta(hours=1)
ESCALATION = "deadline_escalation"
VOTE_CHASE = "vote_reminder"


class Before(StrEnum):
    GO = "go"  # send it (re-dated or written again first, maybe)
    WAIT = "wait"  # not yet: its next try is later
    WITHDRAWN = "withdrawn"  # never sent
    HELD = "held"  # not sent: a person approves it again or drafts it afresh


def before_sending(app: App, session: Session, row: OutboxMessage) -> Before:
    """What to do with `row`, claimed by the caller, just before it would be sent."""
    if withdrawn(app, session, row):
        return Before.WITHDRAWN
    if _waits_for_its_request(app, session, row) or _waits_for_the_meeting(app, session, row):
        return Before.WAIT
    if row.event == ESCALATION:
        # The last step still goes however late, worded for the day it goes.
        from bot.services.escalation_restated import restate_escalation

        restate_escalation(app, session, row)
        return Before.GO
    if row.event in DECISIONS:
        from bot.services.decision_checks import still_true

        return Before.GO if still_true(app, session, row) else Before.WITHDRAWN
    if row.event not in CHECKED and row.event not in NOTICES:
        return Before.GO
    return _still_true(app, session, row)


def _still_true(app: App, session: Session, row: OutboxMessage) -> Before:
    now = app.clock.now()
    on = day_of(app, now)
    if row.requires_approval and row.event in NOTICES:
        why = stale(app, row, now)
        if why is not None:
            held_emails.withdraw(session, app, row, held_emails.not_sent_line(row, on, why), now)
            return Before.WITHDRAWN
    verdict = verdict_for(app, row, now)
    # A copy for recipients the server put off goes with the words the others were sent,
    # never a version re-dated or reworded for a few: a request's return date is the agency's
    # stored one, true on any day; words gone untrue since (a panel gone by) hold it.
    copy = is_resend(row.idempotency_key)
    if verdict is None or (copy and verdict.action is Action.REDATE):
        return Before.GO
    line = held_emails.not_sent_line(row, on, verdict.untrue, verdict.todo)
    if verdict.action is Action.WITHDRAW:
        held_emails.withdraw(session, app, row, line, now)
        return Before.WITHDRAWN
    if verdict.action is Action.HOLD or copy:
        held_emails.hold(session, app, row, line, now)
        return Before.HELD
    if verdict.action is Action.REWORD:
        from bot.services.rewording import reword

        return Before.GO if reword(session, app, row, verdict, now) else Before.HELD
    from bot.services.review.request_redating import redate_request

    return Before.GO if redate_request(session, app, row, verdict, now) else Before.HELD


def _waits_for_the_meeting(app: App, session: Session, row: OutboxMessage) -> bool:
    """Whether `row` is a vote chase while the Screening Panel's booked meeting has not ended
    (moved later since it was queued, `Reschedule:`); if so it waits until the meeting's end:
    a partner is never told before the meeting that their vote is not yet recorded."""
    if row.event != VOTE_CHASE or row.case_id is None:
        return False
    latest = session.execute(
        select(Meeting.end, Meeting.cancelled_at)
        .where(Meeting.case_id == row.case_id, Meeting.purpose == "screening")
        .order_by(Meeting.id.desc())
        .limit(1)
    ).first()
    now = app.clock.now()
    if latest is None or latest.cancelled_at is not None or latest.end <= now:
        return False
    row.next_attempt_at = latest.end
    at = latest.end.astimezone(app.config.partnership.time_zone)
    row.last_error = f"waiting for the Screening Panel meeting to end ({fmt_at(at)})"
    return True


def _waits_for_its_request(app: App, session: Session, row: OutboxMessage) -> bool:
    """Whether `row` chases an Appendix B return whose request has not gone; if so its next
    look is put after the request's next try."""
    if row.event not in CHASES or row.case_id is None:
        return False
    chase = read_key(row.idempotency_key)
    agency = agency_of(chase.deadline) if chase is not None else None
    if chase is None or agency is None or request_number(chase.deadline) is not None:
        return False
    requests = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.case_id == row.case_id, OutboxMessage.event == APPENDIX_B_REQUEST)
        .order_by(OutboxMessage.id.desc())
    )
    request = next((r for r in requests if request_agency(r.idempotency_key) == agency), None)
    if request is None or request.status in ("sent", WITHDRAWN):
        return False
    now = app.clock.now()
    if request.status == "pending":
        row.next_attempt_at = max(request.next_attempt_at, now) + _AFTER_REQUEST
    else:
        row.next_attempt_at = now + _REQUEST_STUCK
    row.last_error = f"waiting for its Appendix B request (#{request.id}) to be sent"
    return True
