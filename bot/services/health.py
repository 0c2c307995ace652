"""Gathering the daemon's health for bot.core.health: from memory (the watchdog) or the database
(`status` and the digest)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import func, select

from bot.adapters.db import read_tables
from bot.adapters.db.read_tables import BOT_INSTANCES, JOB_HEALTH, MAILBOX_STATE
from bot.core.health import (
    JobState,
    Snapshot,
    Thresholds,
    downtime,
    ended_sentence,
    read_ended_key,
)

if TYPE_CHECKING:
    from sqlalchemy import Connection, Row
    from sqlalchemy.orm import Session

    from bot.clock import Clock
    from bot.config import Config
    from bot.services.digest_types import TroubleEnded


class App(Protocol):
    """What these read of the app: its config and clock (`status` passes no more, to load no
    ORM; see bot.services.status)."""

    @property
    def config(self) -> Config: ...

    @property
    def clock(self) -> Clock: ...


# Read in SQLAlchemy Core, as the models read these columns (tests/adapters/test_read_tables.py).

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


def outbox_backlog(session: Connection | Session) -> tuple[int, datetime | None]:
    """Emails waiting to be sent (drafts wait for a person, not the bot) and the oldest."""
    count, oldest = session.execute(
        select(func.count(), func.min(read_tables.OUTBOX.c.created_at)).where(
            read_tables.OUTBOX.c.status == "pending"
        )
    ).one()
    return int(count or 0), oldest


# A never-tried email queued this recently goes with the next send (the daemon's outbox job
# within seconds, a `run --once` pass's last step): not stuck, whatever the digest says.
JUST_QUEUED = timedelta(minutes=5)


def outbox_waiting(session: Connection | Session, now: datetime) -> tuple[int, int]:
    """The digest's outbox line: (emails waiting, emails just queued that go with this send).
    Waiting: tried and not gone, held for later, or queued long enough ago to have gone."""
    box = read_tables.OUTBOX.c
    fresh = (
        (box.attempts == 0) & (box.next_attempt_at <= now) & (box.created_at >= now - JUST_QUEUED)
    )
    total, going = session.execute(
        select(func.count(), func.count().filter(fresh)).where(box.status == "pending")
    ).one()
    return int(total or 0) - int(going or 0), int(going or 0)


def snapshot(
    app: App, jobs: tuple[JobState, ...], now: datetime, session: Connection | Session | None
) -> Snapshot:
    """`now` is the wall clock the jobs' times are written by; the outbox's age is measured on
    the app's clock its times are written by (the same clock in service; a rehearsal's or a
    test's own clock otherwise)."""
    count, oldest = outbox_backlog(session) if session is not None else (0, None)
    ms = app.config.microsoft
    return Snapshot(
        now=now,
        jobs=jobs,
        thresholds=thresholds(app),
        outbox_oldest_pending=oldest,
        outbox_pending=count,
        outbox_now=app.clock.now(),
        secret_env=ms.client_secret_env if ms is not None else None,
        uses_secret=ms is None or ms.client_secret is not None,
    )


def stored_jobs(session: Connection | Session, app: App) -> tuple[JobState, ...]:
    """Each job's health as the instance running it last recorded it."""
    every = intervals(app)
    rows = session.execute(select(JOB_HEALTH).order_by(JOB_HEALTH.c.name)).all()
    default = timedelta(seconds=app.config.daemon.jobs_every_seconds)
    return tuple(job_state(r, every.get(r.name, default)) for r in rows)


def job_state(row: Row[Any], interval: timedelta) -> JobState:
    """A job's health from its job_health row, the job running every `interval`."""
    return JobState(
        name=row.name,
        interval=interval,
        started_at=row.last_started_at,
        finished_at=row.last_finished_at,
        ok_at=row.last_ok_at,
        failures=row.failures,
        failing_since=row.failing_since,
        last_error=row.last_error,
    )


def not_running(
    session: Connection | Session, app: App, now: datetime, *, within: timedelta
) -> list[tuple[datetime, datetime]]:
    """When no instance was running, in the last `within` (gaps longer than a few heartbeats)."""
    seen = BOT_INSTANCES.c
    runs = [
        (r.started_at, r.last_seen_at)
        for r in session.execute(
            select(seen.started_at, seen.last_seen_at).where(seen.last_seen_at >= now - within)
        )
    ]
    return [span for span in downtime(runs, now, downtime_gap(app)) if span[1] >= now - within]


def downtime_gap(app: App) -> timedelta:
    """The longest no instance may be heard from before it counts as downtime: also how long a
    job may go unrun (a restart, a takeover) and its trouble still be the same one."""
    return timedelta(seconds=max(app.config.daemon.lease_seconds * 3, 300))


def reading_record(db: Connection | Session, mailbox: str) -> tuple[str | None, datetime | None]:
    """The reading process's record on the mailbox's row (bot.services.reading): why it does
    not work and since when; (None, None) while it works, or before the first pass."""
    state = MAILBOX_STATE.c
    row = db.execute(
        select(state.reading_broken, state.reading_broken_since).where(state.name == mailbox)
    ).first()
    return (None, None) if row is None else (row[0], row[1])


def troubles_ended(db: Connection | Session, since: datetime, now: datetime) -> list[TroubleEnded]:
    """The alerted troubles seen over since `since` and before `now` (the last digest's moment
    and this one's: each in one digest), oldest first, from their "trouble ended" emails
    (bot.services.alerts), each once however many instances saw it."""
    sent = read_tables.OUTBOX.c
    rows = db.execute(
        select(sent.idempotency_key, sent.created_at)
        .where(sent.event == "system_recovered", sent.created_at >= since, sent.created_at < now)
        .order_by(sent.id)
    )
    found: list[TroubleEnded] = []
    for key, at in rows:
        if (trouble := read_ended_key(key)) is not None:
            kind, job, began = trouble
            found.append({"sentence": ended_sentence(kind, job), "since": began, "at": at})
    return found
