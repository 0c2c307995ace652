"""Running the daemon's jobs so that none ever stops for good, and each says how it went.

Every run of a job: take (or renew) its lease, or skip quietly when another instance holds it;
wait out the backoff after a failure; record the start; run; record success, or the failure as
the exception's type and first line (said as the database's trouble when the database was away
or refusing, so the watchdog tells one outage once: bot.adapters.db.faults.job_error). The
records live in memory first and are written to the database whenever it answers, so a
database outage is remembered and reported once it is back.
When a trouble began is read back from the database as each run starts, so a restart or
another instance taking a job over carries on the same trouble, and its alert is not sent
again (bot.core.carried_trouble).
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Table, Update, bindparam, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.adapters.db.faults import job_error
from bot.adapters.db.models import JobHealth
from bot.clock import Clock
from bot.core.backoff import retry_delay
from bot.core.carried_trouble import carried_trouble
from bot.core.database_trouble import outage_reason
from bot.core.health import JobState
from bot.services.health import job_state
from bot.services.leases import Leases

log = logging.getLogger(__name__)
MAX_BACKOFF_SECONDS = 300


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], object]
    interval: timedelta


class HealthBook:
    """Each job's health in memory, copied to the job_health table whenever it can be."""

    def __init__(
        self, sessions: sessionmaker[Session], holder: str, gap: timedelta = timedelta(minutes=5)
    ) -> None:
        """`gap`: the longest a job may go unrun (a restart, a takeover) and its trouble still
        be the same one: the downtime the digest does not count (bot.services.health)."""
        self.sessions, self.holder, self.gap = sessions, holder, gap
        self._states: dict[str, JobState] = {}
        # Each job's row as read at start-up: used when the database is away as a run starts.
        self._stored: dict[str, JobState] = {}
        self._unsaved: set[str] = set()
        self._lock = threading.Lock()
        # One save at a time. A save that took a job's state before another thread's newer
        # one, but read the row after that had been written, wrote the older state over it,
        # and nothing marked it unsaved: the job showed as started and never finished.
        # Nobody waits for it (see _change): the thread saving writes what others changed.
        self._saving = threading.Lock()

    def register(self, name: str, interval: timedelta) -> None:
        self.register_all({name: interval})

    def register_all(self, intervals: dict[str, timedelta]) -> None:
        """Each job's stored row read in one query (a pass registers every job at once)."""
        stored = self._read_all(intervals)
        with self._lock:
            for name, interval in intervals.items():
                self._states.setdefault(name, JobState(name, interval))
                if name in stored:
                    self._stored[name] = stored[name]

    def state(self, name: str) -> JobState:
        with self._lock:
            return self._states[name]

    def failing(self, name: str) -> bool:
        """Whether the job is failing in memory, or was as its row read at start-up said (an
        earlier run's trouble, for the first good run to clear)."""
        with self._lock:
            found = (self._states.get(name), self._stored.pop(name, None))
        return any(state is not None and state.failures for state in found)

    def states(self) -> tuple[JobState, ...]:
        with self._lock:
            return tuple(self._states.values())

    def started(self, name: str, now: datetime) -> None:
        """The row is read and the start written in one transaction when no other thread is
        saving (one connection, not two: on PostgreSQL each is a ping, a BEGIN and an end);
        else read on its own, and the start left to the thread saving, as any change is."""
        with self._lock:
            old = self._states[name]
        begun: list[bool] = []

        def begin(session: Session | None) -> None:
            stored = self._read_all({name: old.interval}, session).get(name)
            within = max(old.interval, timedelta(seconds=MAX_BACKOFF_SECONDS)) + self.gap
            mine = carried_trouble(old, stored or self._stored.get(name), now, within)
            self._change(
                name,
                save=session is None,
                started_at=now,
                failing_since=mine.failing_since,
                failures=mine.failures,
                last_error=mine.last_error,
            )
            begun.append(True)

        self.save(wait=False, first=begin)
        if not begun:
            begin(None)

    def succeeded(self, name: str, now: datetime, *, save: bool = True) -> None:
        """save=False: kept for the next save, which the caller makes at once (a pass writes a
        step's end with the next step's start: one commit, not two, a moment apart)."""
        self._change(
            name,
            save=save,
            finished_at=now,
            ok_at=now,
            failures=0,
            failing_since=None,
            last_error=None,
        )

    def ran_unanswered(self, name: str, now: datetime) -> None:
        """A run that went well without the database answering its lease (SQLite locked for
        writing lets a read-only run through): it says nothing of the database. A database
        trouble goes on (counted a good run, it moved the outage's start past the first failure,
        and the one outage was alerted again as a new one); the job's own is over."""
        with self._lock:
            old = self._states[name]
        if outage_reason(old.last_error) is not None:
            self._change(name, finished_at=now)
        else:
            self._change(name, finished_at=now, failures=0, failing_since=None, last_error=None)

    def failed(self, name: str, now: datetime, error: str, *, save: bool = True) -> JobState:
        with self._lock:
            old = self._states[name]
        self._change(
            name,
            save=save,
            finished_at=now,
            failures=old.failures + 1,
            failing_since=old.failing_since or now,
            last_error=error,
        )
        return self.state(name)

    def _read_all(
        self, intervals: dict[str, timedelta], session: Session | None = None
    ) -> dict[str, JobState]:
        """The jobs' stored rows, by name, in `session` or one of its own; none when the
        database does not answer (a write after it in `session` then fails too)."""
        try:
            with nullcontext(session) if session is not None else self.sessions() as reading:
                rows = reading.execute(_SELECT, {"names": list(intervals)})
                return {row.name: job_state(row, intervals[row.name]) for row in rows}
        except Exception:  # the database away, in whatever way: memory alone decides
            return {}

    def _change(self, name: str, *, save: bool = True, **values: object) -> None:
        with self._lock:
            self._states[name] = replace(self._states[name], **values)  # type: ignore[arg-type]
            self._unsaved.add(name)
        # Not waiting for another thread's save: with the database away that one waits out
        # SQLite's busy timeout, and every job's run waited behind it, then its own, seconds
        # on every pass. The thread saving writes this change when its own write is done; if
        # it has just finished, the keeper's next save does (nothing is lost, only later).
        if save:
            self.save(wait=False)

    def save(self, *, wait: bool = True, first: Callable[[Session], None] | None = None) -> bool:
        """Write what changed, until nothing is left that another thread changed meanwhile;
        False (and kept for next time) when the database is away, or, with wait=False, when
        another thread is saving (what it has not taken stays unsaved). `first` runs in the
        first write's transaction, before what changed is taken (a start reads its row)."""
        if not self._saving.acquire(blocking=wait):
            return False
        try:
            while first is not None or self._pending():
                if not self._write_all(first):
                    return False
                first = None
            return True
        finally:
            self._saving.release()

    def _pending(self) -> list[JobState]:
        with self._lock:
            return [self._states[n] for n in sorted(self._unsaved)]

    def _write_all(self, first: Callable[[Session], None] | None) -> bool:
        try:
            with self.sessions() as session:
                if first is not None:
                    first(session)
                pending = self._pending()
                for state in pending:
                    _write(session, state, self.holder)
                session.commit()
        except Exception:  # the database away, in whatever way: kept for the next try
            return False
        with self._lock:
            self._unsaved -= {s.name for s in pending if self._states[s.name] == s}
        return True


# Core, not the ORM: the rows are only copied into JobStates, and a pass reads them seven
# times; ORM objects would be built, tracked and thrown away each time.
_TABLE = cast(Table, JobHealth.__table__)
_SELECT = select(_TABLE).where(_TABLE.c.name.in_(bindparam("names", expanding=True)))


def _write(session: Session, state: JobState, holder: str) -> None:
    """An UPDATE by name, without reading the row first: only a job's first save finds none
    and inserts it."""
    values: dict[str, object] = {
        "last_started_at": state.started_at,
        "last_finished_at": state.finished_at,
        "last_ok_at": state.ok_at,
        "failures": state.failures,
        "failing_since": state.failing_since,
        "holder": holder,
    }
    if state.last_error is not None:
        values.update(last_error=state.last_error, last_error_at=state.finished_at)
    elif state.failures == 0:
        values.update(last_error=None)
    changed = session.execute(_update(frozenset(values)), {"job": state.name, **values})
    if not cast("CursorResult[Any]", changed).rowcount:
        session.add(JobHealth(name=state.name, **values))


@functools.cache
def _update(columns: frozenset[str]) -> Update:
    """One statement for each set of columns a save writes (three), built once: building it
    afresh for each save was a third of the save's time."""
    return (
        update(_TABLE)
        .where(_TABLE.c.name == bindparam("job"))
        .values({name: bindparam(name) for name in sorted(columns)})
    )


class JobRunner:
    """Wraps each job so that any exception is recorded, backed off, and never fatal."""

    def __init__(self, book: HealthBook, leases: Leases, wall: Clock) -> None:
        self.book, self.leases, self.wall = book, leases, wall
        self._retry_at: dict[str, datetime] = {}

    def wrap(self, job: Job) -> Callable[[], None]:
        self.book.register(job.name, job.interval)

        def run() -> None:
            self.run_once(job)

        return run

    def run_once(self, job: Job) -> None:
        now = self.wall.now()
        if not self.leases.hold(job.name, now):
            cut = self.leases.cut_off(job.name, now)
            if cut is not None and now >= self._retry_at.get(job.name, now):
                self.failed(job, cut)  # still ours, the database away: a failed run
            return  # else another instance runs it
        if now < self._retry_at.get(job.name, now):
            return  # backing off after a failure
        self.book.started(job.name, now)
        try:
            job.run()
        except Exception as exc:  # any failure is recorded and retried
            self.failed(job, exc)
            return
        if job.name in self.leases.unsure:  # the lease went unanswered: no word on the database
            self.book.ran_unanswered(job.name, self.wall.now())
        else:
            self.book.succeeded(job.name, self.wall.now())
        self._retry_at.pop(job.name, None)

    def failed(self, job: Job, exc: BaseException) -> timedelta:
        """Record a failed run; returns how long to wait before the next try."""
        state = self.book.failed(job.name, self.wall.now(), job_error(exc))
        seconds = max(1, int(job.interval.total_seconds()))
        delay = retry_delay(
            state.failures, base_seconds=seconds, max_seconds=max(seconds, MAX_BACKOFF_SECONDS)
        )
        self._retry_at[job.name] = self.wall.now() + delay - job.interval
        log.warning("job %s failed (%s); trying again in %s", job.name, state.last_error, delay)
        log.debug("job %s failure", job.name, exc_info=exc)
        return delay
