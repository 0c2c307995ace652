"""The daemon's record of its jobs (bot.services.jobs.HealthBook): what the digest and `status`
read back must be each job's latest state, whatever order its threads save in."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.orm import ORMExecuteState

from bot.adapters.db.engine import make_engine, make_sessions
from bot.adapters.db.models import JobHealth, JobLease
from bot.core.health import Snapshot, Thresholds, problems
from bot.services.jobs import HealthBook, Job, JobRunner
from bot.services.leases import Leases
from tests.fixtures.app import AppFactory, Clock
from tests.test_daemon_recovery import database_away


def test_a_finish_saved_while_the_start_is_still_being_saved_is_not_lost(
    make_app: AppFactory,
) -> None:
    """The outbox loop saves its start; before that save has read the row back (a thread
    scheduled late on a loaded machine), the run ends and another thread saves its finish. The
    older save must not have the last word: the job would show as started and never finished,
    and the daemon's own test waited in vain for the outbox's first run (1 in 25-50 runs with
    the suite loading the machine)."""
    app, _ = make_app()
    book = HealthBook(app.sessions, "host:1:ab")
    book.register("outbox", timedelta(seconds=15))
    start = datetime(2026, 12, 23, 9, tzinfo=UTC)
    book.started("outbox", start - timedelta(seconds=15))  # the run before: saved in full
    book.succeeded("outbox", start - timedelta(seconds=14))
    first_flush, finish_tried = threading.Event(), threading.Event()

    def hold_the_first_save(_: ORMExecuteState) -> None:
        # In the save, not the read of the stored row as the run starts.
        if book._saving.locked() and not first_flush.is_set():
            first_flush.set()
            finish_tried.wait(5)  # the start's save has its state, not yet the row

    event.listen(app.sessions, "do_orm_execute", hold_the_first_save)
    started = threading.Thread(target=book.started, args=("outbox", start))
    started.start()
    assert first_flush.wait(5)
    finished = threading.Thread(
        target=book.succeeded, args=("outbox", start + timedelta(seconds=1))
    )
    finished.start()
    finished.join(0.5)  # done by now, or waiting for the start's save to end
    finish_tried.set()
    started.join(10)
    finished.join(10)
    event.remove(app.sessions, "do_orm_execute", hold_the_first_save)

    with app.sessions() as s:
        row = s.scalars(select(JobHealth).where(JobHealth.name == "outbox")).one()
        assert row.last_ok_at == start + timedelta(seconds=1)
        assert row.last_finished_at == start + timedelta(seconds=1)


def test_the_keeper_does_not_wait_behind_another_threads_save(
    make_app: AppFactory,
) -> None:
    app, _ = make_app()
    book = HealthBook(app.sessions, "host:1:ab")
    book.register("digest", timedelta(days=1))
    now = datetime(2026, 12, 23, 9, tzinfo=UTC)
    in_save, release = threading.Event(), threading.Event()

    def hold_the_save(_: ORMExecuteState) -> None:
        if book._saving.locked():  # not the read of the stored row as the run starts
            in_save.set()
            release.wait(5)

    event.listen(app.sessions, "do_orm_execute", hold_the_save)
    saving = threading.Thread(target=book.started, args=("digest", now))
    saving.start()
    assert in_save.wait(5)
    assert book.save(wait=False) is False  # another thread is saving: at once, no wait
    release.set()
    saving.join(10)
    event.remove(app.sessions, "do_orm_execute", hold_the_save)
    with app.sessions() as s:
        row = s.scalars(select(JobHealth).where(JobHealth.name == "digest")).one()
        assert row.last_started_at == now


def test_a_run_does_not_wait_behind_a_save_that_waits_out_the_locked_database(
    migrated_database_url: str,
) -> None:
    """With SQLite locked, a save waits out the busy timeout (30 s by default). Every other
    job's start and end waited for it to give up, then waited out its own: seconds on every
    pass for as long as the outage lasted. Now the run goes on, and what it changed is written
    by the next save once the database is back."""
    if not migrated_database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL refuses a connection at once: no save waits")
    engine = make_engine(migrated_database_url, busy_seconds=4)
    try:
        book = HealthBook(make_sessions(engine), "host:1:ab")
        for name in ("outbox", "mailbox"):
            book.register(name, timedelta(seconds=15))
        now = datetime(2026, 12, 23, 9, tzinfo=UTC)
        with database_away(migrated_database_url):
            saving = threading.Thread(target=book.failed, args=("outbox", now, "locked"))
            saving.start()
            time.sleep(0.5)  # the outbox's save is waiting for the lock
            failing = threading.Thread(target=book.failed, args=("mailbox", now, "locked"))
            failing.start()
            failing.join(2)
            assert not failing.is_alive() and saving.is_alive()
            saving.join(10)
        assert book.save()
        with make_sessions(engine)() as s:
            rows = s.scalars(select(JobHealth).order_by(JobHealth.name)).all()
            assert [(r.name, r.failures) for r in rows] == [("mailbox", 1), ("outbox", 1)]
    finally:
        engine.dispose()


def test_a_read_only_run_through_a_locked_database_does_not_start_the_outage_again(
    migrated_database_url: str,
) -> None:
    """SQLite locked for writing lets a read-only run through (its lease's renewal refused).
    Counted a good run, it said the database had answered: the outage's start moved past the
    first failure, and the one outage was alerted a second time (CI, the daemon's own test).
    A failure of the job's own is over all the same: the run went well."""
    if not migrated_database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL refuses every query of an outage, reading too")
    engine = make_engine(migrated_database_url, busy_seconds=1)
    sessions = make_sessions(engine)
    t0 = datetime(2026, 12, 23, 9, tzinfo=UTC)
    clock = Clock(t0)
    book = HealthBook(sessions, "host:1:ab")
    leases = Leases(sessions, "host:1:ab", seconds=600)
    runner = JobRunner(book, leases, clock)

    def write() -> None:
        with sessions() as s:
            s.execute(update(JobLease).where(JobLease.name == "outbox").values(holder="host:1:ab"))
            s.commit()

    own_trouble = [RuntimeError("the template folder is missing")]

    def read() -> None:
        if own_trouble:
            raise own_trouble.pop()
        with sessions() as s:
            s.scalars(select(JobLease)).all()

    outbox = Job("outbox", write, timedelta(seconds=1))
    digest = Job("digest", read, timedelta(seconds=1))
    for job in (outbox, digest):
        runner.wrap(job)
        assert leases.hold(job.name, t0)
    runner.run_once(digest)  # fails for a reason of its own, before the outage
    try:
        with database_away(migrated_database_url):
            for seconds, job in ((1, outbox), (2, digest), (60, outbox)):
                clock.moment = t0 + timedelta(seconds=seconds)
                runner.run_once(job)
            found = problems(snapshot_of(book, clock.moment))
            database = [p for p in found if p.kind == "database"]
            assert [(p.since, p.detail.endswith("jobs stopped: outbox")) for p in database] == [
                (t0 + timedelta(seconds=1), True)
            ]
            # Its own trouble is over (it ran), though the database said nothing.
            assert [p for p in found if p.job == "digest"] == []
            assert (book.state("digest").failures, book.state("digest").ok_at) == (0, None)
        clock.moment = t0 + timedelta(seconds=61)
        runner.run_once(digest)  # the database answers: a good run, as ever
        assert book.state("digest").ok_at == clock.moment
    finally:
        engine.dispose()


def snapshot_of(book: HealthBook, now: datetime) -> Snapshot:
    limits = Thresholds(timedelta(0), timedelta(hours=1), stall_factor=10)
    return Snapshot(now=now, jobs=book.states(), thresholds=limits)
