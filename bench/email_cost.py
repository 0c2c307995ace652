"""Benchmark: what building one outgoing email costs, in instructions under callgrind (which do
not depend on the machine's load), for the kinds of mail the bot sends. Not part of the test
suite.

    .venv/bin/python bench/email_cost.py                       # every kind under callgrind
    .venv/bin/python bench/email_cost.py --kind digest --count 20
    .venv/bin/python bench/email_cost.py --no-valgrind         # wall time only, quick look

Each kind runs in its own `valgrind --tool=callgrind` child: it renders the packaged templates
from the example contexts of tests/adapters/test_templates.py (an acknowledgement, a deadline
reminder, a Screening Panel invitation with its calendar, a daily digest with --digest-rows rows
in each list and two inline chart images), builds a few emails to warm up, then zeroes the
counters, builds --count emails (each with its own case reference, so nothing is the same from
one email to the next) and dumps. The parent reads the dump's total: instructions per email.
Only build_email is measured, not the rendering.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.adapters.email_builder import InlineImage, build_email, make_message_id  # noqa: E402
from bot.adapters.ical import build_invitation  # noqa: E402
from bot.adapters.templates import TemplateRenderer  # noqa: E402
from tests.adapters.test_templates import CONTEXTS, TEMPLATES  # noqa: E402

KINDS = ("acknowledgement", "reminder", "invitation", "digest")
LONDON = ZoneInfo("Europe/London")
WHEN = datetime(2026, 12, 24, 15, 0, tzinfo=UTC)
REF = "TSCP-2026-0007"
SENDER = {"sender": "tscp@example.org", "sender_name": "Tameside Safeguarding Children Partnership"}


def _digest_context(rows: int) -> dict[str, Any]:
    """The example digest with every list grown to `rows` entries: a busy partnership's day."""
    context = dict(CONTEXTS["daily_digest"])
    for key, value in list(context.items()):
        if isinstance(value, list) and value:
            context[key] = [value[i % len(value)] for i in range(rows)]
    context["triage_total"] = len(context["triage"])
    return context


def _calendar() -> bytes:
    return build_invitation(
        uid="tscp-2026-0007-screening@example.org",
        sequence=0,
        start=datetime(2026, 12, 29, 10, 0, tzinfo=LONDON),
        end=datetime(2026, 12, 29, 11, 0, tzinfo=LONDON),
        summary=f"[{REF}] Screening Panel",
        description=f"Decide whether {REF} meets the criteria for a Rapid Review.",
        location="Microsoft Teams",
        organizer=("Pat Example", "pat.example@example.org"),
        attendees=[("Sam Sample", "sam.sample@example.org"), ("Lee Tester", "lee@example.net")],
        stamp=WHEN,
        tz=LONDON,
    )


def _template(kind: str, digest_rows: int) -> dict[str, Any]:
    """build_email's arguments for one email of the kind, with REF where the case goes."""
    renderer = TemplateRenderer(TEMPLATES)
    event = {
        "acknowledgement": "sin_acknowledgement",
        "reminder": "deadline_reminder",
        "invitation": "screening_invitation",
        "digest": "daily_digest",
    }[kind]
    context = _digest_context(digest_rows) if kind == "digest" else CONTEXTS[event]
    rendered = renderer.render(event, context)
    args: dict[str, Any] = {
        **SENDER,
        "to": ["sam.sample@example.org"],
        "subject": rendered.subject,
        "text": rendered.text,
        "html": rendered.html,
        "date": WHEN,
    }
    if kind == "acknowledgement":
        args["in_reply_to"] = "<CAF1sin.0007@police.example.net>"
        args["references"] = ["<CAF1sin.0007@police.example.net>"]
    elif kind == "reminder":
        args["cc"] = ["pat.example@example.org"]
    elif kind == "invitation":
        args["to"] = ["sam.sample@example.org", "lee@example.net", "jo@example.org"]
        args["ics"] = _calendar()
    else:
        noise = random.Random(11)
        args["images"] = [
            InlineImage(f"chart-{n}@tscp-bot", f"chart-{n}.png", noise.randbytes(30_000))
            for n in (1, 2)
        ]
    return args


def emails(kind: str, count: int, digest_rows: int) -> list[dict[str, Any]]:
    """count emails of the kind, each about its own case."""
    template = _template(kind, digest_rows)
    out = []
    for n in range(count):
        ref = f"TSCP-2026-{n + 1000:04d}"

        def swap(value: Any, ref: str = ref) -> Any:
            return value.replace(REF, ref) if isinstance(value, str) else value

        args = {key: swap(value) for key, value in template.items()}
        args["message_id"] = make_message_id(f"{kind}:{ref}", "example.org")
        out.append(args)
    return out


def _callgrind(option: str) -> None:
    subprocess.run(["callgrind_control", option, str(os.getpid())], capture_output=True)


def _child(kind: str, count: int, digest_rows: int, warm: int, under_valgrind: bool) -> None:
    batch = emails(kind, warm + count, digest_rows)
    for args in batch[:warm]:
        build_email(**args)
    measured = batch[warm:]
    if under_valgrind:
        _callgrind("-z")
    started = time.perf_counter()
    size = sum(len(build_email(**args)) for args in measured)
    elapsed = time.perf_counter() - started
    if under_valgrind:
        _callgrind("-d")
    print(f"{kind} {elapsed / count * 1000:.3f} {size // count}")


def _total(dump: Path) -> int:
    for line in dump.read_text().splitlines():
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1])
    raise ValueError(f"no total in {dump}")


def _run(kind: str, args: argparse.Namespace) -> str:
    count = args.count or (5 if kind == "digest" else 50)
    child = [
        sys.executable,
        __file__,
        "--child",
        kind,
        "--count",
        str(count),
        "--digest-rows",
        str(args.digest_rows),
        "--warm",
        str(args.warm),
    ]
    if args.no_valgrind:
        out = subprocess.run(child, capture_output=True, text=True, check=True).stdout
        _, ms, size = out.split()
        return f"{kind:16} {float(ms):10.3f} ms/email {int(size):>10} bytes/email"
    with tempfile.TemporaryDirectory() as tmp:
        valgrind = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/cg.%p"]
        out = subprocess.run(
            [*valgrind, *child, "--valgrind"], capture_output=True, text=True, check=True
        ).stdout
        _, _, size = out.split()
        dumps = [p for p in Path(tmp).iterdir() if re.fullmatch(r"cg\.\d+\.1", p.name)]
        if len(dumps) != 1:
            raise RuntimeError(f"expected one callgrind dump, found {sorted(os.listdir(tmp))}")
        per_email = _total(dumps[0]) / count
    return f"{kind:16} {per_email / 1e6:10.3f} M instructions/email {int(size):>10} bytes/email"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=KINDS, action="append", help="default: every kind")
    parser.add_argument(
        "--count", type=int, help="emails measured per kind (default 50, digests 5)"
    )
    parser.add_argument("--warm", type=int, default=3, help="emails built before measuring")
    parser.add_argument("--digest-rows", type=int, default=50, help="rows in each digest list")
    parser.add_argument("--no-valgrind", action="store_true", help="wall time, no callgrind")
    parser.add_argument("--child", choices=KINDS, help=argparse.SUPPRESS)
    parser.add_argument("--valgrind", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.count, args.digest_rows, args.warm, args.valgrind)
        return
    for kind in args.kind or KINDS:
        print(_run(kind, args), flush=True)


if __name__ == "__main__":
    main()
