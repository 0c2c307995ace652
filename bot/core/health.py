"""Is the daemon healthy? A frozen snapshot of its jobs in, the problems worth an alert out.

Four conditions, each an alert once per episode (the episode key names the job and when the
trouble began, so a job that recovers and fails again is a new episode):
  failing   a job has failed on every run for longer than `alert_after` (for the mailbox job
            that is also an IMAP login or mailbox that keeps failing);
  stalled   a job this instance holds started and has not finished within its interval times
            `stall_factor` (a hung mailbox pass, a blocked database);
  outbox    the oldest email waiting to be sent has waited longer than `outbox_alert_after`
            (statutory mail that cannot go out);
  (and, for the digest) gaps in the heartbeat: when no instance was running at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class JobState:
    name: str
    interval: timedelta
    started_at: datetime | None = None
    finished_at: datetime | None = None  # the end of the last run, good or bad
    ok_at: datetime | None = None
    failures: int = 0  # consecutive
    failing_since: datetime | None = None
    last_error: str | None = None

    @property
    def running(self) -> bool:
        return self.started_at is not None and (
            self.finished_at is None or self.finished_at < self.started_at
        )


@dataclass(frozen=True)
class Thresholds:
    alert_after: timedelta
    outbox_alert_after: timedelta
    stall_factor: int


@dataclass(frozen=True)
class Snapshot:
    now: datetime
    jobs: tuple[JobState, ...]
    thresholds: Thresholds
    outbox_oldest_pending: datetime | None = None
    outbox_pending: int = 0


@dataclass(frozen=True)
class Problem:
    kind: str  # failing | stalled | outbox
    job: str
    since: datetime
    detail: str

    @property
    def episode(self) -> str:
        """Names this episode: the same trouble continuing has the same key."""
        return f"{self.kind}:{self.job}:{self.since.isoformat(timespec='seconds')}"

    @property
    def sentence(self) -> str:
        return {
            "failing": f"the {self.job} job keeps failing: {self.detail}",
            "stalled": f"the {self.job} job has not finished: {self.detail}",
            "outbox": f"emails are waiting to be sent: {self.detail}",
        }[self.kind]


def problems(snapshot: Snapshot) -> list[Problem]:
    found = [p for job in snapshot.jobs for p in _job_problems(job, snapshot)]
    return found + _outbox_problem(snapshot)


def _job_problems(job: JobState, snapshot: Snapshot) -> list[Problem]:
    found = []
    limit = snapshot.thresholds
    if job.failing_since is not None and snapshot.now - job.failing_since >= limit.alert_after:
        tries = f"{job.failures} failed run{'' if job.failures == 1 else 's'}"
        found.append(
            Problem("failing", job.name, job.failing_since, f"{tries}, last: {job.last_error}")
        )
    if stalled(job, snapshot.now, limit.stall_factor):
        assert job.started_at is not None
        found.append(Problem("stalled", job.name, job.started_at, "running for too long"))
    return found


def stalled(job: JobState, now: datetime, factor: int) -> bool:
    """A run that began and has not ended within its interval times `factor`."""
    return (
        job.running and job.started_at is not None and now - job.started_at > job.interval * factor
    )


def _outbox_problem(snapshot: Snapshot) -> list[Problem]:
    oldest = snapshot.outbox_oldest_pending
    if oldest is None or snapshot.now - oldest < snapshot.thresholds.outbox_alert_after:
        return []
    count = snapshot.outbox_pending
    detail = f"{count} email{'' if count == 1 else 's'}, the oldest since {oldest:%Y-%m-%d %H:%M}"
    return [Problem("outbox", "outbox", oldest, detail + " (UTC)")]


def downtime(
    runs: Sequence[tuple[datetime, datetime]], now: datetime, gap: timedelta
) -> list[tuple[datetime, datetime]]:
    """Spans of more than `gap` when no instance was running, from (started, last seen) pairs.

    The span still open at `now` ends at `now`.
    """
    spans: list[tuple[datetime, datetime]] = []
    seen_until: datetime | None = None
    for started, last_seen in sorted(runs):
        if seen_until is not None and started - seen_until > gap:
            spans.append((seen_until, started))
        seen_until = last_seen if seen_until is None else max(seen_until, last_seen)
    if seen_until is not None and now - seen_until > gap:
        spans.append((seen_until, now))
    return spans


def error_summary(kind: str, message: str, *, limit: int = 160) -> str:
    """The exception type and the first line of its message, short: never the SQL, the
    parameters or a server's DETAIL line, which may carry a person's details."""
    first = (message.strip().splitlines() or [""])[0].split("[SQL:")[0].strip()
    text = f"{kind}: {first}" if first else kind
    return text if len(text) <= limit else text[: limit - 3] + "..."
