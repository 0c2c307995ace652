"""Is the daemon healthy? A frozen snapshot of its jobs in, the problems worth an alert out.

Five conditions, each an alert once per episode (keyed by the job and when its trouble began):
  failing   a job has failed on every run for longer than `alert_after` (for the mailbox job
            that is also an IMAP login or mailbox that keeps failing);
  stalled   a job this instance holds started and has not finished within its interval times
            `stall_factor` (a hung mailbox pass, a blocked database);
  outbox    the oldest email waiting to be sent has waited longer than `outbox_alert_after`
            (statutory mail that cannot go out);
  token     a job failed because no Microsoft 365 access token could be had (an expired or
            deleted client secret, a revoked consent): alerted at once, since waiting does not
            mend it, and named plainly with what to renew;
  database  jobs failed because the database was away or refused them (bot.core.database_trouble):
            one outage is one alert, not one for every job it stops;
  reading   the reading process does not work, recorded on the mailbox's row for longer than
            `alert_after` (bot.core.reading_trouble: not from the jobs, so not in `problems`);
  (and, for the digest) gaps in the heartbeat: when no instance was running at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.database_trouble import outage_reason, shared_unknown, unknown_error
from bot.core.error_words import describe as describe
from bot.core.error_words import error_summary as error_summary
from bot.core.reading import reading_problem
from bot.core.token_trouble import token_advice, token_reason


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
    # The app's clock, which writes the outbox's times (the wall clock writes the jobs').
    outbox_now: datetime | None = None
    # How the [microsoft] app signs in, for the advice when its token cannot be had.
    secret_env: str | None = None
    uses_secret: bool = True


@dataclass(frozen=True)
class Problem:
    kind: str  # failing | stalled | outbox | token | database | refused | reading
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
            "token": f"the bot cannot get a Microsoft 365 token: {self.detail}",
            "database": f"the bot cannot use its database: {self.detail}",
            "refused": f"the database refuses the bot's work: {self.detail}",
            # The words `status` and the digest use; the detail is why, as the log says it.
            "reading": reading_problem(self.detail),
        }[self.kind]


_ENDED = {
    "failing": "the {job} job runs again",
    "stalled": "the {job} job finishes again",
    "outbox": "emails are going out again",
    "token": "the bot can sign in to Microsoft 365 again",
    "database": "the database answers again",
    "refused": "the database takes the bot's work again",
    "reading": "the reading process works again",
}
# One trouble outside the jobs that stands for every job it stops: its problem's job.
SHARED = {"token": "Microsoft 365 sign-in", "database": "the database", "refused": "the database"}


def ended_sentence(kind: str, job: str) -> str:
    """What a trouble of `kind` ending means, in the words of its alert turned round."""
    return _ENDED.get(kind, "the trouble with the {job} job is over").format(job=job)


ENDED_KEY = "alert-ended:"


def ended_key(problem: Problem) -> str:
    """The idempotency key of the email saying `problem` is over: one per episode."""
    return f"{ENDED_KEY}{problem.episode}"


def read_ended_key(key: str) -> tuple[str, str, datetime] | None:
    """(kind, job, since) of the trouble an ended_key names; None for any other key."""
    kind, _, rest = key.removeprefix(ENDED_KEY).partition(":")
    job, _, since = rest.partition(":")
    if not key.startswith(ENDED_KEY) or not kind or not job:
        return None
    try:
        return kind, job, datetime.fromisoformat(since)
    except ValueError:
        return None


@dataclass(frozen=True)
class Judged:
    """What one instance's check could see: the jobs it holds (another instance judges the
    rest), and whether it read the outbox's backlog (the database there, the outbox's lease
    its own), and whether it read the reading process's record (the database there, the
    mailbox's lease its own: the instance reading the mailbox keeps the record)."""

    jobs: frozenset[str]
    backlog: bool
    reading: bool = False


def ended(
    before: Sequence[Problem], now: Sequence[Problem], judged: Judged | None = None
) -> list[Problem]:
    """The troubles of `before` that are over in `now`. Not one going on under another name:
    the same kind of trouble of the same job with a later start (the outbox's oldest email
    sent, the next one also waiting too long), nor a job's failures now put down to the
    Microsoft 365 sign-in or the database (one "token" or "database" trouble stands for every
    job it stops). Nor one the check could not see (`judged`, None when it saw everything): a
    job held elsewhere now, or a backlog not read because the database is away, is no sign
    that the trouble is over."""
    going = {(p.kind, p.job) for p in now}
    episodes = {p.episode for p in now}
    shared = bool(SHARED.keys() & {p.kind for p in now})
    return [
        p
        for p in before
        if p.episode not in episodes
        and (p.kind, p.job) not in going
        and not (shared and p.kind == "failing")
        and _seen(p, judged)
    ]


def unseen(troubles: Sequence[Problem], judged: Judged | None) -> list[Problem]:
    """The troubles of `troubles` the check could not see (`judged`): no sign they are over."""
    return [p for p in troubles if not _seen(p, judged)]


def _seen(problem: Problem, judged: Judged | None) -> bool:
    if judged is None:
        return True
    if problem.kind == "outbox":
        return judged.backlog
    if problem.kind == "reading":
        return judged.reading
    if problem.kind in SHARED:
        return bool(judged.jobs)
    return problem.job in judged.jobs


def problems(snapshot: Snapshot) -> list[Problem]:
    met = shared_unknown({j.name: j.last_error for j in snapshot.jobs if j.failing_since})
    grouped = {name for names in met.values() for name in names}
    found = [p for job in snapshot.jobs for p in _job_problems(job, snapshot, grouped)]
    shared = _token_problem(snapshot) + _database_problem(snapshot)
    return shared + _unknown_problems(snapshot, met) + found + _outbox_problem(snapshot)


def _unknown_problems(snapshot: Snapshot, met: dict[str, list[str]]) -> list[Problem]:
    """One problem for each database error the adapter does not know that several jobs met (a
    revoked privilege, a table renamed away), from the first of them to fail, once that is
    `alert_after` old, saying what the database said and naming the jobs stopped."""
    jobs = {job.name: job for job in snapshot.jobs}
    found = []
    for names in met.values():
        stopped = sorted((jobs[n].failing_since, n, jobs[n].last_error) for n in names)
        since, _, error = stopped[0]
        if since is None or snapshot.now - since < snapshot.thresholds.alert_after:
            continue
        said = (unknown_error(error) or ("", ""))[1]
        detail = f"{said}; jobs stopped: {', '.join(n for _, n, _ in stopped)}"
        found.append(Problem("refused", SHARED["refused"], since, detail))
    return found


def _cause(job: JobState) -> tuple[str, str] | None:
    """The trouble outside a failing job that stops it, as (kind, what was said)."""
    if not job.failures or job.failing_since is None:
        return None
    if (reason := token_reason(job.last_error)) is not None:
        return "token", reason
    if (reason := outage_reason(job.last_error)) is not None:
        return "database", reason
    return None


def _stopped_by(snapshot: Snapshot, kind: str) -> list[tuple[datetime, str, str]]:
    """(since, job, what was said) of each job `kind` of trouble stops, the first first. For
    the database, from when it last answered (another job's good run) at the earliest: a job
    failing for its own reason before then was not stopped by the database so long. And not a
    job whose error is older than that good run: the database has answered since, and that job
    has not yet run again (it waits out its backoff); counted, the trouble went on under a
    later start once the first job to fail ran well: alerted again."""
    oks = [job.ok_at for job in snapshot.jobs if job.ok_at is not None and kind == "database"]
    answered = max(oks, default=None)
    return sorted(
        (max(job.failing_since, answered or job.failing_since), job.name, cause[1])
        for job in snapshot.jobs
        if (cause := _cause(job)) is not None and cause[0] == kind and job.failing_since
        if not (answered and job.finished_at and answered > job.finished_at)
    )


def _token_problem(snapshot: Snapshot) -> list[Problem]:
    """One problem however many jobs it stops (reading and sending share the one app), raised
    at the first failure: an expired secret does not mend itself by waiting."""
    if not (failing := _stopped_by(snapshot, "token")):
        return []
    since, _, reason = failing[0]
    advice = token_advice(reason, snapshot.secret_env, snapshot.uses_secret)
    return [Problem("token", SHARED["token"], since, f"{reason}; {advice}")]


def _database_problem(snapshot: Snapshot) -> list[Problem]:
    """One problem however many jobs the database stops, from the first failure, once that is
    `alert_after` old (a lock held a moment is no outage), saying what the database said."""
    failing = _stopped_by(snapshot, "database")
    if not failing or snapshot.now - failing[0][0] < snapshot.thresholds.alert_after:
        return []
    since, _, reason = failing[0]
    stops = ", ".join(name for _, name, _ in failing)
    return [Problem("database", SHARED["database"], since, f"{reason}; jobs stopped: {stops}")]


def _job_problems(job: JobState, snapshot: Snapshot, grouped: set[str]) -> list[Problem]:
    found = []
    limit = snapshot.thresholds
    if _cause(job) is not None or job.name in grouped:
        pass  # one "token" or "database" problem for every job it stops, above
    elif job.failing_since is not None and snapshot.now - job.failing_since >= limit.alert_after:
        tries = f"{job.failures} failed run{'' if job.failures == 1 else 's'}"
        found.append(
            Problem("failing", job.name, job.failing_since, f"{tries}, last: {job.last_error}")
        )
    if stalled(job, snapshot.now, limit.stall_factor):
        assert job.started_at is not None
        found.append(Problem("stalled", job.name, job.started_at, "running for too long"))
    return found


def lease_held(expires_at: datetime | None, now: datetime) -> bool:
    """Whether a job lease still binds at `now`: the one rule for taking a lease over, for
    `running_job` and for `status`. A lease is renewed every few seconds while its holder
    lives, so one that has run out means no live instance holds the job."""
    return expires_at is not None and expires_at > now


def stalled(job: JobState, now: datetime, factor: int) -> bool:
    """A run that began and has not ended within its interval times `factor`."""
    return (
        job.running and job.started_at is not None and now - job.started_at > job.interval * factor
    )


def _outbox_problem(snapshot: Snapshot) -> list[Problem]:
    oldest, now = snapshot.outbox_oldest_pending, snapshot.outbox_now or snapshot.now
    if oldest is None or now - oldest < snapshot.thresholds.outbox_alert_after:
        return []
    count = snapshot.outbox_pending
    # No time here: the alert and the digest show `since` beside the sentence, in the
    # partnership's zone, and `tscp-bot status` its own outbox line; a UTC time in the
    # sentence would name a different day near midnight in summer.
    waited = _duration(snapshot.thresholds.outbox_alert_after)
    detail = f"{count} email{'' if count == 1 else 's'}, the oldest waiting over {waited}"
    return [Problem("outbox", "outbox", oldest, detail)]


def _duration(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    if minutes % 60:
        return f"{minutes} minute{'' if minutes == 1 else 's'}"
    return f"{minutes // 60} hour{'' if minutes == 60 else 's'}"


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
