"""The digest's health section from what the daemon recorded: jobs failing or stalled, and
when no bot was running."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.adapters.db.models import BotInstance, JobHealth
from bot.services.digest import digest_context
from tests.fixtures.app import AppFactory


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
