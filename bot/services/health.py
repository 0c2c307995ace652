"""Gathering the daemon's health for bot.core.health: from memory (the watchdog) or the database
(`status` and the digest)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.adapters.db.models import BotInstance, JobHealth, OutboxMessage
from bot.app import App
from bot.core.health import JobState, Snapshot, Thresholds, downtime

OUTBOX, TICK, REMINDERS, DIGEST, MAILBOX = (
    "outbox",
    "deadline-tick",
    "reminders",
    "digest",
    "mailbox",
)
JOB_NAMES = (MAILBOX, OUTBOX, TICK, REMINDERS, DIGEST)


def intervals(app: App) -> dict[str, timedelta]:
    every = timedelta(seconds=app.config.daemon.jobs_every_seconds)
    return {
        MAILBOX: timedelta(seconds=app.config.mailbox.poll_seconds),
        OUTBOX: timedelta(seconds=app.config.daemon.outbox_every_seconds),
        TICK: every,
        REMINDERS: every,
        DIGEST: every,
    }


def thresholds(app: App) -> Thresholds:
    return Thresholds(
        alert_after=timedelta(minutes=app.config.daemon.alert_after_minutes),
        outbox_alert_after=timedelta(minutes=app.config.outgoing.alert_after_minutes),
        stall_factor=app.config.daemon.stall_factor,
    )


def outbox_backlog(session: Session) -> tuple[int, datetime | None]:
    """Emails waiting to be sent (drafts wait for a person, not the bot) and the oldest."""
    count, oldest = session.execute(
        select(func.count(), func.min(OutboxMessage.created_at)).where(
            OutboxMessage.status == "pending"
        )
    ).one()
    return int(count or 0), oldest


def snapshot(
    app: App, jobs: tuple[JobState, ...], now: datetime, session: Session | None
) -> Snapshot:
    """`now` is the wall clock; the outbox's age is measured on the app's clock it was
    written by, then placed on the wall clock."""
    count, oldest = outbox_backlog(session) if session is not None else (0, None)
    if oldest is not None:
        oldest = now - (app.clock.now() - oldest)
    ms = app.config.microsoft
    return Snapshot(
        now=now,
        jobs=jobs,
        thresholds=thresholds(app),
        outbox_oldest_pending=oldest,
        outbox_pending=count,
        secret_env=ms.client_secret_env if ms is not None else None,
        uses_secret=ms is None or ms.client_secret is not None,
    )


def stored_jobs(session: Session, app: App) -> tuple[JobState, ...]:
    """Each job's health as the instance running it last recorded it."""
    every = intervals(app)
    rows = session.scalars(select(JobHealth).order_by(JobHealth.name)).all()
    return tuple(
        JobState(
            name=r.name,
            interval=every.get(r.name, timedelta(seconds=app.config.daemon.jobs_every_seconds)),
            started_at=r.last_started_at,
            finished_at=r.last_finished_at,
            ok_at=r.last_ok_at,
            failures=r.failures,
            failing_since=r.failing_since,
            last_error=r.last_error,
        )
        for r in rows
    )


def not_running(
    session: Session, app: App, now: datetime, *, within: timedelta
) -> list[tuple[datetime, datetime]]:
    """When no instance was running, in the last `within` (gaps longer than a few heartbeats)."""
    runs = [
        (r.started_at, r.last_seen_at)
        for r in session.scalars(
            select(BotInstance).where(BotInstance.last_seen_at >= now - within)
        )
    ]
    gap = timedelta(seconds=max(app.config.daemon.lease_seconds * 3, 300))
    return [span for span in downtime(runs, now, gap) if span[1] >= now - within]
