"""The daemon's health judged from data: failing, stalled, mail waiting, and downtime."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.carried_trouble import carried_trouble
from bot.core.health import (
    JobState,
    Judged,
    Problem,
    Snapshot,
    Thresholds,
    downtime,
    ended,
    ended_key,
    ended_sentence,
    error_summary,
    lease_held,
    problems,
    read_ended_key,
    unseen,
)

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)
LIMITS = Thresholds(alert_after=30 * MIN, outbox_alert_after=60 * MIN, stall_factor=3)


def job(**kw: object) -> JobState:
    return JobState("mailbox", timedelta(seconds=60), **kw)  # type: ignore[arg-type]


def kinds(*jobs: JobState, oldest: datetime | None = None) -> list[str]:
    snap = Snapshot(NOW, jobs, LIMITS, outbox_oldest_pending=oldest, outbox_pending=2)
    return [p.kind for p in problems(snap)]


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (job(), []),
        (job(started_at=NOW - MIN, finished_at=NOW - MIN / 2, ok_at=NOW - MIN / 2), []),
        # failing, but not yet for long enough
        (job(failures=3, failing_since=NOW - 29 * MIN, last_error="E"), []),
        (job(failures=9, failing_since=NOW - 30 * MIN, last_error="E"), ["failing"]),
        # running: within 3 intervals fine, beyond it stalled
        (job(started_at=NOW - 2 * MIN, finished_at=NOW - 3 * MIN), []),
        (job(started_at=NOW - 4 * MIN, finished_at=NOW - 5 * MIN), ["stalled"]),
        (job(started_at=NOW - 4 * MIN), ["stalled"]),
        # finished long ago and idle since: not running, so not stalled
        (job(started_at=NOW - 9 * MIN, finished_at=NOW - 8 * MIN), []),
    ],
)
def test_job_conditions(state: JobState, expected: list[str]) -> None:
    assert kinds(state) == expected


def test_outbox_waiting_too_long() -> None:
    assert kinds(oldest=NOW - 59 * MIN) == []
    assert kinds(oldest=NOW - 61 * MIN) == ["outbox"]


def test_an_episode_is_named_by_its_job_and_start() -> None:
    failing = job(failures=2, failing_since=NOW - 40 * MIN, last_error="E")
    later = Snapshot(NOW + 5 * MIN, (failing,), LIMITS)
    first, again = problems(Snapshot(NOW, (failing,), LIMITS)), problems(later)
    assert first[0].episode == again[0].episode == "failing:mailbox:2026-12-02T08:20:00+00:00"
    anew = job(failures=1, failing_since=NOW, last_error="E")
    assert problems(Snapshot(NOW + 31 * MIN, (anew,), LIMITS))[0].episode != first[0].episode


def test_downtime_between_instances_and_until_now() -> None:
    h = timedelta(hours=1)
    runs = [(NOW - 10 * h, NOW - 8 * h), (NOW - 5 * h, NOW - 3 * h), (NOW - 4 * h, NOW - 2 * h)]
    assert downtime(runs, NOW, 10 * MIN) == [(NOW - 8 * h, NOW - 5 * h), (NOW - 2 * h, NOW)]
    assert downtime([(NOW - h, NOW - MIN)], NOW, 10 * MIN) == []
    assert downtime([], NOW, 10 * MIN) == []


def test_error_summary_drops_sql_and_detail_lines() -> None:
    message = "duplicate key value\nDETAIL:  Key (email)=(a.person@example.org) exists. [SQL: X]"
    assert error_summary("IntegrityError", message) == "IntegrityError: duplicate key value"
    locked = "database is locked [SQL: UPDATE job_leases SET holder=?] [parameters: ('x',)]"
    assert error_summary("OperationalError", locked) == "OperationalError: database is locked"
    assert len(error_summary("E", "x" * 500)) == 160


TOKEN_ERROR = (
    "MailboxError: no OAuth token: Entra ID refused the client secret for app a-1 in tenant "
    "t-1: AADSTS7000222: The provided client secret keys are expired."
)


def test_a_token_that_cannot_be_had_is_one_problem_at_once_naming_what_to_renew() -> None:
    mailbox = job(failures=1, failing_since=NOW - MIN / 2, last_error=TOKEN_ERROR)
    outbox = JobState("outbox", timedelta(seconds=10), failures=1, failing_since=NOW,
                      last_error=TOKEN_ERROR)  # fmt: skip
    found = problems(Snapshot(NOW, (mailbox, outbox), LIMITS, secret_env="TSCP_ENTRA_SECRET"))
    assert [p.kind for p in found] == ["token"]  # once, not once per job, and not in 30 min
    assert found[0].since == NOW - MIN / 2
    assert found[0].sentence == (
        "the bot cannot get a Microsoft 365 token: Entra ID refused the client secret for app "
        "a-1 in tenant t-1: AADSTS7000222: The provided client secret keys are expired.; the "
        "client secret may have expired: renew it in Entra ID and update the TSCP_ENTRA_SECRET "
        "environment variable"
    )


def test_a_certificate_login_is_told_to_renew_the_certificate() -> None:
    mailbox = job(failures=1, failing_since=NOW, last_error=TOKEN_ERROR)
    [found] = problems(Snapshot(NOW, (mailbox,), LIMITS, uses_secret=False))
    assert "upload a new one to the app registration" in found.sentence


def test_entra_id_not_reached_is_a_network_problem_not_an_expired_secret() -> None:
    error = (
        "MailboxError: no OAuth token: cannot reach https://login.microsoftonline.com/t-1: "
        "connection timed out"
    )
    mailbox = job(failures=1, failing_since=NOW, last_error=error)
    [found] = problems(Snapshot(NOW, (mailbox,), LIMITS, secret_env="TSCP_ENTRA_SECRET"))
    assert found.sentence.endswith(
        "connection timed out; Entra ID could not be reached from this machine: check its "
        "network, DNS and any proxy (the credential was never tried)"
    )
    assert "expired" not in found.sentence


def test_error_summary_keeps_entra_ids_reason_whole() -> None:
    long = "IMAP login on mail.example.org:993/INBOX failed: " + TOKEN_ERROR.split(": ", 1)[1]
    summary = error_summary(
        "MailboxError", long + " (the client secret has expired; add a new one)"
    )
    assert summary.startswith("MailboxError: no OAuth token: Entra ID refused")
    assert summary.endswith("(the client secret has expired; add a new one)")


def test_a_lease_binds_until_the_instant_it_ends() -> None:
    assert lease_held(NOW + MIN, NOW)
    assert not lease_held(NOW, NOW)  # free to take over at its end, not a moment later
    assert not lease_held(NOW - MIN, NOW)
    assert not lease_held(None, NOW)  # never taken


def test_a_stored_trouble_goes_on_after_a_short_gap_and_not_after_a_long_one() -> None:
    """A restart (or another instance taking over) within `within` of the stored failure
    carries its start, so its alert is the same episode; after a longer gap the bot was down
    and a failure now is a new trouble, told again."""
    fresh = job()
    stored = job(finished_at=NOW - 5 * MIN, failures=4, failing_since=NOW - 40 * MIN)
    carried = carried_trouble(fresh, stored, NOW, 10 * MIN)
    assert (carried.failing_since, carried.failures) == (NOW - 40 * MIN, 4)
    assert carried_trouble(fresh, stored, NOW, 4 * MIN).failing_since is None


def test_another_instances_success_ends_this_ones_trouble_and_its_own_row_changes_nothing() -> None:
    mine = job(finished_at=NOW - 9 * MIN, failures=2, failing_since=NOW - 10 * MIN)
    well = job(finished_at=NOW - MIN, ok_at=NOW - MIN)
    assert carried_trouble(mine, well, NOW, 10 * MIN).failing_since is None
    # A row older than this instance's memory (a save the database did not take) is not news.
    mended = job(finished_at=NOW - MIN, ok_at=NOW - MIN)
    older = job(finished_at=NOW - 2 * MIN, failures=3, failing_since=NOW - 20 * MIN)
    assert carried_trouble(mended, older, NOW, 10 * MIN) == mended


def test_a_trouble_is_over_only_when_nothing_of_it_goes_on() -> None:
    at = datetime(2026, 12, 23, 6, 40, tzinfo=UTC)
    later = at + timedelta(minutes=30)
    failing = Problem("failing", "mailbox", at, "3 failed runs")
    waiting = Problem("outbox", "outbox", at, "3 emails")
    token = Problem("token", "Microsoft 365 sign-in", later, "expired")
    assert ended([failing, waiting], []) == [failing, waiting]
    assert ended([failing, waiting], [failing, waiting]) == []
    # The oldest email sent, the next one also waiting too long: the outbox is still stuck.
    assert ended([waiting], [Problem("outbox", "outbox", later, "2 emails")]) == []
    # The mailbox's failures now put down to the sign-in: it does not work again.
    assert ended([failing], [token]) == []
    assert ended([token], []) == [token]
    assert ended_sentence("outbox", "outbox") == "emails are going out again"
    assert read_ended_key(ended_key(failing)) == ("failing", "mailbox", at)
    assert read_ended_key("alert:failing:mailbox:2026-12-23T06:40:00+00:00") is None


def test_a_trouble_the_check_could_not_see_is_not_taken_for_over() -> None:
    at = datetime(2026, 12, 23, 6, 40, tzinfo=UTC)
    failing = Problem("failing", "mailbox", at, "3 failed runs")
    waiting = Problem("outbox", "outbox", at, "3 emails")
    away = Judged(frozenset({"mailbox"}), backlog=False)  # the database away
    assert ended([failing, waiting], [], away) == [failing]
    elsewhere = Judged(frozenset({"outbox"}), backlog=True)  # the mailbox job held elsewhere
    assert ended([failing, waiting], [], elsewhere) == [waiting]
    assert unseen([failing, waiting], away) == [waiting]
    assert unseen([failing, waiting], elsewhere) == [failing]
    token = Problem("token", "Microsoft 365 sign-in", at, "AADSTS7000215")
    lapsed = Judged(frozenset(), backlog=True)  # every lease lapsed: no job held
    assert unseen([token, waiting], lapsed) == [token]
    assert unseen([token], None) == []  # None: the check saw everything
