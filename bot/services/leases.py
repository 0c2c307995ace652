"""Job leases and the heartbeat: one instance runs each scheduled job; others wait to take over.

A lease is a row per job (name, holder, expires_at). Taking or renewing it is one conditional
UPDATE (held by me, or expired); creating it is an INSERT that may lose a race to another
instance, which is a refusal, not an error. The holder renews every few seconds while it is
alive; when it is killed its leases expire and the next instance to try takes them.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.adapters.db.models import BotInstance, JobLease
from bot.core.health import describe, lease_held

log = logging.getLogger(__name__)
FORGET_INSTANCES_AFTER = timedelta(days=30)


def instance_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


@dataclass
class Leases:
    sessions: sessionmaker[Session]
    holder: str
    seconds: int
    # Until when this instance knows it holds each job: used while the database is away.
    held_until: dict[str, datetime] = field(default_factory=dict)
    # Jobs whose lease could not be checked last time, with the database's error.
    unsure: dict[str, SQLAlchemyError] = field(default_factory=dict)
    # Jobs the database has never answered about (this instance started with it away), with
    # when this instance first asked: after a lease's length nobody can be holding them.
    unanswered: dict[str, datetime] = field(default_factory=dict)
    answered: set[str] = field(default_factory=set)

    def mine(self, job: str, now: datetime) -> bool:
        """Held, or perhaps still ours: nobody can have taken it while the database is away."""
        return self.held(job, now) or job in self.unsure

    def hold(self, job: str, now: datetime) -> bool:
        """Take or renew the lease on `job`; False when another live instance holds it."""
        try:
            # A create lost to another thread of this instance (the daemon's keeper and a job
            # loop start together) leaves a row we hold: renew again rather than give up.
            won = self._renew(job, now) or self._create(job, now) or self._renew(job, now)
        except SQLAlchemyError as exc:
            # The database is away: carry on with what we held, until it would have expired.
            log.debug("lease on %s not confirmed: %s", job, describe(exc))
            self.unsure[job] = exc.with_traceback(None)
            if job not in self.answered:
                self.unanswered.setdefault(job, now)
            return self.held(job, now)
        self.unsure.pop(job, None)
        self.unanswered.pop(job, None)
        self.answered.add(job)
        if won:
            self.held_until[job] = now + timedelta(seconds=self.seconds)
        else:
            self.held_until.pop(job, None)
        return won

    def cut_off(self, job: str, now: datetime) -> SQLAlchemyError | None:
        """The database's error when `job` was this instance's as the database stopped
        answering, and its lease has run out since: the job cannot run, and that is its
        failure. It was skipped as if another instance held it, so a database away for longer
        than a lease left every job unfailed and the bot silent while it read no mail.
        So too when this instance started with the database away and has asked for `job` for
        a lease's length without an answer: any lease another instance held has run out by
        then, unrenewed; it was never held, so never cut off, and a daemon started during an
        outage read no mail and told nobody. None for a job another instance took (this one
        stays quiet: the holder alerts), or while the first lease's length is not yet over."""
        asked = self.unanswered.get(job)
        lease = timedelta(seconds=self.seconds)
        if job in self.held_until or (asked is not None and now >= asked + lease):
            return self.unsure.get(job)
        return None

    def held(self, job: str, now: datetime) -> bool:
        return lease_held(self.held_until.get(job), now)

    def _renew(self, job: str, now: datetime) -> bool:
        with self.sessions() as session:
            result = session.execute(
                update(JobLease)
                .where(
                    JobLease.name == job,
                    or_(JobLease.holder == self.holder, JobLease.expires_at <= now),
                )
                .values(holder=self.holder, expires_at=now + timedelta(seconds=self.seconds))
            )
            session.commit()
            return bool(getattr(result, "rowcount", 0) == 1)

    def _create(self, job: str, now: datetime) -> bool:
        with self.sessions() as session:
            if session.get(JobLease, job) is not None:
                return False
            expires = now + timedelta(seconds=self.seconds)
            session.add(JobLease(name=job, holder=self.holder, expires_at=expires))
            try:
                session.commit()
            except IntegrityError:
                return False  # another instance created it first: theirs
            return True

    def release_all(self, now: datetime) -> None:
        """On a clean stop: let another instance take our jobs at once."""
        try:
            with self.sessions() as session:
                session.execute(
                    update(JobLease).where(JobLease.holder == self.holder).values(expires_at=now)
                )
                session.commit()
        except SQLAlchemyError:
            log.warning("could not release the job leases; they expire by themselves")
        self.held_until.clear()


def running_job(session: Session, job: str, now: datetime) -> bool:
    """Whether a running instance holds `job` now: its lease is renewed every few seconds
    while it lives, so an unexpired one means a daemon that will run the job (`now` is the
    wall clock the daemons write their leases by, not a command's --now)."""
    return lease_held(session.scalar(select(JobLease.expires_at).where(JobLease.name == job)), now)


def beat(sessions: sessionmaker[Session], holder: str, started: datetime, now: datetime) -> None:
    """Record that this instance is alive (one row per instance; old rows forgotten)."""
    with sessions() as session:
        row = session.get(BotInstance, holder)
        if row is None:
            host, pid = holder.split(":")[0], os.getpid()
            row = BotInstance(id=holder, host=host, pid=pid, started_at=started, last_seen_at=now)
            session.add(row)
        row.last_seen_at = now
        session.execute(
            delete(BotInstance).where(BotInstance.last_seen_at < now - FORGET_INSTANCES_AFTER)
        )
        session.commit()


def stopped(sessions: sessionmaker[Session], holder: str, now: datetime) -> None:
    try:
        with sessions() as session:
            row = session.get(BotInstance, holder)
            if row is not None:
                row.last_seen_at = row.stopped_at = now
                session.commit()
    except SQLAlchemyError:
        log.warning("could not record the stop")
