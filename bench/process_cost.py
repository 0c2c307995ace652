"""Benchmark: what one message costs the bot, in figures that do not depend on the machine's
load (instructions under callgrind, SQL statements), for the backlog mailboxes of issue 11.
Not part of the test suite.

    .venv/bin/python bench/process_cost.py --kind plain --count 200
    .venv/bin/python bench/process_cost.py --kind sins --profile /tmp/sins.prof
    .venv/bin/python bench/process_cost.py --kind replies   # or returns: one kind alone
    .venv/bin/python bench/process_cost.py --kind backlog-sins  # scripts/bench's own mix
    valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.%p \\
        .venv/bin/python bench/process_cost.py --kind plain --callgrind

One `ingest_pass` over a Maildir (no IMAP server, so the pass is the bot's own work: store,
parse, classify, decide, queue, release) on a fresh SQLite database, after a warm-up pass over
--warm messages of the same mix (so the lazy imports of document readers, templates and the
like, paid once per process, are not counted per message). With --callgrind the counters are
zeroed just before the measured pass and dumped just after it (callgrind_control), so the
dump's total is that pass's instructions alone: divide by --count.

--kind replies and --kind returns measure one kind of mail alone: the warm-up pass opens
--warm cases (a SIN each), and the measured pass is partners' replies on those cases
("RE: [TSCP-2026-0001] Screening Panel invitation", a line of text, answering the SIN); or,
after a second warm-up pass in which the Business Manager decides a Rapid Review on each
case and asks the health partner for its return, Appendix B returns on them (a filled-in
form attached, each from a sender of its own, so the loop guard never holds a receipt back).

--kind sins is the reliability suite's generated mix: its SINs share a referrer and a child,
so after the first few each goes to the triage list as that referrer's SIN sent again.
--kind backlog-sins is the mailbox scripts/bench measures (bench/harness.backlog, 30% SINs):
each SIN from a referrer of its own and about a child of its own, so each opens a case.

--send measures the outbox drain after the pass instead of the pass: every email the pass
queued, sent to a sender that takes it and does nothing with it (no server, so the figure is
the bot's own work per email: the claim, the send-time checks, the two commits); divide by
the emails sent, which it prints.
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

from bench.harness import backlog  # noqa: E402
from bench.ingest_imap import _generate  # noqa: E402
from bot.adapters.db.engine import make_engine, migrate  # noqa: E402
from bot.adapters.maildir_source import MaildirSource  # noqa: E402
from bot.bootstrap import build_app  # noqa: E402
from bot.clock import FixedClock  # noqa: E402
from bot.services.ingest import ingest_pass  # noqa: E402
from bot.services.outbox import SendReport, send_all  # noqa: E402
from tests.fixtures.app import make_config  # noqa: E402
from tests.fixtures.mail import drop_into_maildir  # noqa: E402

_PARTNERS = ("dsp.tameside@gmp.police.uk", "named.nurse@nhs.net", "dsp.children@tameside.gov.uk")
_BM = "tscp.business.manager@tameside.gov.uk"
_OUR_MX = "mx.tameside.gov.uk"  # trusted for the Business Manager's commands (--kind returns)


def _on_cases(kind: str, warm: int, count: int) -> tuple[list[list[bytes]], list[bytes]]:
    """The warm-up passes (`warm` SINs opening TSCP-2026-0001..; for returns, then the Business
    Manager's Rapid Review decision asking the health partner for a return on each), and
    `count` replies or returns on those cases."""
    from tests.fixtures.forms_docx import appendix_b_docx
    from tests.fixtures.mail import email, through_our_mx

    sins = [
        email(
            "Serious Incident Notification - GM SIN form",
            "Please find the SIN for the Screening Panel. Child initials: A.B. Date the "
            "local authority became aware: 22/12/2026. Criteria: child seriously harmed.",
            sender=f"referrer.{n}@gmp.police.uk",
            message_id=f"<sin-{n}@gmp.police.uk>",
        )
        for n in range(warm)
    ]
    refs = [f"TSCP-2026-{n + 1:04d}" for n in range(warm)]
    if kind == "replies":
        replies = [
            email(
                f"RE: [{refs[i % warm]}] Screening Panel invitation", "I can attend.",
                sender=_PARTNERS[i // warm % len(_PARTNERS)], message_id=f"<reply-{i}@test>",
                headers={"In-Reply-To": f"<sin-{i % warm}@gmp.police.uk>"},
            )
            for i in range(count)
        ]  # fmt: skip
        return [sins], replies
    decisions = [
        through_our_mx(
            email(
                f"RE: [{ref}] Screening Panel",
                "Decision: rapid review\nAgencies: icb\nReturn by: 24/12/2026",
                sender=_BM, message_id=f"<decision-{ref}@tameside.gov.uk>",
            ),
            "dkim=pass header.d=tameside.gov.uk; dmarc=pass header.from=tameside.gov.uk",
            host=_OUR_MX,
        )
        for ref in refs
    ]  # fmt: skip
    form = appendix_b_docx("Health visiting", [("01/07/2026", "Visit", "HV", "Visit", "Done")])
    returns = [
        email(
            f"RE: [{refs[i % warm]}] Appendix B return", "Our return is attached.",
            sender=f"named.nurse.{i}@nhs.net", message_id=f"<return-{i}@nhs.net>",
            attachment=("Appendix B.docx", form),
        )
        for i in range(count)
    ]  # fmt: skip
    return [sins, decisions], returns


class _Taken:
    """A sender that takes every email and sends nothing (--send)."""

    def send(self, raw: bytes, sender: str, recipients: list[str]) -> None:
        del raw, sender, recipients


def _callgrind(option: str) -> None:
    subprocess.run(["callgrind_control", option, str(os.getpid())], capture_output=True)


def _children_cpu() -> float:
    """CPU seconds of this process's live descendants (the reading process, forked from a
    forkserver, is a grandchild): time.process_time() counts this process's alone."""
    total, todo = 0, [os.getpid()]
    while todo:
        pid = todo.pop()
        for task in Path(f"/proc/{pid}/task").glob("*/children"):
            for child in task.read_text().split():
                todo.append(int(child))
                stat = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(stat[11]) + int(stat[12])  # utime, stime (fields 14 and 15)
    return total / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    kinds = ("plain", "sins", "backlog-sins", "replies", "returns")
    parser.add_argument("--kind", choices=kinds, default="plain")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--warm", type=int, default=20, help="messages of the warm-up pass")
    parser.add_argument("--profile", help="write cProfile stats of the pass to this file")
    parser.add_argument("--callgrind", action="store_true", help="zero/dump around the pass")
    parser.add_argument("--send", action="store_true", help="measure the outbox drain instead")
    args = parser.parse_args()
    if args.kind in ("replies", "returns"):
        warmups, measured = _on_cases(args.kind, args.warm, args.count)
    elif args.kind == "backlog-sins":
        messages = backlog(args.warm + args.count, 0.3)
        warmups, measured = [messages[: args.warm]], messages[args.warm :]
    else:
        messages = _generate(args.kind, args.warm + args.count, 0)
        warmups, measured = [messages[: args.warm]], messages[args.warm :]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
        engine = make_engine(url)
        migrate(engine)
        engine.dispose()
        now = datetime(2026, 12, 23, 9, tzinfo=ZoneInfo("Europe/London"))
        trusted = {"auth_mode": "required", "trusted_authserv_ids": [_OUR_MX]}
        app = build_app(make_config(folder, url, commands=trusted), FixedClock(now))
        source = MaildirSource(folder / "inbox")
        for warmup in warmups:
            drop_into_maildir(folder / "inbox", *warmup)
            ingest_pass(app, source)
            if args.send:
                send_all(app, _Taken())
        drop_into_maildir(folder / "inbox", *measured)
        if args.send:
            ingest_pass(app, source)
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
        children = _children_cpu()
        if profile is not None:
            profile.enable()
        report = send_all(app, _Taken()) if args.send else ingest_pass(app, source)
        if profile is not None:
            profile.disable()
            profile.dump_stats(args.profile)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        children = _children_cpu() - children  # the reading process's, alive till app.close
        cpu += children
        if args.callgrind:
            _callgrind("-d")
        app.close()
    if isinstance(report, SendReport):
        sent = max(report.sent, 1)
        print(
            f"{args.kind}, sending: {report.sent} sent, {report.held} held, "
            f"{report.withdrawn} withdrawn; {cpu / sent * 1000:.2f} ms CPU and "
            f"{counts['sql'] / sent:.1f} SQL statements per email sent"
        )
        return
    print(
        f"{args.kind}: {report.processed} processed, {report.released} released, "
        f"{len(report.errors)} errors; {elapsed / args.count * 1000:.2f} ms "
        f"({cpu / args.count * 1000:.2f} ms CPU, {children / args.count * 1000:.2f} of it in "
        "child processes) and "
        f"{counts['sql'] / args.count:.1f} SQL statements per message"
    )


if __name__ == "__main__":
    main()
