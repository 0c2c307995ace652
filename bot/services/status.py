"""What `tscp-bot status` reports: each job's health, the mail waiting, the instances and their
leases, and whether the database schema is current. Gathered here, judged by bot.core.health.

Read in SQLAlchemy Core from the columns named here and in bot.services.health, as the list of
cases is (see bot.services.case_list): the ORM and its mappers cost the command more than half
of its start-up. tests/adapters/test_read_tables.py holds these columns to the models'.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import func, select

from bot.adapters.db.engine import SeveralRevisions, current_revision, head_revision
from bot.adapters.db.read_tables import BOT_INSTANCES, JOB_LEASES, MAILBOX_STATE, MESSAGES, OUTBOX
from bot.core.dates import fmt_date
from bot.core.digest import next_digest
from bot.core.health import JobState, Problem, lease_held, problems, stalled
from bot.core.reading import reading_problem
from bot.services import health

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

    from bot.clock import Clock
    from bot.config import Config
    from bot.core.working_days import WorkingCalendar

RECENT_INSTANCES = timedelta(days=1)


class App(Protocol):
    """What the report reads of the app (bot.app.App has it; `status` builds no more, so as to
    load no ORM): the calendar only for the next digest, when the schema is current."""

    @property
    def config(self) -> Config: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def engine(self) -> Engine: ...

    @property
    def calendar(self) -> WorkingCalendar: ...

    @property
    def mailbox_name(self) -> str: ...


def status_report(app: App, now: datetime) -> dict[str, object]:
    """Raises SQLAlchemyError when the database cannot be reached."""
    head, several = head_revision(), None
    try:
        current = shown = current_revision(app.engine)
    except SeveralRevisions as exc:  # reachable, but at no one schema: needs attention
        current, shown, several = None, ", ".join(exc.revisions), str(exc)
    report: dict[str, object] = {
        "database": {
            "reachable": True,
            "url": app.engine.url.render_as_string(hide_password=True),
            "schema": shown,
            "schema_head": head,
        }
    }
    if current != head:
        report["problems"] = [several or _schema_problem(current, head)]
        report["healthy"] = False
        return report
    with app.engine.connect() as session:
        jobs = health.stored_jobs(session, app)
        found = problems(health.snapshot(app, jobs, now, session))
        report |= _mail(session, app)
        report["jobs"] = _jobs(session, app, jobs, found, now)
        report["instances"] = _instances(session, now)
        heard = _last_heartbeat(session, now)
    report["last_heartbeat"] = heard
    # `run --once` from cron leaves no heartbeat, but its checks of the mailbox are kept.
    mailbox = report["mailbox"]
    ran = isinstance(mailbox, dict) and mailbox["last_good_check"] is not None
    ran = ran or any(j.started_at is not None for j in jobs)
    report["problems"] = (
        [p.sentence for p in found] + _reading(mailbox, app) + _silent(heard, app, ran)
    )
    report["healthy"] = not report["problems"]
    return report


def _reading(mailbox: object, app: App) -> list[str]:
    if not isinstance(mailbox, dict) or not mailbox.get("reading_broken"):
        return []
    at = mailbox.get("reading_broken_since")
    local = at.astimezone(app.config.partnership.time_zone) if isinstance(at, datetime) else None
    since = f"{fmt_date(local.date())} {local:%H:%M}" if local is not None else ""
    return [reading_problem(str(mailbox["reading_broken"]), since)]


def _schema_problem(current: str | None, head: str | None) -> str:
    if current is None:
        return "the database is not set up yet: run `tscp-bot init`"
    return f"database schema {current} is older than {head}: run `tscp-bot init`"


def _last_heartbeat(session: Connection, now: datetime) -> dict[str, object]:
    """The newest heartbeat of any instance, however long ago, and whether that instance said
    it was stopping. Measured on the wall clock the daemons write it by, not a `--now`."""
    last = session.execute(
        select(BOT_INSTANCES.c.last_seen_at, BOT_INSTANCES.c.stopped_at)
        .order_by(BOT_INSTANCES.c.last_seen_at.desc())
        .limit(1)
    ).first()
    if last is None:
        return {"at": None, "seconds_ago": None, "stopped": None}
    ago = int((now - last.last_seen_at).total_seconds())
    return {"at": last.last_seen_at, "seconds_ago": ago, "stopped": last.stopped_at}


def _silent(heard: dict[str, object], app: App, ran: bool) -> list[str]:
    """A daemon that went quiet without stopping (killed, or hung), however long ago, is a
    problem, and so is a bot never started; one that was stopped on purpose is not (the
    operator knows). A bot run by `run --once` alone beats no heart: once it has checked the
    mailbox it was started, and the mailbox's own check says whether it still runs."""
    ago, at = heard["seconds_ago"], heard["at"]
    if not isinstance(ago, int) or not isinstance(at, datetime):
        return (
            []
            if ran
            else [
                "no bot instance has ever been heard from (last heard from: never): start the "
                "service (systemctl enable --now tscp-bot) or `tscp-bot run`"
            ]
        )
    gap = health.downtime_gap(app).total_seconds()  # as the digest counts downtime
    if heard["stopped"] is not None or ago <= gap:
        return []
    local = at.astimezone(app.config.partnership.time_zone)
    return [
        f"no bot instance has been heard from for {_how_long(ago)} (last heartbeat "
        f"{fmt_date(local.date())} {local:%H:%M})"
    ]


def _how_long(seconds: int) -> str:
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    if hours < 2:
        return f"{minutes} minutes"
    return f"{hours} hours" if days < 2 else f"{days} days"


def _next_digest(session: Connection, app: App, now: datetime) -> datetime:
    local = now.astimezone(app.config.partnership.time_zone)
    key = f"digest:{local.date().isoformat()}"  # as bot.services.digest queues it
    queued = session.scalar(select(OUTBOX.c.id).where(OUTBOX.c.idempotency_key == key))
    return next_digest(local, app.config.digest.time, app.calendar, queued is not None)


def _mail(session: Connection, app: App) -> dict[str, object]:
    state = session.execute(
        select(MAILBOX_STATE).where(MAILBOX_STATE.c.name == app.mailbox_name)
    ).first()
    count, oldest = health.outbox_backlog(session)
    return {
        "mailbox": {
            "name": app.mailbox_name,
            "last_good_check": state.last_success_at if state else None,
            "last_error": state.last_error if state else None,
            "junk_error": state.junk_error if state else None,
            # Mail read without the reading process's limits: why, and since when.
            "reading_broken": state.reading_broken if state else None,
            "reading_broken_since": state.reading_broken_since if state else None,
        },
        "last_send": session.scalar(select(func.max(OUTBOX.c.sent_at))),
        # The digest keeps the app's clock (`--now`), as the job that sends it does.
        "next_digest": _next_digest(session, app, app.clock.now()),
        "outbox": {"pending": count, "oldest_pending": oldest},
        "oldest_unprocessed_message": session.scalar(
            select(func.min(MESSAGES.c.received_at)).where(MESSAGES.c.status == "stored")
        ),
        "quarantined": session.scalar(
            select(func.count()).select_from(MESSAGES).where(MESSAGES.c.status == "quarantined")
        )
        or 0,
    }


def _jobs(
    session: Connection, app: App, jobs: tuple[JobState, ...], found: list[Problem], now: datetime
) -> list[dict[str, object]]:
    stored = {j.name: j for j in jobs}
    leases = {row.name: row for row in session.execute(select(JOB_LEASES))}
    out: list[dict[str, object]] = []
    for name in health.JOB_NAMES:
        job = stored.get(name, JobState(name, health.intervals(app)[name]))
        lease = leases.get(name)
        out.append(
            {
                "name": name,
                "state": _state(job, now, app.config.daemon.stall_factor),
                "alert": any(p.job == name and p.kind != "outbox" for p in found),
                "last_started": job.started_at,
                "last_ok": job.ok_at,
                "failures": job.failures,
                "failing_since": job.failing_since,
                "last_error": job.last_error,
                "held_by": lease.holder if lease and lease_held(lease.expires_at, now) else None,
                "lease_expires": lease.expires_at if lease else None,
            }
        )
    return out


def _state(job: JobState, now: datetime, factor: int) -> str:
    if stalled(job, now, factor):
        return "stalled"
    if job.failures:
        return "failing"
    if job.started_at is None:
        return "never run"
    return "running" if job.running else "ok"


def _instances(session: Connection, now: datetime) -> list[dict[str, object]]:
    rows = session.execute(
        select(BOT_INSTANCES)
        .where(BOT_INSTANCES.c.last_seen_at >= now - RECENT_INSTANCES)
        .order_by(BOT_INSTANCES.c.started_at)
    )
    return [
        {
            "id": r.id,
            "host": r.host,
            "pid": r.pid,
            "started": r.started_at,
            "last_seen": r.last_seen_at,
            "stopped": r.stopped_at,
        }
        for r in rows
    ]
