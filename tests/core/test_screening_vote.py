"""The Screening Panel decides by a majority of the three statutory partners."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.bank_holidays import working_calendar
from bot.core.screening_vote import (
    NO_MAJORITY,
    Change,
    after_vote,
    decision_refusal,
    partners_to_chase,
    screening_status,
    tally,
    unvoted_past_due,
    vote_chase_day,
)

CAL = working_calendar(range(2025, 2030))
RR, LR, NFA = "rapid_review", "local_review", "no_further_action"
LONDON = ZoneInfo("Europe/London")


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 15) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def test_three_different_votes_mean_the_partners_must_agree() -> None:
    found = tally({"local_authority": RR, "police": LR, "health": NFA})
    assert (found.decided, found.split, found.explanation) == (None, True, NO_MAJORITY)
    assert "Business Manager decides" not in found.explanation
    split = {"local_authority": RR, "police": LR, "health": NFA}
    assert screening_status(None, split) == "no majority: the partners must agree"


def test_a_decision_contradicting_a_majority_of_votes_is_refused() -> None:
    votes = {"local_authority": RR, "police": RR, "health": NFA}
    refusal = decision_refusal(NFA, votes)
    assert refusal is not None
    assert refusal.startswith(
        "the partners' recorded votes are a majority for Rapid Review (2 of 3)"
    )
    assert "decides by a majority of the three statutory partners" in refusal
    assert decision_refusal(RR, votes) is None


@pytest.mark.parametrize(
    "votes",
    [{}, {"police": RR}, {"local_authority": RR, "police": LR, "health": NFA}],
)
def test_without_a_majority_the_meetings_agreement_is_recorded(votes: dict[str, str]) -> None:
    assert decision_refusal(NFA, votes) is None


@pytest.mark.parametrize(
    ("decision", "before", "after", "change", "choice"),
    [
        # The second matching vote decides.
        (None, {"police": RR}, {"police": RR, "health": RR}, Change.DECIDED, RR),
        # 2-1 for RR; the minority partner changes vote: the majority is unchanged.
        (
            RR,
            {"local_authority": RR, "police": RR, "health": NFA},
            {"local_authority": RR, "police": RR, "health": LR},
            Change.UNCHANGED,
            RR,
        ),
        # 2-1 for RR; a majority partner joins the minority: the decision changes.
        (
            RR,
            {"local_authority": RR, "police": RR, "health": NFA},
            {"local_authority": RR, "police": NFA, "health": NFA},
            Change.DECIDED,
            NFA,
        ),
        # ...and back again: a real change each time.
        (
            NFA,
            {"local_authority": RR, "police": NFA, "health": NFA},
            {"local_authority": RR, "police": RR, "health": NFA},
            Change.DECIDED,
            RR,
        ),
        # 2-1 for RR; a majority partner votes for the third choice: no majority left.
        (
            RR,
            {"local_authority": RR, "police": RR, "health": NFA},
            {"local_authority": RR, "police": LR, "health": NFA},
            Change.REOPENED,
            None,
        ),
        # Undecided; the third vote splits the panel three ways.
        (
            None,
            {"local_authority": RR, "police": LR},
            {"local_authority": RR, "police": LR, "health": NFA},
            Change.SPLIT,
            None,
        ),
        # Recorded at the meeting without votes; one partner's vote changes nothing.
        (LR, {}, {"police": RR}, Change.UNCHANGED, LR),
    ],
)
def test_a_changed_vote_reopens_only_when_the_majority_changes(
    decision: str | None,
    before: dict[str, str],
    after: dict[str, str],
    change: Change,
    choice: str | None,
) -> None:
    found = after_vote(decision, before, after)
    assert (found.change, found.choice) == (change, choice)


def test_the_chronology_says_why_the_decision_changed() -> None:
    found = after_vote(
        RR,
        {"local_authority": RR, "police": RR, "health": NFA},
        {"local_authority": RR, "police": NFA, "health": NFA},
    )
    assert found.reason == (
        "the majority of the partners' votes changed from Rapid Review to No further action "
        "(2 of 3)"
    )


def test_partners_are_chased_the_working_day_before_the_decision_is_due() -> None:
    due = date(2026, 12, 29)  # Tuesday; Thursday 24 December is the working day before
    assert vote_chase_day(due, CAL) == date(2026, 12, 24)
    votes = {"police": RR}
    assert partners_to_chase(votes, False, due, at(2026, 12, 23), CAL, None) == ()
    assert partners_to_chase(votes, False, due, at(2026, 12, 24), CAL, None) == (
        "local_authority",
        "health",
    )
    # A daemon that was down chases on the due day itself, never after it.
    assert partners_to_chase(votes, False, due, at(2026, 12, 29), CAL, None) != ()
    assert partners_to_chase(votes, False, due, at(2026, 12, 30), CAL, None) == ()
    assert partners_to_chase(votes, True, due, at(2026, 12, 24), CAL, None) == ()


def test_partners_are_not_chased_before_the_booked_meeting_has_ended() -> None:
    due, votes = date(2026, 12, 29), {"police": RR}
    ends = at(2026, 12, 24, 15, 0)  # the panel sits 14:00-15:00 on the chase day
    assert partners_to_chase(votes, False, due, at(2026, 12, 24, 10, 15), CAL, ends) == ()
    assert partners_to_chase(votes, False, due, at(2026, 12, 24, 14, 59), CAL, ends) == ()
    assert partners_to_chase(votes, False, due, at(2026, 12, 24, 15, 0), CAL, ends) == (
        "local_authority",
        "health",
    )


def test_a_meeting_ending_after_the_last_chase_day_tells_the_bm_who_has_not_voted() -> None:
    due, votes = date(2026, 12, 29), {"police": RR}
    ends = at(2026, 12, 30, 15, 0)  # booked the day after the decision fell due
    for when in (at(2026, 12, 24), at(2026, 12, 29), at(2026, 12, 30, 14, 59)):
        assert partners_to_chase(votes, False, due, when, CAL, ends) == ()
        assert unvoted_past_due(votes, False, due, when, CAL, ends) == ()
    after = at(2026, 12, 30, 15, 0)
    assert partners_to_chase(votes, False, due, after, CAL, ends) == ()  # no "due by" gone
    assert unvoted_past_due(votes, False, due, after, CAL, ends) == ("local_authority", "health")
    assert unvoted_past_due(votes, True, due, after, CAL, ends) == ()
    # A meeting within the chase days, its missing votes chased, or none booked and the chase
    # days chasing them, leaves the chase days to do it.
    chased = ("local_authority", "health")
    assert unvoted_past_due(votes, False, due, after, CAL, at(2026, 12, 29, 15, 0), chased) == ()
    assert unvoted_past_due(votes, False, due, after, CAL, None, chased) == ()
    # None booked and no bot running on the chase days: she is told whose vote is missing.
    assert unvoted_past_due(votes, False, due, after, CAL, None) == ("local_authority", "health")
    assert unvoted_past_due(votes, False, due, at(2026, 12, 24), CAL, None) == ()  # not yet due


def test_a_meeting_ending_after_hours_on_the_due_day_tells_the_bm_who_has_not_voted() -> None:
    """Chases go in office hours: a panel ending at 18:00 on the due day was never chased, and
    the next working day the Business Manager is told whose vote is missing."""
    due, votes = date(2026, 12, 29), {"police": RR}
    ends = at(2026, 12, 29, 18, 0)
    assert unvoted_past_due(votes, False, due, at(2026, 12, 29, 18, 30), CAL, ends) == ()
    after = at(2026, 12, 30, 9, 0)
    assert unvoted_past_due(votes, False, due, after, CAL, ends) == ("local_authority", "health")
    # Only one of them was asked: she still hears of both.
    assert unvoted_past_due(votes, False, due, after, CAL, ends, ("health",)) == (
        "local_authority",
        "health",
    )
    assert (
        unvoted_past_due(votes, False, due, after, CAL, ends, ("local_authority", "health")) == ()
    )
