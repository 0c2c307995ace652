"""Troubles an earlier run alerted and never told over: told over only on evidence this
instance's check can see (bot.core.unseen_ends)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.health import Judged, Problem
from bot.core.unseen_ends import seen_over, untold

BEGAN = datetime(2026, 12, 23, 9, 0, tzinfo=UTC)
KEY = "alert:failing:mailbox:2026-12-23T09:00:00+00:00"


def test_only_the_latest_alert_of_a_job_with_no_working_again_email_is_untold() -> None:
    later = "alert:failing:mailbox:2026-12-24T09:00:00+00:00"
    outbox = "alert:outbox:outbox:2026-12-23T10:00:00+00:00"
    [mailbox, waiting] = untold([KEY, later, outbox], [])
    assert (mailbox.job, mailbox.since.day, waiting.kind) == ("mailbox", 24, "outbox")
    assert untold([KEY], ["alert-ended:failing:mailbox:2026-12-23T09:00:00+00:00"]) == []
    assert untold(["alert:nonsense"], []) == []


def test_a_trouble_is_told_over_only_when_its_job_ran_well_here_since_it_began() -> None:
    [trouble] = untold([KEY], [])
    mine = Judged(frozenset({"mailbox"}), backlog=False)
    well = {"mailbox": datetime(2026, 12, 23, 11, 0, tzinfo=UTC)}
    assert seen_over([trouble], [], mine, well) == [trouble]
    assert seen_over([trouble], [], mine, {}) == []  # not run yet since the restart
    before = {"mailbox": datetime(2026, 12, 23, 8, 0, tzinfo=UTC)}
    assert seen_over([trouble], [], mine, before) == []  # its last good run was before
    elsewhere = Judged(frozenset({"tick"}), backlog=True)
    assert seen_over([trouble], [], elsewhere, well) == []  # held by another instance
    going = Problem("failing", "mailbox", datetime(2026, 12, 24, 9, 0, tzinfo=UTC), "x")
    assert seen_over([trouble], [going], mine, well) == []  # failing again, a new start


def test_the_outbox_trouble_is_over_only_when_this_check_read_the_backlog() -> None:
    [trouble] = untold(["alert:outbox:outbox:2026-12-23T10:00:00+00:00"], [])
    assert seen_over([trouble], [], Judged(frozenset(), backlog=True), {}) == [trouble]
    assert seen_over([trouble], [], Judged(frozenset(), backlog=False), {}) == []
