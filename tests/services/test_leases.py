"""Job leases: one instance runs each job; its own threads never lock each other out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from bot.adapters.db.engine import make_engine, make_sessions, migrate
from bot.adapters.db.models import JobLease
from bot.services.leases import Leases, running_job
from tests.test_daemon_recovery import database_away

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


class _KeeperWinsTheInsert(Leases):
    """The race seen under load: the daemon's keeper and the outbox loop both find no lease
    row; the keeper (same instance) inserts it first, so this thread's insert is refused."""

    def _renew(self, job: str, now: datetime) -> bool:
        if not getattr(self, "raced", False):
            self.raced = True
            keeper = Leases(self.sessions, self.holder, self.seconds)
            assert keeper.hold(job, now)
            return False  # this thread looked before the keeper's row was there
        return super()._renew(job, now)


def test_a_lease_taken_by_another_thread_of_this_instance_is_still_ours(
    migrated_database_url: str,
) -> None:
    engine = make_engine(migrated_database_url)
    try:
        migrate(engine)
        sessions = make_sessions(engine)
        leases = _KeeperWinsTheInsert(sessions, "instance-a", 60)
        # Before the fix the loser answered False and the outbox loop slept a whole interval.
        assert leases.hold("outbox", NOW)
        with sessions() as s:
            assert s.scalars(select(JobLease.holder)).all() == ["instance-a"]
        other = Leases(sessions, "instance-b", 60)
        assert not other.hold("outbox", NOW)  # another instance is still kept out
    finally:
        engine.dispose()


def test_a_job_is_running_while_its_lease_is_unexpired(migrated_database_url: str) -> None:
    # What `outbox approve` tells the person: a running bot will send it, or none will.
    engine = make_engine(migrated_database_url)
    try:
        migrate(engine)
        sessions = make_sessions(engine)
        with sessions() as s:
            assert not running_job(s, "outbox", NOW)  # no instance has ever run it
        assert Leases(sessions, "instance-a", 60).hold("outbox", NOW)
        with sessions() as s:
            assert running_job(s, "outbox", NOW + timedelta(seconds=59))
            assert not running_job(s, "outbox", NOW + timedelta(seconds=61))  # killed, lapsed
            assert not running_job(s, "digest", NOW)
        Leases(sessions, "instance-a", 60).release_all(NOW + timedelta(seconds=5))
        with sessions() as s:
            assert not running_job(s, "outbox", NOW + timedelta(seconds=6))  # stopped cleanly
    finally:
        engine.dispose()


def test_the_moment_a_lease_ends_another_instance_may_take_it(migrated_database_url: str) -> None:
    # One rule for "held": the instant `status` and `outbox approve` stop counting a job as
    # running is the instant another instance may take it over, never a gap between the two.
    engine = make_engine(migrated_database_url)
    try:
        migrate(engine)
        sessions = make_sessions(engine)
        assert Leases(sessions, "instance-a", 60).hold("outbox", NOW)
        ended = NOW + timedelta(seconds=60)
        with sessions() as s:
            assert not running_job(s, "outbox", ended)
        assert Leases(sessions, "instance-b", 60).hold("outbox", ended)
        with sessions() as s:
            assert s.scalars(select(JobLease.holder)).all() == ["instance-b"]
    finally:
        engine.dispose()


def test_an_outage_fails_the_job_on_the_holder_or_an_instance_that_never_learnt_of_one(
    migrated_database_url: str,
) -> None:
    # One alert per trouble: an instance that saw another hold the mailbox stays quiet (the
    # holder's job fails); one started during the outage learns of no holder, and after a
    # lease's length no lease can be running unrenewed: its job fails, so it alerts.
    engine = make_engine(migrated_database_url, busy_seconds=1)
    try:
        sessions = make_sessions(engine)
        holder = Leases(sessions, "instance-a", 60)
        beside = Leases(sessions, "instance-b", 60)
        assert holder.hold("mailbox", NOW) and not beside.hold("mailbox", NOW)
        started = Leases(sessions, "instance-c", 60)
        with database_away(migrated_database_url):
            assert not started.hold("mailbox", NOW + timedelta(seconds=1))
            assert started.cut_off("mailbox", NOW + timedelta(seconds=60)) is None  # may be held
            later = NOW + timedelta(seconds=61)
            for leases in (holder, beside, started):
                assert not leases.hold("mailbox", later)
            assert isinstance(holder.cut_off("mailbox", later), OperationalError)
            assert beside.cut_off("mailbox", later) is None
            assert isinstance(started.cut_off("mailbox", later), OperationalError)
    finally:
        engine.dispose()
