"""The full-size reliability run behind `scripts/soak`: the same harnesses as the short tests,
at size, on SQLite and (with --database-url) PostgreSQL; figures to JSON and a summary.

    python -m tests.reliability.cli --kills 100 --messages 2000 --fuzz 5000 --seed 9 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres --out x.json
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.fixtures.database import _fresh_postgres
from tests.fixtures.dovecot import DovecotServer, dovecot_available
from tests.reliability import harness as h

HARNESSES = ("kill", "two-daemons", "fresh-start", "poison", "fuzz")
SIZES = ("kills", "messages", "two_daemon_messages", "fresh_starts", "poison_rounds", "fuzz")


def _args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="scripts/soak", description=__doc__.split("\n\n")[0])
    p.add_argument("--kills", type=int, default=100, help="SIGKILLs in the kill harness")
    p.add_argument("--messages", type=int, default=2000, help="messages in the kill harness")
    p.add_argument("--two-daemon-messages", type=int, default=300)
    p.add_argument("--poison-rounds", type=int, default=5, help="rounds of every hostile kind")
    p.add_argument("--fuzz", type=int, default=5000, help="fuzzed messages")
    p.add_argument("--fresh-starts", type=int, default=20, help="two daemons on no state")
    p.add_argument("--seed", type=int, default=9)
    p.add_argument(
        "--database-url",
        help="a PostgreSQL server URL (a fresh database is made on it); SQLite always runs",
    )
    p.add_argument(
        "--only", choices=("kill", "two-daemons", "fresh-start", "poison", "fuzz"), action="append"
    )
    p.add_argument("--out", type=Path, default=Path("bench/results/reliability.json"))
    return p.parse_args(argv)


@contextmanager
def _servers(backend: str, server_url: str | None) -> Iterator[h.Servers]:
    work = Path(tempfile.mkdtemp(prefix="tscp-soak-"))
    dovecot = DovecotServer()
    smtp = h.exchange_like_smtp(dovecot)
    fresh = None
    try:
        dovecot.start()
        dovecot.new_user()
        dovecot.create_folder(h.SENT_FOLDER)  # every Exchange mailbox has one
        smtp.start()
        if backend == "sqlite":
            url = f"sqlite:///{work / 'bot.sqlite3'}"
        else:
            assert server_url
            fresh = _fresh_postgres(server_url)
            url = next(fresh)
        yield h.Servers(dovecot, smtp, url, work)
    finally:
        if fresh is not None:
            next(fresh, None)
        smtp.stop()
        dovecot.cleanup()
        shutil.rmtree(work, ignore_errors=True)


def _harnesses(a: argparse.Namespace) -> dict[str, Callable[[h.Servers], h.Findings]]:
    every: dict[str, Callable[[h.Servers], h.Findings]] = {
        "kill": lambda s: h.kill_harness(s, seed=a.seed, kills=a.kills, messages=a.messages),
        "two-daemons": lambda s: h.two_daemon_harness(
            s, seed=a.seed, messages=a.two_daemon_messages
        ),
        "fresh-start": lambda s: h.fresh_start_harness(s, tries=a.fresh_starts),
        "poison": lambda s: h.poison_harness(s, seed=a.seed, rounds=a.poison_rounds),
        "fuzz": lambda s: h.fuzz_harness(s, seed=a.seed, cases=a.fuzz, per_pass=200),
    }
    return {k: v for k, v in every.items() if not a.only or k in a.only}


def main(argv: list[str] | None = None) -> int:
    a = _args(argv)
    reason = dovecot_available()
    if reason:
        print(f"soak: {reason}", file=sys.stderr)
        return 2
    backends = ["sqlite"] + (["postgresql"] if a.database_url else [])
    results: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "seed": a.seed,
        "size": {k: getattr(a, k) for k in SIZES},
        "databases": {},
    }  # fmt: skip
    failed = False
    for backend in backends:
        per: dict[str, Any] = {}
        for name, harness in _harnesses(a).items():
            started = time.monotonic()
            with _servers(backend, a.database_url) as servers:
                try:
                    findings = harness(servers)
                except Exception as exc:  # a broken harness run is a finding, not a lost run
                    traceback.print_exc()
                    findings = h.Findings()
                    findings.problem("the harness itself ran to the end", repr(exc)[:500])
            per[name] = {
                "seconds": round(time.monotonic() - started, 1),
                "figures": findings.figures,
                "problems": {k: {"count": len(v), "first": v[:5]}
                             for k, v in findings.problems.items()},
            }  # fmt: skip
            failed |= bool(findings.problems)
            _summary(backend, name, per[name])
        results["databases"][backend] = per
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"figures written to {a.out}")
    return 1 if failed else 0


def _summary(backend: str, name: str, result: dict[str, Any]) -> None:
    f = result["figures"]
    keys = ("kills", "messages_checked", "faults_injected", "fuzz_cases", "smtp_duplicates",
            "sins", "cases", "quarantined", "jobs_died", "fresh_starts", "passes")  # fmt: skip
    shown = ", ".join(f"{k} {f[k]}" for k in keys if k in f)
    print(f"{backend:10} {name:12} {result['seconds']:7.1f}s  {shown}")
    for guarantee, found in result["problems"].items():
        print(f"{'':24}FAILED {guarantee}: {found['count']} e.g. {found['first'][:2]}")


if __name__ == "__main__":
    sys.exit(main())
