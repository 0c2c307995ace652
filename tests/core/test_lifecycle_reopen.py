"""`Reopen:` in the lifecycle table: accepted only on a closed case and only from the Business
Manager, back to the stage the case was closed at (or the one its record implies when `Close:`
recorded none), after which `Notified:` starts the Rapid Review clock as on an open case."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from bot.core import commands as c
from bot.core.commands import parse_commands
from bot.core.lifecycle import (
    Stage,
    acting_role,
    entry,
    next_stage,
    role_refusal,
    starts_clock,
    verdict,
)
from bot.core.lifecycle_stages import OPEN_STAGES
from bot.core.reopening import (
    CancelledMeeting,
    ChasedClock,
    ClosedRecord,
    WaitingItem,
    clocks_said,
    items_said,
    meeting_cancelled_said,
    stage_to_return_to,
)

TODAY = date(2026, 12, 21)
REOPEN = c.Reopen("the National Panel expects a Rapid Review", "Reopen: the National Panel ...")


def test_reopen_is_read_with_its_reason_and_refused_without_one() -> None:
    [cmd] = parse_commands(
        "Reopen: the National Panel expects a Rapid Review", today=TODAY
    ).commands
    assert cmd == c.Reopen(
        "the National Panel expects a Rapid Review",
        "Reopen: the National Panel expects a Rapid Review",
    )
    [error] = parse_commands("Reopen:", today=TODAY).errors
    assert "give the reason for reopening after the colon" in error.message
    # Without its colon it is prose, as Close is: "Reopen the file" closes nothing.
    assert parse_commands("Reopen the file when you can", today=TODAY).commands == ()


@pytest.mark.parametrize("stage", OPEN_STAGES)
def test_reopen_is_refused_on_an_open_case_saying_it_is_open(stage: Stage) -> None:
    refusal = verdict(stage, REOPEN, {}, TODAY)
    assert refusal is not None
    assert refusal.endswith("the case is open; only a closed case can be reopened")
    assert entry(stage, c.Reopen).accepted is False


def test_reopen_is_the_business_managers_alone() -> None:
    assert verdict(Stage.CLOSED, REOPEN, {}, TODAY) is None
    assert acting_role(c.Reopen, {"business_manager"}) == "business_manager"
    for role in ("local_authority", "police", "health", "independent_scrutineer"):
        assert acting_role(c.Reopen, {role}) is None
    assert role_refusal(c.Reopen, {"local_authority"}).endswith("only the Business Manager may")


@pytest.mark.parametrize("closed_at", [*OPEN_STAGES])
def test_reopen_goes_back_to_the_stage_the_case_was_closed_at(closed_at: Stage) -> None:
    assert next_stage(Stage.CLOSED, REOPEN, "no_further_action", closed_at) is closed_at
    # It starts, meets and keeps no clock: every clock keeps its own days.
    e = entry(Stage.CLOSED, c.Reopen)
    assert (e.starts, e.meets, e.keeps, e.corrects) == ((), (), (), False)


def test_notified_after_reopening_starts_the_rapid_review_clock_as_on_an_open_case() -> None:
    reopened = next_stage(Stage.CLOSED, REOPEN, "no_further_action", Stage.NO_FURTHER_ACTION)
    assert not starts_clock(Stage.CLOSED, c.NotificationSent, "rapid_review", running=False)
    assert starts_clock(reopened, c.NotificationSent, "rapid_review", running=False)


BASE = ClosedRecord("review", None, None, None, None, None)


def _record(**changes: Any) -> ClosedRecord:
    return replace(BASE, **changes)


def test_the_stage_recorded_at_closing_wins_over_the_record() -> None:
    back = stage_to_return_to(_record(closed_from="rapid_review", decision="no_further_action"))
    assert (back.stage, back.implied) == (Stage.RAPID_REVIEW, False)


@pytest.mark.parametrize(
    ("record", "stage"),
    [
        (_record(), Stage.SCREENING),
        (_record(decision="no_further_action"), Stage.NO_FURTHER_ACTION),
        (_record(decision="local_review"), Stage.LOCAL_REVIEW),
        (_record(decision="rapid_review"), Stage.RAPID_REVIEW),
        (_record(decision="rapid_review", rr_report_on=TODAY), Stage.CSPR_DECISION),
        (_record(decision="rapid_review", rr_report_on=TODAY, cspr=True), Stage.CSPR),
        (
            _record(decision="rapid_review", rr_report_on=TODAY, cspr=True, published_on=TODAY),
            Stage.ACTION_PLAN,
        ),
        (_record(decision="rapid_review", rr_report_on=TODAY, cspr=False), Stage.ACTION_PLAN),
        (_record(kind="complaint"), Stage.COMPLAINT),
        (_record(kind="escalation"), Stage.ESCALATION),
    ],
)
def test_a_case_closed_before_the_stage_was_recorded_goes_back_where_its_record_says(
    record: ClosedRecord, stage: Stage
) -> None:
    back = stage_to_return_to(record)
    assert (back.stage, back.implied) == (stage, True)


def test_the_reply_names_each_clock_chased_again_and_which_are_overdue() -> None:
    said = clocks_said(
        [
            ChasedClock("rapid_review", "Rapid Review submitted", date(2027, 1, 11)),
            ChasedClock("screening_meeting", "Screening Panel decision", date(2026, 12, 18)),
            ChasedClock("action:1", "Action 1", TODAY),
        ],
        TODAY,
    )
    assert said == (
        "3 deadlines are chased again, each from its own due day: 1 overdue (chased and "
        "escalated as any overdue deadline is): Screening Panel decision, due Fri 18 Dec "
        "2026; 2 not yet due: Action 1, due Mon 21 Dec 2026, Rapid Review submitted, due Mon "
        "11 Jan 2027"
    )
    assert clocks_said([], TODAY) == "no deadline was left unmet, so nothing is chased again"


def test_the_reply_counts_and_names_the_items_still_waiting_and_says_when_they_came() -> None:
    ref = "TSCP-2026-0001"
    assert items_said([], 0, ref) == ""
    two = [
        WaitingItem("scrutineer_disagrees", "The Independent Scrutineer disagrees", False),
        WaitingItem("form_problem", "the SIN form has no date of birth", False),
    ]
    said = items_said(two, 0, ref)
    assert said.startswith("; 2 items raised before it closed still need your attention")
    assert "scrutineer disagrees: The Independent Scrutineer disagrees; form problem: " in said
    # One raised while it was closed was not raised before it closed.
    late = [WaitingItem("command_refused", "a vote on a closed case", True)]
    assert "1 item raised before it was reopened still needs" in items_said(late, 0, ref)
    older = items_said([], 2, ref)
    assert "2 older items raised on it more than 20 working days ago" in older
    assert older.endswith("tscp-bot case TSCP-2026-0001 shows them")


def test_a_notification_owed_while_closed_is_said_still_chased_not_chased_again() -> None:
    """The reminder tick chased it all the while the case was closed: "chased again" would be
    untrue of it."""
    owed = ChasedClock("panel_notification", "National Panel notification", date(2026, 12, 18))
    assert clocks_said([owed], TODAY) == (
        "no other deadline was left unmet, so nothing is chased again; 1 statutory "
        "notification still owed is still chased, as it was all the while the case was closed "
        "(owed however a case ends): National Panel notification, due Fri 18 Dec 2026 (overdue)"
    )


def test_a_meeting_cancelled_after_the_closing_is_not_said_to_be_cancelled_by_it() -> None:
    by_closing = CancelledMeeting("Wed 23 Dec 2026 14:00", "Wed 23 Dec 2026 09:30", None, False)
    assert "14:00 was cancelled when the case closed and is not booked again" in (
        meeting_cancelled_said(by_closing)
    )
    later = CancelledMeeting(
        "Wed 23 Dec 2026 14:00", "Wed 23 Dec 2026 09:30", "Wed 23 Dec 2026 10:00", False
    )
    assert (
        "14:00 was still booked when the case closed (Wed 23 Dec 2026 09:30); it was cancelled "
        "on Wed 23 Dec 2026 10:00 with Cancel meeting, on the closed case, and is not booked "
        "again"
    ) in meeting_cancelled_said(later)
