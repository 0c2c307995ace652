"""The Screening Panel decides by a majority of the three statutory partners.

Each partner (local authority, police, health) has one live vote; a later vote from the same
partner replaces the earlier one. Two matching votes decide. Three different votes decide
nothing: the partners must agree, so the Business Manager (who chairs and records, but has no
vote) is asked to reconvene them. A recorded decision changes only when the majority does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Literal, TypeAlias

from bot.core.working_days import WorkingCalendar

Partner: TypeAlias = Literal["local_authority", "police", "health"]
STATUTORY: tuple[Partner, ...] = ("local_authority", "police", "health")
CHOICE_LABELS = {
    "rapid_review": "Rapid Review",
    "local_review": "Local learning review (audit, learning or assurance activity)",
    "no_further_action": "No further action",
}
ROLE_LABELS = {"local_authority": "Local authority", "police": "Police", "health": "Health"}
NO_MAJORITY = "no majority: the partners must agree"


@dataclass(frozen=True)
class Tally:
    decided: str | None
    votes_for: int
    explanation: str
    split: bool = False  # all three partners voted, each for something different


def tally(votes: Mapping[str, str]) -> Tally:
    """votes: role -> choice, the live vote of each partner that has voted."""
    counts = Counter(votes.values())
    if not counts:
        return Tally(None, 0, "no votes yet")
    choice, top = counts.most_common(1)[0]
    if top >= 2:
        return Tally(choice, top, f"majority of the statutory partners ({top} of 3)")
    waiting = [ROLE_LABELS[r] for r in STATUTORY if r not in votes]
    if waiting:
        return Tally(None, top, "no majority yet; waiting for " + ", ".join(waiting))
    return Tally(None, top, NO_MAJORITY, split=True)


def decision_refusal(choice: str, votes: Mapping[str, str]) -> str | None:
    """Why the Business Manager may not record `choice`, or None when it may be recorded.

    The Business Manager records what the partners agreed; a recorded majority of the
    partners' votes for something else is their decision, and the record must not contradict
    it. Without such a majority (no votes, one vote, a split) the meeting's agreement stands.
    """
    found = tally(votes)
    if found.decided is None or found.decided == choice:
        return None
    return (
        f"the partners' recorded votes are a majority for {CHOICE_LABELS[found.decided]} "
        f"({found.votes_for} of 3), and the Screening Panel decides by a majority of the three "
        f"statutory partners, so {CHOICE_LABELS[choice]} cannot be recorded as its decision. "
        "If the partners agreed otherwise at the meeting, each partner who changed their mind "
        "replies with their new Vote"
    )


class Change(StrEnum):
    DECIDED = "decided"  # a majority decides for the first time, or for something else
    REOPENED = "reopened"  # the majority that made the decision is lost
    SPLIT = "split"  # undecided, and the partners have just split three ways
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class AfterVote:
    change: Change
    choice: str | None  # the decision after this vote
    reason: str  # for the chronology and the voter's confirmation
    split: bool  # the partners are split three ways: the panel must reconvene


def after_vote(
    decision: str | None, before: Mapping[str, str], after: Mapping[str, str]
) -> AfterVote:
    """What one changed vote does to the panel's decision. `before`/`after`: the live votes."""
    old, new = tally(before), tally(after)
    if new.decided is not None and new.decided != decision:
        reason = new.explanation
        if decision is not None:
            reason = (
                f"the majority of the partners' votes changed from {CHOICE_LABELS[decision]} "
                f"to {CHOICE_LABELS[new.decided]} ({new.votes_for} of 3)"
            )
        return AfterVote(Change.DECIDED, new.decided, reason, False)
    if new.decided is None and decision is not None and old.decided == decision:
        reason = (
            f"a changed vote means {CHOICE_LABELS[decision]} no longer has a majority "
            f"of the statutory partners; {new.explanation}"
        )
        return AfterVote(Change.REOPENED, None, reason, new.split)
    if decision is None and new.split and not old.split:
        return AfterVote(Change.SPLIT, None, NO_MAJORITY, True)
    if decision is not None:
        reason = f"the decision stands: {CHOICE_LABELS[decision]} ({new.explanation})"
        return AfterVote(Change.UNCHANGED, decision, reason, False)
    return AfterVote(Change.UNCHANGED, None, new.explanation, new.split)


def screening_status(decision: str | None, votes: Mapping[str, str]) -> str:
    """One line for the case view: the decision, or why there is none yet."""
    if decision is not None:
        return CHOICE_LABELS[decision]
    return tally(votes).explanation


def vote_chase_day(due: date, calendar: WorkingCalendar) -> date:
    """The day partners who have not voted are chased: the working day before the decision
    falls due, so there is still a working day to vote (and for the Business Manager to act).
    """
    return calendar.add_working_days(calendar.previous_working_day(due), -1)


def partners_to_chase(
    votes: Mapping[str, str],
    decided: bool,
    due: date,
    now: datetime,
    calendar: WorkingCalendar,
    meeting_ends: datetime | None,
) -> tuple[Partner, ...]:
    """The partners to chase for their vote now (`now` in the partnership's time zone): from
    the chase day until the day it falls due (a daemon that was down still chases once), only
    while the panel has not decided, and never before the booked meeting (`meeting_ends`, None
    when none is booked) has ended: a partner invited for 14:00 has not failed to vote at 10:15.
    A meeting that ends too late for that (after the last chase day, or after office hours on
    it) leaves the decision past due unchased: the Business Manager is told instead
    (`unvoted_past_due`).
    """
    today = now.date()
    if decided or not calendar.is_working_day(today):
        return ()
    if not vote_chase_day(due, calendar) <= today <= calendar.previous_working_day(due):
        return ()
    if meeting_ends is not None and now < meeting_ends:
        return ()
    return tuple(r for r in STATUTORY if r not in votes)


def unvoted_past_due(
    votes: Mapping[str, str],
    decided: bool,
    due: date,
    now: datetime,
    calendar: WorkingCalendar,
    meeting_ends: datetime | None,
    asked: Collection[str] = (),
) -> tuple[Partner, ...]:
    """The partners who have not voted, for the Business Manager alone, once the decision is
    past due when a partner who has not voted was never asked for it (`asked`: the partners a
    vote chase went to). That happens whenever the booked meeting ended too late for a chase
    before the due day was over, whatever the hour: after the last chase day, or after office
    hours on it (chases go only in office hours). The partners get no chase saying "due by" a
    day gone, but she must know whose vote is missing. Once the meeting has ended, on a working
    day, while the panel has not decided. With no meeting booked (`meeting_ends` None) the
    chase days ask them, unless no bot ran on any of them: then she is told the same way."""
    today = now.date()
    if decided or not calendar.is_working_day(today) or today <= due:
        return ()
    if meeting_ends is not None and now < meeting_ends:
        return ()
    missing = tuple(r for r in STATUTORY if r not in votes)
    return missing if any(r not in asked for r in missing) else ()


NOT_VOTED = "not voted yet"


def vote_lines(votes: Mapping[str, str]) -> list[tuple[str, str]]:
    """(partner, live vote) for each statutory partner in a fixed order, one that has not voted
    said so: the Business Manager chasing an undecided panel needs who is missing, not a count."""
    return [
        (ROLE_LABELS[r], CHOICE_LABELS.get(votes[r], votes[r]) if r in votes else NOT_VOTED)
        for r in STATUTORY
    ]


def panel_decided(decision: str | None, decided_by: str | None) -> str:
    """What a Screening Panel meeting is, once its decision is recorded: that decision and who
    made it ("" while undecided). The answers to its invitation no longer describe it: "not
    quorate" of a panel that decided would be untrue."""
    if decision is None:
        return ""
    by = f" ({decided_by})" if decided_by else ""
    return f"decided: {CHOICE_LABELS.get(decision, decision)}{by}"


def panel_standing(decision: str | None, votes: Mapping[str, str]) -> str:
    """Where the vote stands, for the digest: the recorded decision, or the tally's words."""
    if decision is not None:
        return f"decided: {CHOICE_LABELS.get(decision, decision)}"
    return tally(votes).explanation
