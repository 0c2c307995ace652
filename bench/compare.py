"""Benchmark: tscp-bot side by side with its references, on the real Dovecot and aiosmtpd.
Not part of the test suite (issue 11's targets live here, never in timed tests).

    scripts/bench                      # every measure, 1,000 messages, 3 repetitions
                                       # (about 15 min on a quiet 2-core machine, 30 loaded)
    scripts/bench --quick              # a smoke run, 2-3 min: small numbers, one repetition
    scripts/bench --only backlog,startup
    scripts/bench --pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres

Prints one table (measure, tscp-bot, reference measured in the same run, ratio, target,
verdict, the bot's figure by CPU time) and writes bench/results/compare.json (every sample)
and compare.txt (the table). Needs root (the Dovecot fixture runs mail as the vmail user) and
dovecot-imapd, as the tests do; the peer needs PyPI.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402
from bench.backlog import memory, throughput  # noqa: E402
from bench.latency import latency  # noqa: E402
from bench.peer import Peer  # noqa: E402
from bench.scale import records, startup  # noqa: E402
from bench.table import Table  # noqa: E402

MEASURES = ("backlog", "latency", "memory", "records", "startup")
RESULTS = ROOT / "bench" / "results" / "compare.json"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small numbers, one repetition")
    parser.add_argument(
        "--only",
        default=",".join(MEASURES),
        help=f"comma-separated measures among {', '.join(MEASURES)}",
    )
    parser.add_argument("--pg", metavar="URL", help="also run on this PostgreSQL server")
    parser.add_argument("--count", type=int, help="backlog size (default 1,000; quick 100)")
    parser.add_argument("--repeats", type=int, help="interleaved repetitions (default 3)")
    parser.add_argument("--no-peer", action="store_true", help="skip django-helpdesk")
    parser.add_argument("--cases", type=int, help="cases in the records measure (default 10,000)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the JSON")
    args = parser.parse_args(argv)
    args.only = [m.strip() for m in args.only.split(",") if m.strip()]
    unknown = set(args.only) - set(MEASURES)
    if unknown:
        parser.error(f"unknown measure(s): {', '.join(sorted(unknown))}")
    quick = args.quick
    args.count = args.count or (100 if quick else 1000)
    args.repeats = args.repeats or (1 if quick else 3)
    args.memory_sizes = (200,) if quick else (1000, 5000)
    args.big_mb = 25
    args.sins = 2 if quick else 10
    args.gap_max = 3.0 if quick else 15.0
    args.runs = 3 if quick else 10
    return args


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def run_backlog(srv: harness.Servers, args: argparse.Namespace, table: Table) -> None:
    peer: Peer | None = None
    reason = "skipped (--no-peer)"
    if not args.no_peer:
        peer, reason = Peer.prepare(srv.work, say)
    result = throughput(srv, args.count, args.repeats, args.pg, peer.run if peer else None, say)
    table.backlog(result, reason if peer is None else result.peer_error)


def run_records(srv: harness.Servers, args: argparse.Namespace, table: Table) -> None:
    cases = args.cases or (20 if args.quick else 10_000)
    rows = cases * 5
    for pg in (None, args.pg) if args.pg else (None,):
        table.records(records(srv, cases, rows, 1 if args.quick else 3, pg, say))


def machine() -> dict[str, object]:
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    return {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "commit": commit,
        "cpus": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
        "python": platform.python_version(),
        "bytecode": "compiled, as an installed wheel is",
    }


def _interrupted(signum: int, frame: object) -> None:
    # SIGTERM (a timeout, `kill`) unwinds like Ctrl-C, so the servers stop and the temporary
    # folder and PostgreSQL databases are removed.
    raise KeyboardInterrupt


def _measure(args: argparse.Namespace, table: Table) -> None:
    with harness.servers() as srv:
        steps = {
            "backlog": lambda: run_backlog(srv, args, table),
            "latency": lambda: table.latency(latency(srv, args.sins, args.gap_max, 30.0, say)),
            "memory": lambda: table.memory(
                memory(srv, args.memory_sizes, args.big_mb, say, args.pg)
            ),
            "records": lambda: run_records(srv, args, table),
            "startup": lambda: table.startup(startup(srv, args.runs, say)),
        }
        for name in args.only:
            try:
                steps[name]()
            except Exception as exc:  # one broken measure must not hide the others
                say(f"{name} failed: {type(exc).__name__}: {exc}")
                table.failed(name, f"{type(exc).__name__}: {exc}")


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _interrupted)
    args = parse_args(argv)
    about = machine()
    table = Table()
    code = 0
    if not harness.compile_bytecode():
        say("some of the bot's modules could not be compiled to bytecode; start-up is slower")
    try:
        _measure(args, table)
    except KeyboardInterrupt:  # still show and keep what was measured so far
        say("interrupted")
        table.failed("run", "interrupted")
        code = 130
    about["load_average_at_end"] = os.getloadavg()
    settings = {k: v for k, v in vars(args).items() if k != "out"}
    text = table.render(about, settings)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(table.as_json(about, settings), indent=2, default=str) + "\n")
    args.out.with_suffix(".txt").write_text(text + "\n")  # the table, for quoting
    say(f"wrote {args.out} and {args.out.with_suffix('.txt').name}")
    return code


if __name__ == "__main__":
    sys.exit(main())
