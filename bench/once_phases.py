"""Benchmark: where one `tscp-bot run --once` goes, phase by phase, in instructions.
Over scripts/bench's 30%-SIN backlog on the real Dovecot and aiosmtpd, under callgrind; not
part of the test suite.

    .venv/bin/python bench/once_phases.py --out /tmp/phases          # 1,000 messages
    .venv/bin/python bench/once_phases.py --count 100 --out /tmp/phases

The inbox, the database (`init` not measured) and the command line are bench/backlog.py's
bot_once; the command runs under `valgrind --tool=callgrind` with a callgrind dump at each
boundary of run --once's phases (the start up to the pass, fetching and storing a batch,
processing it, releasing it, the deadlines, reminders, digest and sending steps, and what
runs between them: the job book's writes, the connections). Each dump's summary is what the
phase that ended there cost; the table adds them up by phase. Slow: about 50 times the
command's own time, more on a loaded machine.
"""

from __future__ import annotations

import argparse
import collections
import functools
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

INGEST_PHASES = {
    "_fetch_and_store": "fetch and store",
    "process_stored": "process",
    "process_ids": "process",
    "release_batch": "release",
    "look_at_junk": "junk folder look",
}
PASS_STEPS = (
    "deadline_tick",
    "reminder_tick",
    "send_digest_if_due",
    "send_monthly_report_if_due",
    "send_all",
)
BETWEEN = "between phases"


def _dump(label: str) -> None:
    # Its output captured: the command's stdout is the JSON summary read afterwards.
    subprocess.run(
        ["callgrind_control", f"--dump={label}", str(os.getpid())], capture_output=True, check=False
    )


def _marked(real: Callable[..., Any], label: str) -> Callable[..., Any]:
    @functools.wraps(real)
    def marked(*args: Any, **kwargs: Any) -> Any:
        _dump(BETWEEN)
        try:
            return real(*args, **kwargs)
        finally:
            _dump(label)

    return marked


def _child(argv: list[str]) -> int:
    """The CLI, its phases marked (run under callgrind by main)."""
    from bot.services import ingest, passes

    for name, label in INGEST_PHASES.items():
        setattr(ingest, name, _marked(getattr(ingest, name), label))
    for name in PASS_STEPS:
        setattr(passes, name, _marked(getattr(passes, name), name))
    run_once = passes.run_once

    def start_marked(app: Any) -> Any:
        # A plain label: one with parentheses and commas in it was never dumped.
        _dump("start of the command")
        return _marked(run_once, "end of the pass")(app)

    passes.run_once = start_marked
    from bot.cli import entry

    sys.argv = ["tscp-bot", *argv]  # as the script runs it, its end included
    return entry()


def table(prefix: Path) -> str:
    """Every dump of `prefix`.* added up by phase; the dump at exit is the command's end."""
    totals: collections.Counter[str] = collections.Counter()
    for path in prefix.parent.glob(f"{prefix.name}.*"):
        text = path.read_text(errors="replace")
        found = re.search(r"^summary: (\d+)", text, re.M)
        if found is None:
            continue
        label = re.search(r"^desc: Trigger: dump (.+)$", text, re.M)
        totals[label.group(1) if label else "exit"] += int(found.group(1))
    whole = sum(totals.values()) or 1
    lines = [f"{'phase':40} {'instructions':>16} {'share':>7}"]
    lines += [f"{k:40} {v:>16,} {v / whole:>7.1%}" for k, v in totals.most_common()]
    lines.append(f"{'whole command':40} {whole:>16,}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--sins", type=float, default=0.3, help="share of SINs (default 0.3)")
    parser.add_argument("--out", type=Path, required=True, help="a folder for the dumps")
    parser.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        sys.exit(_child(args.child))
    from bench import harness

    harness.compile_bytecode()
    args.out.mkdir(parents=True, exist_ok=True)
    prefix = args.out / "once"
    with harness.servers() as srv:
        harness.fill_inbox(srv.dovecot, harness.backlog(args.count, args.sins))
        with harness.fresh_database(srv.work, None) as url:
            bot = harness.Bot(srv, url)
            bot.init()
            # This script runs the CLI itself, in place of the tscp-bot script.
            command = bot.args("run", "--once", "--json")[len(harness.bot_command()) :]
            callgrind = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={prefix}.%p"]
            child = [sys.executable, str(Path(__file__).resolve()), "--out", str(args.out)]
            done = harness.run_measured([*callgrind, *child, "--child", *command], bot.env)
    if done.code:
        print(done.stderr[-2000:], file=sys.stderr)
    summary = done.json()
    print(f"exit {done.code}; processed {summary.get('processed')}, sent {summary.get('sent')}")
    print(table(prefix))


if __name__ == "__main__":
    main()
