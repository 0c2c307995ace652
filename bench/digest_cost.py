"""Benchmark: the daily digest's gathering and rendering alone, over a backlog of new cases.
Not part of the test suite.

    .venv/bin/python bench/digest_cost.py --db /tmp/digest.sqlite3 --out /tmp/digest.txt
    .venv/bin/python bench/digest_cost.py --db /tmp/digest.sqlite3 --profile /tmp/digest.prof
    valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.%p --instr-atstart=no \\
        .venv/bin/python bench/digest_cost.py --db /tmp/digest.sqlite3 --callgrind --repeat 1

The database is built once if the file is missing (so the code before a change and after it
read the same rows): scripts/bench's 1,000-message backlog with 30% SINs
(bench/harness.backlog, each SIN opening a case of its own) processed by one `ingest_pass`
at 09:00 on Wednesday 23 December 2026, then the deadline and reminder ticks, as `run --once`
runs them before the digest. Each measured round then gathers the digest at 09:05
(bot.services.digest.digest_context) and renders it (subject, text and HTML, as
bot.services.mailout does) in a session rolled back afterwards, after one unmeasured round
(lazy imports, the template cache). It prints the SQL statements of a round and the best CPU
time of --repeat rounds; --out writes the rendered email, to `cmp` across commits.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from bench.harness import backlog  # noqa: E402
from bot.adapters.db.engine import make_engine, migrate  # noqa: E402
from bot.adapters.maildir_source import MaildirSource  # noqa: E402
from bot.adapters.templates import RenderedEmail  # noqa: E402
from bot.app import App  # noqa: E402
from bot.bootstrap import build_app  # noqa: E402
from bot.clock import FixedClock  # noqa: E402
from bot.services.ingest import ingest_pass  # noqa: E402
from bot.services.mailout import base_context  # noqa: E402
from bot.services.reminders import reminder_tick  # noqa: E402
from bot.services.tick import deadline_tick  # noqa: E402
from tests.fixtures.app import make_config  # noqa: E402
from tests.fixtures.mail import drop_into_maildir  # noqa: E402

LONDON = ZoneInfo("Europe/London")
FILLED = datetime(2026, 12, 23, 9, tzinfo=LONDON)
DIGEST_AT = datetime(2026, 12, 23, 9, 5, tzinfo=LONDON)


def _app(folder: Path, db: Path, now: datetime) -> App:
    return build_app(make_config(folder, f"sqlite:///{db}"), FixedClock(now))


def build(db: Path, count: int, sin_share: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        engine = make_engine(f"sqlite:///{db}")
        migrate(engine)
        engine.dispose()
        app = _app(folder, db, FILLED)
        drop_into_maildir(folder / "inbox", *backlog(count, sin_share))
        report = ingest_pass(app, MaildirSource(folder / "inbox"))
        deadline_tick(app)
        reminder_tick(app)
        app.close()
    print(f"built {db}: {report.processed} processed, {len(report.errors)} errors")


def _round(app: App) -> RenderedEmail:
    from bot.services.digest import digest_context

    local = DIGEST_AT.astimezone(app.config.partnership.time_zone)
    with app.sessions() as session:
        context = digest_context(session, app, local.date(), DIGEST_AT)
        rendered = app.templates.render("daily_digest", {**base_context(app), **context})
        session.rollback()
    return rendered


def _callgrind(option: str) -> None:
    subprocess.run(["callgrind_control", option, str(os.getpid())], capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="built here if missing")
    parser.add_argument("--count", type=int, default=1000, help="messages, when building")
    parser.add_argument("--sins", type=float, default=0.3, help="share of SINs, when building")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, help="write the rendered digest here")
    parser.add_argument("--profile", help="write cProfile stats of one round to this file")
    parser.add_argument("--callgrind", action="store_true", help="instrument one round only")
    args = parser.parse_args()
    if not args.db.exists():
        build(args.db, args.count, args.sins)
    with tempfile.TemporaryDirectory() as tmp:
        app = _app(Path(tmp), args.db, DIGEST_AT)
        rendered = _round(app)  # warm: imports, templates, caches paid once a process
        statements = [0]

        def count(*_: object) -> None:
            statements[0] += 1

        event.listen(app.engine, "before_cursor_execute", count)
        _round(app)
        event.remove(app.engine, "before_cursor_execute", count)
        if args.profile:
            import cProfile

            profile = cProfile.Profile()
            profile.runcall(_round, app)
            profile.dump_stats(args.profile)
        if args.callgrind:
            _callgrind("--instr=on")
            _callgrind("-z")
            _round(app)
            _callgrind("-d")
            _callgrind("--instr=off")
        best = float("inf")
        for _ in range(args.repeat):
            cpu = time.process_time()
            _round(app)
            best = min(best, time.process_time() - cpu)
        app.close()
    if args.out:
        args.out.write_text(
            f"Subject: {rendered.subject}\n\n{rendered.text}\n\n{rendered.html}\n", encoding="utf-8"
        )
    size = len(rendered.text) + len(rendered.html)
    print(
        f"digest: {statements[0]} SQL statements, best CPU {best * 1000:.0f} ms of "
        f"{args.repeat}; {size / 1024:.0f} KiB rendered"
    )


if __name__ == "__main__":
    main()
