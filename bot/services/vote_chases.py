"""Chasing the Screening Panel's votes, on the reminder tick (bot.services.reminders calls it
in working hours for each open screening_meeting deadline).

Who is chased, and when, is decided in bot.core.screening_vote: each partner who has not voted
is asked once (Business Manager copied) on the chase days, once the booked meeting has ended.
A meeting that ends too late for that (after the last chase day, or after office hours on it)
leaves the decision past due with partners never asked: they are not told a "due by" day that
has gone, and the Business Manager alone is told, once, whose vote is missing. So does a bot
that ran on none of the chase days, with no meeting booked.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.adapters.db.models import Deadline
from bot.app import App
from bot.core.dates import fmt_date
from bot.core.screening_vote import ROLE_LABELS, Partner, partners_to_chase, unvoted_past_due
from bot.core.stale_chases import VOTE_REMINDER, VOTES_MISSING
from bot.services.batch import Batch
from bot.services.mailout import queue_email_later
from bot.services.reminder_facts import Known


def chase_votes(
    session: Session,
    app: App,
    batch: Batch,
    known: Known,
    deadline: Deadline,
    local: datetime,
    now: datetime,
) -> int:
    """Queue the vote chases due now for the screening_meeting `deadline` (`local`: now in the
    partnership's time zone); returns how many emails were queued."""
    case = deadline.case
    facts = (
        known.votes(case.id),
        case.decision is not None,
        deadline.due,
        local,
        app.calendar,
        known.meeting_ends.get(case.id),
    )
    queued = sum(
        _ask(session, app, batch, known, deadline, role, now) for role in partners_to_chase(*facts)
    )
    # A chase withdrawn unsent (it waited past the due day) asked no one.
    asked = known.asked(case.id, f"{VOTE_REMINDER}{case.ref}:")
    unsent = known.sent(case.id, f"{VOTE_REMINDER}{case.ref}:") - asked
    missing = unvoted_past_due(*facts, asked=asked)
    if missing and _tell_bm(session, app, batch, known, deadline, missing, now, bool(unsent)):
        queued += 1
    return queued


def _ask(
    session: Session,
    app: App,
    batch: Batch,
    known: Known,
    deadline: Deadline,
    role: Partner,
    now: datetime,
) -> bool:
    """Ask one partner for their vote, Business Manager copied; False when already asked or
    there is no one to ask (the screening_meeting reminders reach the Business Manager)."""
    case = deadline.case
    dsp = app.config.statutory_agency(role).dsp
    key = f"{VOTE_REMINDER}{case.ref}:{role}"
    if dsp is None or known.queued(case.id, key):
        return False
    queue_email_later(
        session,
        app,
        batch,
        key=key,
        event="vote_reminder",
        to=[dsp.email],
        cc=[app.config.people.business_manager.email],
        now=now,
        case=case,
        context={
            "case": {"ref": case.ref, "initials": case.initials},
            "partner": {"role_label": ROLE_LABELS[role]},
            "due": deadline.due,
        },
    )
    batch.add_event(
        case,
        now,
        "vote_chased",
        f"{ROLE_LABELS[role]} asked for their vote (Business Manager copied)",
        why=f"no vote yet; the screening decision is due {fmt_date(deadline.due)}",
    )
    return True


def _tell_bm(
    session: Session,
    app: App,
    batch: Batch,
    known: Known,
    deadline: Deadline,
    missing: tuple[Partner, ...],
    now: datetime,
    unsent: bool = False,
) -> bool:
    """Tell the Business Manager, once, whose vote is missing when the partners could not be
    chased before the decision fell due (a meeting that ended too late, none booked and no
    bot running on the chase days, or `unsent`: chases withdrawn unsent, as they waited for the
    mail server past the due day); False when told already."""
    case = deadline.case
    key = f"{VOTES_MISSING}{case.ref}"
    if known.queued(case.id, key):
        return False
    labels = [ROLE_LABELS[r] for r in missing]
    ended = known.meeting_ends.get(case.id)
    queue_email_later(
        session,
        app,
        batch,
        key=key,
        event="votes_missing",
        to=[app.config.people.business_manager.email],
        now=now,
        case=case,
        context={
            "case": {"ref": case.ref, "initials": case.initials},
            "missing": labels,
            "due": deadline.due,
            # None: no meeting booked, and no bot ran on the chase days.
            "meeting_ended": ended,
            "unsent": unsent,
        },
    )
    late = (
        "the emails chasing the partners could not be sent"
        if unsent
        else "the panel's meeting ended too late for the partners to be chased"
        if ended is not None
        else "no meeting was booked and no bot ran on the chase days, so the partners were not"
        " chased"
    )
    batch.add_event(
        case,
        now,
        "vote_chased",
        f"Business Manager told whose vote is missing: {', '.join(labels)}",
        why=(
            f"{late} before the screening decision fell due ({fmt_date(deadline.due)}): "
            "they are not chased for a day gone"
        ),
    )
    return True
