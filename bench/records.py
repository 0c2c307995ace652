"""Benchmark: the records at scale. Not part of the test suite.

    .venv/bin/python bench/records.py --cases 10000 --outbox 50000
    .venv/bin/python bench/records.py --cases 10000 --db postgresql+psycopg://postgres@127.0.0.1/x

Builds an invented partnership's records (bench/records_data.py) and times one pass of the
periodic jobs with no new mail (deadlines, reminders, digest) twice (the first queues the day's
digest and whatever reminders are due; the second is the steady state), and `tscp-bot cases
--json` as a separate process. It also counts the SQL statements of each pass, which does not
depend on how busy the machine is.

For other runners (bench/compare.py): build(db_url, cases, outbox_rows), then
time_pass(db_url) and time_cases_json(db_url).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import tomli_w  # noqa: E402
from sqlalchemy import Engine, event, func, insert, select  # noqa: E402

from bench.records_data import chunks, plan  # noqa: E402
from bot.adapters.db import models  # noqa: E402
from bot.adapters.db.engine import make_engine, migrate  # noqa: E402
from bot.app import App  # noqa: E402
from bot.bootstrap import build_app  # noqa: E402
from bot.clock import FixedClock  # noqa: E402
from bot.services.daily_digest import send_digest_if_due  # noqa: E402
from bot.services.reminders import reminder_tick  # noqa: E402
from bot.services.tick import deadline_tick  # noqa: E402
from tests.fixtures.app import example_data, make_config  # noqa: E402

# A Wednesday in working hours, after the digest time: every job of the pass has work to do.
NOW = datetime(2026, 12, 23, 10, 0, tzinfo=ZoneInfo("Europe/London"))
TABLES = (
    "cases",
    "case_counters",
    "messages",
    "message_raw",
    "deadlines",
    "case_events",
    "agency_requests",
    "action_items",
    "votes",
    "outbox",
    "calendar_state",
)


def _app(db_url: str, folder: Path) -> App:
    return build_app(make_config(folder, db_url), FixedClock(NOW))


def build(db_url: str, cases: int, outbox_rows: int, *, span_days: int = 3650) -> None:
    """Migrate an empty database at db_url and fill it with the invented records."""
    engine = make_engine(db_url)
    migrate(engine)
    with engine.connect() as connection:
        if connection.scalar(select(func.count()).select_from(models.Case)):
            raise SystemExit(f"{db_url} already holds cases; give an empty database")
    with tempfile.TemporaryDirectory() as tmp:
        app = _app(db_url, Path(tmp))
        rows = plan(app, NOW, cases, outbox_rows, span_days=span_days)
        app.close()
    meta = models.Base.metadata
    with engine.begin() as connection:
        for name in TABLES:
            for part in chunks(rows.tables.get(name, [])):
                connection.execute(insert(meta.tables[name]), part)
    _reset_sequences(engine)
    engine.dispose()


def _reset_sequences(engine: Engine) -> None:
    """Rows were inserted with their ids; PostgreSQL's sequences must move past them. And the
    planner's statistics brought up to date, as autovacuum would soon after a bulk load: without
    them a join can pick a plan 50 times slower than the one it settles on."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("ANALYZE")
    with engine.begin() as connection:
        for name in TABLES:
            if name in ("case_counters", "message_raw", "calendar_state"):  # no id of their own
                continue
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {name}))"
            )


@dataclass
class PassTiming:
    seconds: float
    # This process's CPU time: what the pass costs, whatever else the machine is doing.
    cpu_seconds: float
    statements: int
    steps: dict[str, float]
    reminders_queued: int
    digest_bytes: int


def time_pass(db_url: str) -> PassTiming:
    """One deadline + reminder + digest pass at NOW, as the daemon's tick runs them."""
    with tempfile.TemporaryDirectory() as tmp:
        app = _app(db_url, Path(tmp))
        statements = [0]

        def count(*_: Any) -> None:
            statements[0] += 1

        event.listen(app.engine, "before_cursor_execute", count)
        steps: dict[str, float] = {}
        cpu = 0.0
        queued = 0
        for name, job in (
            ("deadlines", deadline_tick),
            ("reminders", reminder_tick),
            ("digest", send_digest_if_due),
        ):
            start, start_cpu = time.perf_counter(), time.process_time()
            result = job(app)
            steps[name] = time.perf_counter() - start
            cpu += time.process_time() - start_cpu
            queued = int(result) if name == "reminders" else queued
        event.remove(app.engine, "before_cursor_execute", count)
        with app.sessions() as session:
            size = session.scalar(
                select(func.length(models.OutboxMessage.raw)).where(
                    models.OutboxMessage.event == "daily_digest"
                )
            )
        app.close()
    return PassTiming(sum(steps.values()), cpu, statements[0], steps, queued, size or 0)


def time_cases_json(db_url: str) -> float:
    """Wall time of `tscp-bot cases --json` in its own process (start-up included)."""
    return time_cases_json_cpu(db_url)[0]


def time_cases_json_cpu(db_url: str) -> tuple[float, float]:
    """Wall and CPU time of `tscp-bot cases --json` in its own process (start-up included)."""
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "config.toml"
        data = example_data()
        data["database"] = {"url": db_url}
        data["mailbox"] = {"backend": "maildir", "maildir_path": "inbox"}
        data["outgoing"] = {"backend": "maildir", "maildir_path": "outbox"}
        config.write_bytes(tomli_w.dumps(data).encode())
        command = [sys.executable, "-m", "bot.cli", "--config", str(config), "cases", "--json"]
        start, cpu = time.perf_counter(), _children_cpu()
        done = subprocess.run(
            command, capture_output=True, check=False, env={**os.environ, "PYTHONPATH": str(ROOT)}
        )
        elapsed, cpu = time.perf_counter() - start, _children_cpu() - cpu
    if done.returncode != 0:
        raise RuntimeError(done.stderr.decode(errors="replace"))
    return elapsed, cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--outbox", type=int, default=50_000)
    parser.add_argument("--db", help="an empty database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'records.sqlite3'}"
        start = time.perf_counter()
        build(url, args.cases, args.outbox)
        print(
            f"built {args.cases} cases, {args.outbox} outbox rows in "
            f"{time.perf_counter() - start:.1f} s"
        )
        for label in ("first pass", "second pass"):
            t = time_pass(url)
            steps = ", ".join(f"{k} {v:.2f} s" for k, v in t.steps.items())
            print(
                f"{label}: {t.seconds:.2f} s ({steps}; CPU {t.cpu_seconds:.2f} s); "
                f"{t.statements} SQL statements; "
                f"{t.reminders_queued} reminders queued; digest {t.digest_bytes / 1024:.0f} KiB"
            )
        wall, cpu = time_cases_json_cpu(url)
        print(f"cases --json: {wall:.2f} s (CPU {cpu:.2f} s)")


if __name__ == "__main__":
    main()
