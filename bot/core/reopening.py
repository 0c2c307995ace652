"""`Reopen:`: which stage a closed case goes back to, and how its reply names the clocks that
are chased again (and those never stopped). Pure: the case's record in, a stage and sentences out.

`Close:` records the stage the case was at (cases.closed_from). A case closed before that was
recorded goes back to the stage its record implies, read the way the lifecycle table moved it
there: a complaint or escalation record to its own stage; a review case to its CSPR stage once
a CSPR decision is recorded (*action plan* once published or without a CSPR), to *CSPR
decision* once its Rapid Review was submitted, otherwise to the Screening Panel's decision's
stage (*screening* while none is recorded).

Items under "Needs your attention" that the closing only hid come back with the case, and the
reply counts and names them (bot.core.standing_flags says which the closing truly settled).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.core.deadlines import fmt_date
from bot.core.lifecycle import chased_when_closed, stage_for_decision
from bot.core.lifecycle_stages import Stage
from bot.core.standing_flags import FLAG_KEPT_WORKING_DAYS
from bot.core.wording import plural


@dataclass(frozen=True)
class ClosedRecord:
    """What a closed case's record says about where it had got to."""

    kind: str  # review | complaint | escalation
    closed_from: str | None  # the stage `Close:` recorded; None when closed before it did
    decision: str | None
    rr_report_on: date | None
    cspr: bool | None
    published_on: date | None


@dataclass(frozen=True)
class Return:
    stage: Stage
    implied: bool  # read from the record, `Close:` having recorded no stage


def stage_to_return_to(record: ClosedRecord) -> Return:
    if record.closed_from is not None:
        return Return(Stage(record.closed_from), implied=False)
    return Return(_implied(record), implied=True)


def _implied(record: ClosedRecord) -> Stage:
    if record.kind == "complaint":
        return Stage.COMPLAINT
    if record.kind == "escalation":
        return Stage.ESCALATION
    if record.cspr is not None:
        return Stage.CSPR if record.cspr and record.published_on is None else Stage.ACTION_PLAN
    if record.rr_report_on is not None:
        return Stage.CSPR_DECISION
    return stage_for_decision(record.decision)


@dataclass(frozen=True)
class ChasedClock:
    name: str
    title: str
    due: date


def clocks_said(clocks: Sequence[ChasedClock], today: date) -> str:
    """The unmet clocks chased again, overdue ones first and called so, a clock still to come
    never called late: "2 deadlines are chased again, each from its own due day: 1 overdue
    (chased and escalated as any overdue deadline is): ...; 1 not yet due: ...". A statutory
    notification still owed was chased all the while the case was closed (CHASED_WHEN_CLOSED):
    "chased again" would be untrue of it, so it is said apart as still chased."""
    again = [k for k in clocks if not chased_when_closed(k.name)]
    kept = [k for k in clocks if chased_when_closed(k.name)]
    said = _chased_again(again, today, other=bool(kept))
    if kept:
        said += f"; {_still_chased(kept, today)}"
    return said


def _chased_again(clocks: Sequence[ChasedClock], today: date, *, other: bool) -> str:
    if not clocks:
        left = "no other deadline" if other else "no deadline"
        return f"{left} was left unmet, so nothing is chased again"
    ordered = sorted(clocks, key=lambda k: (k.due, k.title))
    overdue = [k for k in ordered if k.due < today]
    to_come = [k for k in ordered if k.due >= today]
    parts = []
    if overdue:
        parts.append(
            f"{len(overdue)} overdue (chased and escalated as any overdue deadline is): "
            + _each(overdue)
        )
    if to_come:
        parts.append(f"{len(to_come)} not yet due: {_each(to_come)}")
    chased = (
        "is chased again from its own due day"
        if len(ordered) == 1
        else ("are chased again, each from its own due day")
    )
    return f"{plural(len(ordered), 'deadline')} {chased}: " + "; ".join(parts)


def _still_chased(clocks: Sequence[ChasedClock], today: date) -> str:
    ordered = sorted(clocks, key=lambda k: (k.due, k.title))
    each = ", ".join(
        f"{k.title}, due {fmt_date(k.due)}{' (overdue)' if k.due < today else ''}" for k in ordered
    )
    one = len(ordered) == 1
    return (
        f"{plural(len(ordered), 'statutory notification')} still owed "
        f"{'is' if one else 'are'} still chased, as {'it was' if one else 'they were'} all "
        f"the while the case was closed (owed however a case ends): {each}"
    )


def _each(clocks: Sequence[ChasedClock]) -> str:
    return ", ".join(f"{k.title}, due {fmt_date(k.due)}" for k in clocks)


@dataclass(frozen=True)
class WaitingItem:
    """An item under "Needs your attention" raised before the reopening, still not put right."""

    what: str  # the case event ("scrutineer_disagrees")
    detail: str
    while_closed: bool  # raised after the case closed, not before


def items_said(items: Sequence[WaitingItem], older: int, ref: str) -> str:
    """What the closing only hid, which the digest lists again: "2 items raised before it
    closed still need your attention: ..."; "" when nothing is waiting."""
    parts = []
    if items:
        when = "it was reopened" if any(i.while_closed for i in items) else "it closed"
        need = "still needs" if len(items) == 1 else "still need"
        listed = "; ".join(f"{i.what.replace('_', ' ')}: {i.detail}" for i in items)
        again = "listed again under Needs your attention in the digest"
        parts.append(
            f"{plural(len(items), 'item')} raised before {when} {need} your attention "
            f"({again}): {listed}"
        )
    if older:
        parts.append(
            f"{plural(older, 'older item')} raised on it more than {FLAG_KEPT_WORKING_DAYS} "
            "working days ago, which the bot cannot see put right, counted in the digest: "
            f"tscp-bot case {ref} shows {'it' if older == 1 else 'them'}"
        )
    return "".join(f"; {p}" for p in parts)


@dataclass(frozen=True)
class CancelledMeeting:
    """A Screening Panel meeting cancelled at or after the case's last closing, which the
    reopening does not book again. Moments as the reply writes them ("Wed 23 Dec 2026 14:00")."""

    start: str
    closed: str  # when the case last closed
    # When `Cancel meeting` cancelled it on the closed case; None: the closing itself did.
    later: str | None
    failed: bool  # the closing tried to cancel it and the calendar refused


def meeting_cancelled_said(m: CancelledMeeting) -> str:
    """When and how the meeting was cancelled, and how to book it again: "cancelled when the
    case closed" only when the closing did it, never of a meeting `Cancel meeting` cancelled
    later (the panel expected it until then)."""
    if m.later is None:
        how = "was cancelled when the case closed"
    else:
        before = (
            "could not be cancelled in the calendar when the case closed"
            if m.failed
            else "was still booked when the case closed"
        )
        how = (
            f"{before} ({m.closed}); it was cancelled on {m.later} with Cancel meeting, on the "
            "closed case,"
        )
    return (
        f"; the Screening Panel of {m.start} {how} and is not booked again: give Reschedule: "
        "<date> <time> to invite the panel"
    )
