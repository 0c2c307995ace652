"""Benchmark: what one message costs the bot, in figures that do not depend on the machine's
load (instructions under callgrind, SQL statements), for the backlog mailboxes of issue 11.
Not part of the test suite.

    .venv/bin/python bench/process_cost.py --kind plain --count 200
    .venv/bin/python bench/process_cost.py --kind sins --profile /tmp/sins.prof
    valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.%p \\
        .venv/bin/python bench/process_cost.py --kind plain --callgrind

One `ingest_pass` over a Maildir (no IMAP server, so the pass is the bot's own work: store,
parse, classify, decide, queue, release) on a fresh SQLite database, after a warm-up pass over
--warm messages of the same mix (so the lazy imports of document readers, templates and the
like, paid once per process, are not counted per message). With --callgrind the counters are
zeroed just before the measured pass and dumped just after it (callgrind_control), so the
dump's total is that pass's instructions alone: divide by --count.
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

from bench.ingest_imap import _generate  # noqa: E402
from bot.adapters.db.engine import make_engine, migrate  # noqa: E402
from bot.adapters.maildir_source import MaildirSource  # noqa: E402
from bot.bootstrap import build_app  # noqa: E402
from bot.clock import FixedClock  # noqa: E402
from bot.services.ingest import ingest_pass  # noqa: E402
from tests.fixtures.app import make_config  # noqa: E402
from tests.fixtures.mail import drop_into_maildir  # noqa: E402


def _callgrind(option: str) -> None:
    subprocess.run(["callgrind_control", option, str(os.getpid())], capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=("plain", "sins"), default="plain")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--warm", type=int, default=20, help="messages of the warm-up pass")
    parser.add_argument("--profile", help="write cProfile stats of the pass to this file")
    parser.add_argument("--callgrind", action="store_true", help="zero/dump around the pass")
    args = parser.parse_args()
    messages = _generate(args.kind, args.warm + args.count, 0)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
        engine = make_engine(url)
        migrate(engine)
        engine.dispose()
        now = datetime(2026, 12, 23, 9, tzinfo=ZoneInfo("Europe/London"))
        app = build_app(make_config(folder, url), FixedClock(now))
        source = MaildirSource(folder / "inbox")
        drop_into_maildir(folder / "inbox", *messages[: args.warm])
        ingest_pass(app, source)
        drop_into_maildir(folder / "inbox", *messages[args.warm :])
        counts = {"sql": 0}

        def statement(*_: object) -> None:
            counts["sql"] += 1

        from sqlalchemy import event

        event.listen(app.engine, "before_cursor_execute", statement)
        profile = None
        if args.profile:
            import cProfile

            profile = cProfile.Profile()
        if args.callgrind:
            _callgrind("-z")
        started, cpu = time.perf_counter(), time.process_time()
        if profile is not None:
            profile.enable()
        report = ingest_pass(app, source)
        if profile is not None:
            profile.disable()
            profile.dump_stats(args.profile)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        if args.callgrind:
            _callgrind("-d")
        app.close()
    print(
        f"{args.kind}: {report.processed} processed, {report.released} released, "
        f"{len(report.errors)} errors; {elapsed / args.count * 1000:.2f} ms "
        f"({cpu / args.count * 1000:.2f} ms CPU) and "
        f"{counts['sql'] / args.count:.1f} SQL statements per message"
    )


if __name__ == "__main__":
    main()
