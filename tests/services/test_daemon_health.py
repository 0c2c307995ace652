"""The digest's health section from what the daemon recorded: jobs failing or stalled, and
when no bot was running."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.adapters.db.models import BotInstance, JobHealth
from bot.services.digest import digest_context
from tests.fixtures.app import AppFactory
from tests.fixtures.outbox_rows import invented_alert


def test_digest_health_names_a_failing_job_and_a_gap_in_the_heartbeat(
    make_app: AppFactory,
) -> None:
    app, clock = make_app()
    now = datetime.now(UTC)
    hour = timedelta(hours=1)
    with app.sessions() as s:
        s.add(
            JobHealth(
                name="reminders",
                last_started_at=now - hour,
                last_finished_at=now - hour,
                failures=12,
                failing_since=now - 3 * hour,
                last_error="OperationalError: database is locked",
            )
        )
        s.add(JobHealth(name="outbox", last_started_at=now - hour, last_ok_at=now - 2 * hour))
        for n, (start, seen) in enumerate([(30 * hour, 20 * hour), (5 * hour, 0 * hour)]):
            s.add(
                BotInstance(
                    id=f"host:{n}:ab",
                    host="host",
                    pid=n,
                    started_at=now - start,
                    last_seen_at=now - seen,
                )
            )
        s.commit()
        health = digest_context(s, app, date(2026, 12, 23), clock.now())["health"]
    sentences = [p["sentence"] for p in health["problems"]]
    assert sentences == [
        "the outbox job has not finished: running for too long",
        "the reminders job keeps failing: 12 failed runs, last: "
        "OperationalError: database is locked",
    ]
    [gap] = health["not_running"]
    assert gap["start"] == now - 20 * hour and gap["end"] == now - 5 * hour


def test_an_email_waiting_too_long_is_dated_by_the_clock_that_wrote_it(
    make_app: AppFactory,
) -> None:
    """The outbox's times are the app's clock, which a rehearsal (`--now`) or a test sets apart
    from the wall clock the jobs use: the digest says the email has waited since it was queued,
    not that moment shifted by however far the two clocks lie apart (the same digest written a
    minute later by the wall clock read a minute later)."""
    app, clock = make_app("2027-01-07T10:00")
    queued = clock.now() - timedelta(hours=2)
    with app.sessions() as s:
        s.add(invented_alert("waiting", queued))
        s.commit()
        health = digest_context(s, app, date(2027, 1, 7), clock.now())["health"]
    assert [(p["sentence"], p["since"]) for p in health["problems"]] == [
        ("emails are waiting to be sent: 1 email, the oldest waiting over 1 hour", queued)
    ]
