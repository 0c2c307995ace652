"""Benchmark: how fast the bot parses, classifies and ingests mail. Not part of the test suite.

    .venv/bin/python bench/ingest.py            # 500 messages through the Maildir + SQLite path
    .venv/bin/python bench/ingest.py --count 2000

Prints per-message times for parse+classify over the labelled corpus, and for a full ingest
pass (store, classify, open cases, queue emails, release) on the embedded default.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.adapters.db.engine import make_engine, migrate  # noqa: E402
from bot.adapters.maildir_source import MaildirSource  # noqa: E402
from bot.adapters.parsing import parse_message  # noqa: E402
from bot.adapters.rules_loader import load_rules  # noqa: E402
from bot.bootstrap import build_app  # noqa: E402
from bot.clock import FixedClock  # noqa: E402
from bot.config.paths import packaged  # noqa: E402
from bot.core.rules import ClassifyContext, classify  # noqa: E402
from bot.services.ingest import ingest_pass  # noqa: E402
from tests.fixtures.app import make_config  # noqa: E402
from tests.fixtures.mail import drop_into_maildir, email, sin  # noqa: E402


def classify_corpus(rounds: int) -> None:
    rules = load_rules(packaged("rules"))
    ctx = ClassifyContext(
        "TSCP",
        frozenset({"tscp@tameside.gov.uk"}),
        frozenset({"tameside.gov.uk", "gmp.police.uk", "nhs.net"}),
    )
    files = [p.read_bytes() for p in sorted((ROOT / "tests" / "corpus").glob("*.eml"))]
    timings = []
    for _ in range(rounds):
        for raw in files:
            start = time.perf_counter()
            classify(parse_message(raw), rules, ctx)
            timings.append(time.perf_counter() - start)
    print(
        f"parse+classify: {len(timings)} messages, "
        f"median {statistics.median(timings) * 1000:.2f} ms,"
        f" p95 {sorted(timings)[int(len(timings) * 0.95)] * 1000:.2f} ms"
    )


def ingest(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
        engine = make_engine(url)
        migrate(engine)
        engine.dispose()
        now = datetime(2026, 12, 23, 9, tzinfo=ZoneInfo("Europe/London"))
        app = build_app(make_config(folder, url), FixedClock(now))
        mails = [
            sin(f"<s{i}@gmp.police.uk>", sender=f"referrer.{i}@gmp.police.uk")
            if i % 10 == 0
            else email(f"Note {i}", "Hello", message_id=f"<n{i}@x>")
            for i in range(count)
        ]
        drop_into_maildir(folder / "inbox", *mails)
        start = time.perf_counter()
        report = ingest_pass(app, MaildirSource(folder / "inbox"))
        elapsed = time.perf_counter() - start
        app.close()
    print(
        f"ingest pass: {report.processed} messages ({count // 10} SINs) in {elapsed:.2f} s,"
        f" {elapsed / max(count, 1) * 1000:.1f} ms per message"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    classify_corpus(args.rounds)
    ingest(args.count)


if __name__ == "__main__":
    main()
