"""Drafts to outside bodies: approved by the Business Manager, by email or at the terminal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, OutboxMessage
from bot.adapters.email_date import with_date
from bot.app import App
from bot.core.dates import fmt_date
from bot.services.cases import add_event

HELD = "held"  # not sent when its day came: bot.services.held_emails; approvable again


class ApprovalError(Exception):
    """The draft does not exist or is not waiting for approval."""


class NotApprovable(ApprovalError):
    """The email exists but cannot be approved (sent, queued, withdrawn, or its facts changed):
    a refusal, not a missing email."""


# Writes a draft again as of approval; why it cannot go as approved (rewritten and offered
# again), or None. See bot.services.review.publication_notice.
Restater = Callable[[Session, OutboxMessage, datetime], "str | None"]


def restater(app: App) -> Restater:
    """What approval asks of each draft. A delay, reviewer or publication notice whose facts
    changed, or whose promised day has passed, is refused (ApprovalError, with what changed);
    a publication notice that still holds is written again as of the day (the notice it gives
    is counted from then); other drafts pass. The outbox asks the same again just before it
    sends one (bot.services.send_checks)."""

    def restate(session: Session, draft: OutboxMessage, now: datetime) -> str | None:
        if draft.event not in NOTICES:
            return None
        why = stale(app, draft, now) or _promise_broken(app, draft, now)
        if why is not None:
            raise NotApprovable(f"email #{draft.id} not sent: {why}")
        if draft.event != "publication_notice":
            return None
        from bot.services.review.publication_notice import restate_notice

        return restate_notice(session, app, draft, now)

    return restate


# The notices whose facts approval, and sending, check again.
NOTICES = (
    "panel_delay_notice",
    "reviewer_notice",
    "publication_delay_notice",
    "publication_notice",
)


def stale(app: App, draft: OutboxMessage, now: datetime) -> str | None:
    """Why a notice to outside bodies can no longer go as written, whatever day it is: the
    case's facts moved from under it. None when they still hold."""
    # Imported here: releasing any other draft loads no template (see tests/test_cli_imports).
    from bot.services.review import delay_notice as notices
    from bot.services.review.publication_notice import stale_notice

    if draft.event == "publication_notice":
        return stale_notice(app, draft, now)
    if draft.event == "panel_delay_notice":
        return notices.stale_delay_notice(app, draft, now)
    if draft.event == "reviewer_notice":
        return notices.stale_reviewer_notice(draft)
    return notices.stale_publication_delay(draft)


def _promise_broken(app: App, draft: OutboxMessage, now: datetime) -> str | None:
    """Why a delay or reviewer notice cannot be approved today: the day it promises the review
    or the report by has come since it was drafted (bot.core.stated_dates)."""
    if draft.event not in ("panel_delay_notice", "reviewer_notice"):
        return None
    from bot.services.stated_facts import verdict_for

    verdict = verdict_for(app, draft, now)
    return f"{verdict.untrue}; {verdict.todo}" if verdict is not None else None


SUPERSEDED = "superseded"  # a draft replaced by a newer one of its kind: never approvable


def withdraw_earlier(
    session: Session, case: Case, newer: OutboxMessage | None, now: datetime
) -> str:
    """Withdraw the drafts of `newer`'s kind still waiting on the case: a second `Delay:` or
    `Reviewer:` replaces the first, and two notices with different dates or names must never
    both be approvable. Returns what to say ("; draft #11 withdrawn, replaced by #15")."""
    if newer is None or newer.status != "draft":
        return ""
    session.flush()  # the newer draft has its id
    earlier = [d for d in _waiting(session, case) if d.event == newer.event and d.id != newer.id]
    why = f"a newer {newer.event.replace('_', ' ')} was drafted"
    ids = _supersede(session, case, earlier, now, f"replaced by #{newer.id}", why)
    return f"; draft {ids} withdrawn, replaced by #{newer.id}" if earlier else ""


def withdraw_drafts(session: Session, case: Case, event: str, now: datetime, because: str) -> str:
    """Withdraw the drafts of `event` still waiting on the case because what they say has
    stopped being true (`Publication delayed:` makes a notice of a planned publication date
    untrue); approving one later says `because`. Returns what to say ("; draft #11 (...)
    withdrawn: ...")."""
    waiting = [d for d in _waiting(session, case) if d.event == event]
    why = f"a {event.replace('_', ' ')} must not go once {because}"
    ids = _supersede(session, case, waiting, now, because, why, sep=": ")
    named = event.replace("_", " ")
    return f"; draft {ids} ({named}) withdrawn: {because}" if waiting else ""


def _supersede(
    session: Session,
    case: Case,
    rows: list[OutboxMessage],
    now: datetime,
    detail: str,
    why: str,
    sep: str = ", ",
) -> str:
    """Mark `rows` superseded, each with its "Draft #N withdrawn<sep><detail>" in the case's
    history (read back by _withdrawn_because); returns their numbers ("#11, #12")."""
    for old in rows:
        old.status = SUPERSEDED
        add_event(
            session,
            case,
            now,
            "draft_withdrawn",
            f"Draft #{old.id} withdrawn{sep}{detail}",
            why=why,
        )
    return ", ".join(f"#{old.id}" for old in rows)


def _withdrawn_because(row: OutboxMessage) -> str:
    """Why a withdrawn draft was withdrawn, as the case's history recorded it."""
    said = f"Draft #{row.id} withdrawn: "
    events = row.case.events if row.case is not None else []
    found = [
        e.detail[len(said) :]
        for e in events
        if e.what == "draft_withdrawn" and e.detail.startswith(said)
    ]
    return found[-1] if found else "a newer draft of it replaced it"


@dataclass(frozen=True)
class Approval:
    row: OutboxMessage
    held: str | None = None  # not approved: its words changed, and were sent to be read again


def _waiting(session: Session, case: Case) -> list[OutboxMessage]:
    """The case's drafts, and its emails held when they could not go as approved: a newer
    draft of one's kind replaces both."""
    query = select(OutboxMessage).where(
        OutboxMessage.case_id == case.id, OutboxMessage.status.in_(("draft", HELD))
    )
    return list(session.scalars(query.order_by(OutboxMessage.id)))


def drafts(session: Session, case: Case | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.status == "draft")
    if case is not None:
        query = query.where(OutboxMessage.case_id == case.id)
    return list(session.scalars(query.order_by(OutboxMessage.id)))


def approve(
    session: Session,
    draft_id: int | None,
    *,
    actor: str,
    now: datetime,
    case: Case | None = None,
    restate: Restater | None = None,
    tz: tzinfo = UTC,
) -> Approval:
    """Release one draft to the outbox; with no id, the only draft waiting on the case. A draft
    whose words `restate` changes is held, not released: the person approved other words.
    `tz`: the partnership's, for the time an email that is no draft was sent."""
    if draft_id is None:
        waiting = drafts(session, case)
        if len(waiting) != 1:
            raise ApprovalError(
                f"{len(waiting)} drafts are waiting; say which one, e.g. Approve "
                f"{waiting[0].id if waiting else 'N'}"
            )
        row = waiting[0]
    else:
        found = session.get(OutboxMessage, draft_id)
        if found is None:
            raise ApprovalError(f"no outbox email #{draft_id}")
        if found.status == SUPERSEDED:
            raise NotApprovable(
                f"email #{draft_id} was withdrawn: {_withdrawn_because(found)} (see the "
                "case's history, or tscp-bot outbox --status draft)"
            )
        if found.status not in ("draft", HELD):
            raise NotApprovable(
                f"email #{draft_id} is not a draft waiting for approval: {_instead(found, tz)}"
            )
        row = found
    if restate is not None and (held := restate(session, row, now)) is not None:
        row.status = "draft"  # one held when it could not go: new words to approve
        if row.case is not None:
            add_event(
                session,
                row.case,
                now,
                "draft_restated",
                f"Email #{row.id} ({row.event}) not sent as approved: {held}",
                actor=actor,
                why="written again as of the approval; the new words were sent to be approved",
            )
        return Approval(row, held)
    row.status, row.approved_by, row.approved_at, row.next_attempt_at = (
        "pending",
        actor,
        now,
        now,
    )
    row.raw = with_date(row.raw, now)  # it goes as of its approval, not its drafting
    if row.case is not None:
        add_event(
            session,
            row.case,
            now,
            "draft_approved",
            f"Email #{row.id} ({row.event}) to {', '.join(row.recipients)} approved",
            actor=actor,
            why="outside bodies receive mail only after the Business Manager approves it",
        )
    return Approval(row)


def _instead(row: OutboxMessage, tz: tzinfo) -> str:
    """What became of an email that is not waiting for approval, in a few words."""
    if row.status == "sent" and row.sent_at is not None:
        at = row.sent_at.astimezone(tz)
        return f"it was sent on {fmt_date(at.date())} at {at:%H:%M}"
    if row.status == "pending":
        return "it is already in the outbox, waiting to be sent (tscp-bot outbox list)"
    if row.status == "failed":
        return "it could not be sent (tscp-bot outbox list; tscp-bot outbox retry to try again)"
    return f"it is {row.status} (tscp-bot outbox list)"
