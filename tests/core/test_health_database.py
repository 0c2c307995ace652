"""One database outage is one trouble: every job it stops is told in one alert, not one each,
while a job failing for its own reason beside it is still told apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.database_trouble import DatabaseFault, TroubleSoFar, marked, outage_reason
from bot.core.health import (
    JobState,
    Judged,
    Problem,
    Snapshot,
    Thresholds,
    ended,
    ended_key,
    ended_sentence,
    problems,
    read_ended_key,
)
from bot.core.unseen_ends import DETAIL, seen_over

NOW = datetime(2026, 12, 23, 9, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)
LIMITS = Thresholds(alert_after=30 * MIN, outbox_alert_after=60 * MIN, stall_factor=3)
REFUSED = marked(
    DatabaseFault.CONNECTION,
    'OperationalError: connection failed: FATAL: database "tscp" is not accepting connections',
)
LOCKED = marked(DatabaseFault.LOCKED, "OperationalError: database is locked")
IMAP = "MailboxError: IMAP login failed: [AUTHENTICATIONFAILED] Authentication failed."


def failing(name: str, since: datetime, error: str, ok_at: datetime | None = None) -> JobState:
    return JobState(
        name,
        timedelta(seconds=60),
        started_at=NOW - MIN / 2,
        finished_at=NOW - MIN / 2,
        ok_at=ok_at,
        failures=4,
        failing_since=since,
        last_error=error,
    )


def found(*jobs: JobState) -> list[Problem]:
    return problems(Snapshot(NOW, jobs, LIMITS))


def test_three_jobs_the_database_stops_are_one_problem_from_the_first_failure() -> None:
    jobs = (
        failing("outbox", NOW - 40 * MIN, REFUSED),
        failing("mailbox", NOW - 41 * MIN, REFUSED),
        failing("deadline-tick", NOW - 35 * MIN, LOCKED),
    )
    [problem] = found(*jobs)
    assert (problem.kind, problem.job, problem.since) == (
        "database",
        "the database",
        NOW - 41 * MIN,
    )
    assert problem.sentence == (
        "the bot cannot use its database: the connection was lost or refused: OperationalError: "
        'connection failed: FATAL: database "tscp" is not accepting connections; jobs stopped: '
        "mailbox, outbox, deadline-tick"
    )


def test_a_job_failing_for_its_own_reason_beside_the_outage_is_told_apart() -> None:
    jobs = (
        failing("mailbox", NOW - 50 * MIN, IMAP),
        failing("outbox", NOW - 40 * MIN, REFUSED),
        failing("digest", NOW - 40 * MIN, REFUSED),
    )
    assert [(p.kind, p.job) for p in found(*jobs)] == [
        ("database", "the database"),
        ("failing", "mailbox"),
    ]


def test_the_outage_starts_after_the_database_last_answered_not_with_an_older_failure() -> None:
    # The mailbox refused the password from 8:20; the database went away at 8:30, after the
    # outbox's last good run. The outage is not said to have begun at 8:20.
    mailbox = failing("mailbox", NOW - 40 * MIN, REFUSED)
    outbox = failing("outbox", NOW - 30 * MIN + MIN / 6, REFUSED, ok_at=NOW - 31 * MIN)
    assert [p.since for p in found(mailbox, outbox)] == [NOW - 31 * MIN]


def test_a_lock_held_a_moment_is_no_outage_and_a_deadlock_is_the_jobs_own() -> None:
    assert found(failing("outbox", NOW - 29 * MIN, LOCKED)) == []
    deadlock = marked(DatabaseFault.DEADLOCK, "OperationalError: deadlock detected")
    assert [p.kind for p in found(failing("outbox", NOW - 30 * MIN, deadlock))] == ["failing"]


def test_the_mailbox_pass_saying_the_database_is_away_is_the_outage() -> None:
    trouble = TroubleSoFar()
    for _ in range(3):
        trouble.fault(DatabaseFault.LOCKED, "OperationalError: database is locked")
    said = f"DatabaseTrouble: {trouble.line()}"
    assert outage_reason(said) == (
        "a lock held by another session outlasted the wait: OperationalError: database is "
        "locked; 3 stored message(s) wait, uncounted, for the next pass; the pass stopped "
        "after 3 in a row"
    )
    assert [p.kind for p in found(failing("mailbox", NOW - 30 * MIN, said))] == ["database"]
    assert outage_reason(IMAP) is None and outage_reason(None) is None


def test_errors_from_before_the_database_answered_again_are_not_an_outage() -> None:
    # The mailbox failed first and has run well since: the database answers. The outbox's
    # error is from before that, and it waits out its backoff: not the same outage under a
    # later start (alerted again), nor a failure of its own.
    mailbox = JobState("mailbox", timedelta(seconds=60), finished_at=NOW, ok_at=NOW)
    outbox = failing("outbox", NOW - 40 * MIN, REFUSED)
    assert found(mailbox, outbox) == []
    # Failing again after a good run, it is the database's trouble again, from that run.
    ran = NOW - 35 * MIN
    mailbox_before = JobState("mailbox", timedelta(seconds=60), finished_at=ran, ok_at=ran)
    assert [(p.kind, p.since) for p in found(mailbox_before, outbox)] == [("database", ran)]


def test_the_outage_is_over_when_the_database_answers_and_not_while_it_stops_a_job() -> None:
    outage = Problem("database", "the database", NOW - 40 * MIN, "refused; jobs stopped: outbox")
    outbox = Problem("failing", "outbox", NOW - 60 * MIN, "4 failed runs, last: SendError")
    # The outbox's own failure now put down to the database: it does not run again yet.
    assert ended([outbox], [outage]) == []
    assert ended([outage], [outbox]) == [outage]
    assert ended_sentence("database", "the database") == "the database answers again"
    # Its key read back as it was written, for the digest and for a restarted bot.
    assert read_ended_key(ended_key(outage)) == ("database", "the database", NOW - 40 * MIN)


def test_an_outage_alerted_before_a_restart_is_told_over_once_any_job_ran_well() -> None:
    outage = Problem("database", "the database", NOW - 40 * MIN, DETAIL)
    mine = Judged(frozenset({"outbox"}), backlog=True)
    assert seen_over([outage], [], mine, {"outbox": NOW - MIN}) == [outage]
    assert seen_over([outage], [], mine, {"outbox": NOW - 50 * MIN}) == []  # not since
    assert seen_over([outage], [], Judged(frozenset(), backlog=False), {}) == []


def test_a_read_only_failing_or_short_database_is_one_outage_too() -> None:
    """A standby after a failover, a failing disk, a server out of memory: every job meets it,
    so it is one "database" trouble, not one alert per job it stops."""
    for fault in (DatabaseFault.READ_ONLY, DatabaseFault.STORAGE, DatabaseFault.RESOURCES):
        error = marked(fault, "InternalError: the server's words")
        jobs = (failing("outbox", NOW - 40 * MIN, error), failing("digest", NOW - 35 * MIN, error))
        [problem] = found(*jobs)
        assert (problem.kind, problem.since) == ("database", NOW - 40 * MIN)
        assert problem.detail.startswith(f"{fault}: InternalError")
