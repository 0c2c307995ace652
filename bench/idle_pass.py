"""Benchmark: what a pass with nothing to do costs (`run_once` on an empty Maildir, no cases).

    .venv/bin/python bench/idle_pass.py                       # SQLite in a temporary folder
    .venv/bin/python bench/idle_pass.py --url postgresql+psycopg://postgres@127.0.0.1:5432/x

The App is built as the tests build one (tests/fixtures/app.py's make_config, a migrated
database). After two passes to settle (the day's digest is written by the first), it counts
the SQL statements and commits of one more pass, step by step, then times --repeat passes
and prints CPU time (process time, which another process's load changes less than the wall
clock) as the best of --rounds. A PostgreSQL URL names a database this script creates and
drops. Not part of the test suite.

Under load the times move by half; instructions do not. Under callgrind, with collection
off until the rounds begin, the total is the rounds' passes alone:

    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/dev/null \
        .venv/bin/python bench/idle_pass.py --callgrind --rounds 1 --repeat 20
"""

from __future__ import annotations

import argparse
import collections
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, event, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bot.adapters.db.engine import make_engine, migrate  # noqa: E402
from bot.bootstrap import build_app  # noqa: E402
from bot.clock import FixedClock  # noqa: E402
from bot.services import passes  # noqa: E402
from tests.fixtures.app import make_config  # noqa: E402

NOW = datetime(2026, 12, 23, 9, 0, tzinfo=ZoneInfo("Europe/London"))
STEPS = (
    "_ingest",
    "deadline_tick",
    "reminder_tick",
    "send_digest_if_due",
    "send_monthly_report_if_due",
    "send_all",
)


@contextmanager
def _database(url: str | None, folder: Path) -> Iterator[str]:
    if url is None:
        yield f"sqlite:///{folder / 'bot.sqlite3'}"
        return
    name = make_url(url).database
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class Counter:
    """Statements and commits, by the step running when they were sent."""

    def __init__(self) -> None:
        self.step = "book"
        self.statements: collections.Counter[str] = collections.Counter()
        self.commits: collections.Counter[str] = collections.Counter()
        # Connections taken from the pool: on PostgreSQL each is a ping (pool_pre_ping), a
        # BEGIN and a COMMIT or ROLLBACK, round trips the statements do not show.
        self.checkouts: collections.Counter[str] = collections.Counter()
        self.texts: list[tuple[str, str]] = []

    def statement(self, *args: Any) -> None:
        self.statements[self.step] += 1
        self.texts.append((self.step, " ".join(str(args[2]).split())[:100]))

    def commit(self, *_: Any) -> None:
        self.commits[self.step] += 1

    def checkout(self, *_: Any) -> None:
        self.checkouts[self.step] += 1


def _marked(counter: Counter) -> None:
    for name in STEPS:
        real = getattr(passes, name)

        def marked(*args: Any, _real: Any = real, _name: str = name) -> Any:
            counter.step = _name
            try:
                return _real(*args)
            finally:
                counter.step = "book"

        setattr(passes, name, marked)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", help="a PostgreSQL database to create, use and drop")
    parser.add_argument("--repeat", type=int, default=20, help="passes per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--statements", action="store_true", help="print each statement")
    parser.add_argument("--callgrind", action="store_true", help="instrument the rounds only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name, _database(args.url, Path(name)) as url:
        folder = Path(name)
        engine = make_engine(url)
        migrate(engine)
        engine.dispose()
        (folder / "inbox").mkdir()
        app = build_app(make_config(folder, url), FixedClock(NOW))
        try:
            for _ in range(2):
                passes.run_once(app)
            counter = Counter()
            event.listen(app.engine, "before_cursor_execute", counter.statement)
            event.listen(app.engine, "commit", counter.commit)
            event.listen(app.engine.pool, "checkout", counter.checkout)
            _marked(counter)
            report = passes.run_once(app)
            assert not report.errors, report.errors
            event.remove(app.engine, "before_cursor_execute", counter.statement)
            event.remove(app.engine, "commit", counter.commit)
            event.remove(app.engine.pool, "checkout", counter.checkout)
            for step in ("book", *STEPS):
                print(
                    f"{step:28} {counter.statements[step]:4} statements "
                    f"{counter.commits[step]:3} commits {counter.checkouts[step]:3} connections"
                )
            print(
                f"{'pass':28} {sum(counter.statements.values()):4} statements "
                f"{sum(counter.commits.values()):3} commits "
                f"{sum(counter.checkouts.values()):3} connections"
            )
            if args.statements:
                for step, said in counter.texts:
                    print(f"  {step:28} {said}")
            _instrument(args.callgrind, "on")
            rounds = [_round(app, args.repeat) for _ in range(args.rounds)]
            _instrument(args.callgrind, "off")
            cpu, wall = min(r[0] for r in rounds), min(r[1] for r in rounds)
            print(
                f"per pass, best of {args.rounds} x {args.repeat}: CPU {cpu * 1000:.1f} ms, "
                f"wall {wall * 1000:.1f} ms"
            )
        finally:
            app.close()


def _instrument(callgrind: bool, switch: str) -> None:
    if callgrind:
        subprocess.run(["callgrind_control", "-i", switch, str(os.getpid())], check=True)


def _round(app: Any, repeat: int) -> tuple[float, float]:
    """CPU and wall time per pass."""
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(repeat):
        passes.run_once(app)
    return (time.process_time() - cpu) / repeat, (time.perf_counter() - wall) / repeat


if __name__ == "__main__":
    main()
