"""What `status` reads of a pass run from cron while it runs and after it (bot.services.passes):
each step shows as running while it runs (a step that hangs or dies is seen started), the
steps before it as they ended, and the last step's end is on record when the pass is over.
A pass writes a step's end with the next step's start, in one commit, so these are the
promises that saving must keep; and a pass with nothing to do keeps its record in a few
statements and commits (the records target: the queries of one pass are counted)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event

from bot.app import App
from bot.services import health, passes
from bot.services.status import status_report
from tests.fixtures.app import AppFactory

# Each step's function in bot.services.passes and the job it is recorded as.
STEPS = {
    "_ingest": health.MAILBOX,
    "deadline_tick": health.TICK,
    "reminder_tick": health.REMINDERS,
    "send_digest_if_due": health.DIGEST,
    "send_monthly_report_if_due": health.DIGEST,
    "send_all": health.OUTBOX,
}


def _states(app: App) -> dict[str, tuple[str, str | None]]:
    """Each job's state and last error as `status` says them now, from another connection."""
    jobs = status_report(app, datetime.now(UTC))["jobs"]
    assert isinstance(jobs, list)
    return {job["name"]: (job["state"], job["last_error"]) for job in jobs}


def _watched(
    monkeypatch: pytest.MonkeyPatch, app: App, failing: str | None = None
) -> list[tuple[str, dict[str, tuple[str, str | None]]]]:
    """Each step, as it runs, records what status says; the step named `failing` then fails."""
    seen: list[tuple[str, dict[str, tuple[str, str | None]]]] = []
    for name in STEPS:
        real: Callable[..., Any] = getattr(passes, name)

        def watched(*args: Any, _real: Callable[..., Any] = real, _name: str = name) -> Any:
            seen.append((_name, _states(app)))
            if _name == failing:
                raise RuntimeError(f"{_name} went wrong")
            return _real(*args)

        monkeypatch.setattr(passes, name, watched)
    return seen


def test_each_step_is_seen_running_while_it_runs_and_those_before_it_as_they_ended(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, _ = make_app()
    passes.run_once(app)  # the day's digest: the pass watched is one with nothing to do
    seen = _watched(monkeypatch, app, failing="deadline_tick")
    report = passes.run_once(app)
    assert report.errors == ["deadlines: RuntimeError: deadline_tick went wrong"]
    order = list(dict.fromkeys(STEPS.values()))
    for name, states in seen:
        job = STEPS[name]
        assert states[job][0] == "running", (name, states)
        for before in order[: order.index(job)]:
            expected = "failing" if before == health.TICK else "ok"
            assert states[before][0] == expected, (name, before, states)
    # The failed step's end was saved with the next step's start, the last step's after it.
    after = _states(app)
    assert after[health.TICK] == ("failing", "deadlines: RuntimeError: deadline_tick went wrong")
    assert {job: after[job][0] for job in order if job != health.TICK} == dict.fromkeys(
        (health.MAILBOX, health.REMINDERS, health.DIGEST, health.OUTBOX), "ok"
    )


def test_the_last_step_s_failure_is_on_record_when_the_pass_is_over(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, _ = make_app()
    _watched(monkeypatch, app, failing="send_all")
    passes.run_once(app)
    assert _states(app)[health.OUTBOX] == ("failing", "sending: RuntimeError: send_all went wrong")


@contextmanager
def _counted(app: App) -> Iterator[dict[str, int]]:
    counts = {"job book": 0, "statements": 0, "commits": 0, "connections": 0}

    def statement(*args: Any) -> None:
        counts["statements"] += 1
        counts["job book"] += "job_health" in args[2]

    def commit(*_: Any) -> None:
        counts["commits"] += 1

    def checkout(*_: Any) -> None:
        counts["connections"] += 1

    event.listen(app.engine, "before_cursor_execute", statement)
    event.listen(app.engine, "commit", commit)
    event.listen(app.engine.pool, "checkout", checkout)
    try:
        yield counts
    finally:
        event.remove(app.engine, "before_cursor_execute", statement)
        event.remove(app.engine, "commit", commit)
        event.remove(app.engine.pool, "checkout", checkout)


def test_a_pass_with_nothing_to_do_keeps_its_record_in_one_read_a_step_and_a_commit_a_step(
    make_app: AppFactory,
) -> None:
    """Its six steps' records: the five jobs' rows read in one query, each step's own row read
    as it starts (another instance may have written it) in the transaction that writes the
    start with the end before it: 1 + 6 reads, 11 rows written in 7 commits, on 8 connections
    (was 35 statements and 12 commits on 23). The whole pass: 37 statements and 11 commits on
    21 connections (was 55 and 16 on 37; sending no longer asks for the newest email a second
    time when none was due); on PostgreSQL each connection taken is a ping, a
    BEGIN and its end, round trips the statements do not count."""
    app, _ = make_app()
    for _ in range(2):  # the day's digest, then the mailbox's state as an idle pass finds it
        passes.run_once(app)
    with _counted(app) as counts:
        report = passes.run_once(app)
    assert not report.errors and report.ingest.stored == 0
    assert counts["job book"] <= 18, counts
    assert counts["statements"] <= 37, counts
    assert counts["commits"] <= 11, counts
    assert counts["connections"] <= 21, counts
