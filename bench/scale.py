"""The scale of records (a deadline, reminder and digest pass; `cases --json`) and start-up
(`tscp-bot --help`, a read-only `cases`)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from sqlalchemy import create_engine, func, select

from bench import harness
from bench.harness import Bot, Servers
from tests.fixtures.app import LONDON

# Three weeks after the cases opened (a Friday): deadlines fall due, reminders and
# escalations are owed and the digest is due, so the pass has all its work to do.
PASS_AT = "2027-01-15T09:05"
# The read-only commands start on a database with a few cases, so that `case REF` has one to show.
STARTUP_CASES = 20


def dataset_builder() -> tuple[Callable[[str, int, int], None], str]:
    """The invented partnership of bench/records.py (10,000 cases and 50,000 outbox rows by
    default)."""
    from bench.records import build

    return build, "bench/records.py"


def _counts(url: str) -> tuple[int, int]:
    from bot.adapters.db.models import Case, OutboxMessage

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            cases = conn.scalar(select(func.count()).select_from(Case)) or 0
            outbox = conn.scalar(select(func.count()).select_from(OutboxMessage)) or 0
            return cases, outbox
    finally:
        engine.dispose()


def _timed_pass(config_path: str, env: dict[str, str]) -> tuple[dict[str, float], float]:
    """One pass in this process, through the functions the daemon's jobs call."""
    from pathlib import Path

    from bot.bootstrap import build_app
    from bot.clock import FixedClock
    from bot.config import load_config
    from bot.services.daily_digest import send_digest_if_due
    from bot.services.reminders import reminder_tick
    from bot.services.tick import deadline_tick

    moment = datetime.fromisoformat(PASS_AT).replace(tzinfo=LONDON)
    app = build_app(load_config(Path(config_path), env), FixedClock(moment))
    steps: dict[str, float] = {}
    cpu_started = time.process_time()
    try:
        for name, job in (
            ("deadlines", deadline_tick),
            ("reminders", reminder_tick),
            ("digest", send_digest_if_due),
        ):
            started = time.perf_counter()
            job(app)
            steps[name] = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
    finally:
        app.close()
    return steps, cpu


@dataclass
class ScaleResult:
    source: str
    database: str = "SQLite"
    cases: int = 0
    outbox: int = 0
    pass_steps: dict[str, float] = field(default_factory=dict)
    cases_json: list[float] = field(default_factory=list)
    pass_cpu: float | None = None
    cases_json_cpu: list[float] = field(default_factory=list)
    error: str = ""


def records(
    srv: Servers,
    cases: int,
    outbox_rows: int,
    repeats: int,
    pg: str | None,
    say: Callable[[str], None],
) -> ScaleResult:
    build, source = dataset_builder()
    result = ScaleResult(source, database="PostgreSQL" if pg else "SQLite")
    with harness.fresh_database(srv.work, pg) as url:
        bot = Bot(srv, url)
        bot.init()  # the builder gets a migrated database, as a running bot has
        say(f"records: building {cases:,} cases and {outbox_rows:,} outbox rows ({source})")
        build(url, cases, outbox_rows)
        result.cases, result.outbox = _counts(url)
        say(f"records: one deadline, reminder and digest pass, {result.database}")
        result.pass_steps, result.pass_cpu = _timed_pass(str(bot.config), bot.env)
        for _ in range(repeats):
            done = bot.run("cases", "--json")
            if done.code != 0:
                result.error = f"cases --json exited {done.code}: {done.stderr.strip()[:200]}"
                break
            result.cases_json.append(done.seconds)
            result.cases_json_cpu.append(done.cpu_seconds)
    return result


def medians(runs: int, command: Callable[[], harness.Finished]) -> tuple[float, float]:
    """(median wall seconds, median CPU seconds) of `runs` runs."""
    done = [command() for _ in range(runs)]
    return (
        statistics.median(d.seconds for d in done),
        statistics.median(d.cpu_seconds for d in done),
    )


def startup(srv: Servers, runs: int, say: Callable[[str], None]) -> dict[str, tuple[float, float]]:
    """`--help`, and the read-only commands (`cases`, `status`, `case REF`) on an initialised
    SQLite database holding a few invented cases: (wall, CPU) medians."""
    say(f"start-up: {runs} runs each of --help, cases, status and case REF")
    found = {
        "--help": medians(runs, lambda: harness.run_measured([*harness.bot_command(), "--help"]))
    }
    build, _ = dataset_builder()
    with harness.fresh_database(srv.work, None) as url:
        bot = Bot(srv, url)
        bot.init()
        build(url, STARTUP_CASES, STARTUP_CASES * 5)
        ref = _first_ref(url)
        for name, command in (
            ("cases", ["cases"]),
            ("status", ["status"]),
            ("case REF", ["case", ref]),
        ):
            found[name] = medians(runs, partial(bot.run, *command))
    return found


def _first_ref(url: str) -> str:
    from bot.adapters.db.read_tables import CASES

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            ref = conn.scalar(select(CASES.c.ref).order_by(CASES.c.id).limit(1))
    finally:
        engine.dispose()
    if ref is None:
        raise RuntimeError("the start-up database holds no case")
    return str(ref)
