"""Benchmark: a backlog read over IMAP from a real Dovecot, against a bare fetch loop in the
same run, and the bot's peak memory. Not part of the test suite.

    .venv/bin/python bench/ingest_imap.py                       # 1,000 plain, 1,000 with 30% SINs
    .venv/bin/python bench/ingest_imap.py --count 5000 --only plain
    .venv/bin/python bench/ingest_imap.py --count 5000 --only moved   # every message moved
    .venv/bin/python bench/ingest_imap.py --large-attachment-mb 25 --only large
    .venv/bin/python bench/ingest_imap.py --code /tmp/old-checkout   # the same on other code

Each scenario gets a fresh Dovecot mailbox and a fresh SQLite database (or
--database-url, emptied first), and runs one `ingest_pass` in a child process, so the peak
RSS printed (VmHWM) is that process's alone. The bare loop is imapclient fetching the same
mailbox in 100-UID BODY.PEEK[] batches, in this process, just before the bot's pass.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]


def _generate(kind: str, count: int, attachment_mb: int) -> list[bytes]:
    from tests.reliability.mailgen import MailGenerator

    gen = MailGenerator(seed=11, prefix=f"bench{kind}")
    if kind == "large":
        from email.message import EmailMessage

        msg = EmailMessage()
        msg["From"] = "Robin Example <robin.example@gmp.police.uk>"
        msg["To"] = "tscp@tameside.gov.uk"
        msg["Subject"] = "Scanned case file"
        msg["Message-ID"] = "<large-1@gmp.police.uk>"
        msg.set_content("The scanned file is attached.")
        data = os.urandom(attachment_mb * 1_000_000)
        msg.add_attachment(data, maintype="application", subtype="pdf", filename="scan.pdf")
        return [msg.as_bytes()] + [gen.one("plain").raw for _ in range(count - 1)]
    if kind == "moved":  # auto-replies: handled in full and moved, so release is measured
        return [gen.one("auto_reply").raw for _ in range(count)]
    out = []
    for i in range(count):
        if kind == "sins" and i % 10 < 3:
            out.append(gen.one("sin" if i % 2 else "sin_form").raw)
        else:
            # About 10% with attachments, as in the mailbox.
            out.append(gen.one("plain_attachment" if i % 10 == 9 else "plain").raw)
    return out


def _append(server: object, messages: list[bytes]) -> None:
    with server.client() as client:  # type: ignore[attr-defined]
        for raw in messages:
            client.append("INBOX", raw)


def _bare_fetch(server: object) -> float:
    """msg/s of imapclient alone: SELECT, SEARCH, FETCH BODY.PEEK[] in 100-UID batches."""
    with server.client() as client:  # type: ignore[attr-defined]
        started = time.perf_counter()
        client.select_folder("INBOX", readonly=True)
        uids = sorted(client.search("ALL"))
        got = 0
        for i in range(0, len(uids), 100):
            data = client.fetch(uids[i : i + 100], ["BODY.PEEK[]"])
            got += sum(1 for item in data.values() if item.get(b"BODY[]"))
        elapsed = time.perf_counter() - started
    return got / elapsed


def _run_child(
    args: argparse.Namespace, server: object, url: str, code: str, kind: str
) -> dict[str, float]:
    command = [
        sys.executable, str(Path(__file__).resolve()), "--child",
        "--code", code, "--database-url", url,
        "--port", str(server.port), "--user", server.user,  # type: ignore[attr-defined]
        "--password", server.password,  # type: ignore[attr-defined]
    ]  # fmt: skip
    if args.profile:
        command += ["--profile", f"{args.profile}.{kind}"]
    # The schema is made by a process of its own, as `tscp-bot migrate` would: the pass's
    # peak RSS is not Alembic's.
    subprocess.run([*command, "--migrate"], capture_output=True, check=True)
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    sys.stderr.write(done.stderr if args.verbose else "")
    if done.returncode:
        raise SystemExit(f"child failed:\n{done.stdout}\n{done.stderr[-4000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _child(args: argparse.Namespace) -> None:
    sys.path.insert(0, args.code)
    from bot.adapters.db.engine import make_engine, migrate
    from bot.adapters.imap_source import ImapSource
    from bot.bootstrap import build_app
    from bot.clock import FixedClock
    from bot.services.ingest import ingest_pass
    from tests.fixtures.app import make_config

    if args.migrate:
        engine = make_engine(args.database_url)
        migrate(engine)
        engine.dispose()
        return
    now = datetime(2026, 12, 23, 9, tzinfo=ZoneInfo("Europe/London"))
    with tempfile.TemporaryDirectory() as tmp:
        app = build_app(make_config(Path(tmp), args.database_url), FixedClock(now))
        source = ImapSource("127.0.0.1", args.port, args.user, args.password, security="plain")
        counts = _count_commands(app.engine)
        profile = None
        if args.profile:
            import cProfile

            profile = cProfile.Profile()
            profile.enable()
        before = resource.getrusage(resource.RUSAGE_SELF)
        print(f"peak RSS before the pass: {_peak_rss_mb():.0f} MB", file=sys.stderr)
        started = time.perf_counter()
        report = ingest_pass(app, source)
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF)
        if profile is not None:
            profile.disable()
            profile.dump_stats(args.profile)
        source.close()
        app.close()
    rss = _peak_rss_mb()
    print(
        json.dumps(
            {
                "elapsed": elapsed,
                "cpu": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime,
                "processed": report.processed,
                "released": report.released,
                "errors": len(report.errors),
                "rss_mb": rss,
                **counts,
            }
        )
    )


def _peak_rss_mb() -> float:
    """This process's peak RSS (VmHWM). Not ru_maxrss: Linux carries that over exec from the
    parent that forked it, so a child started by a parent holding the generated mail would
    report the parent's size."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _count_commands(engine: object) -> dict[str, int]:
    """Counters, filled in as the pass runs, of the IMAP commands sent and the SQL statements
    and commits made: figures that do not depend on the machine's load."""
    import imaplib

    from sqlalchemy import event

    counts = {"imap": 0, "sql": 0, "commits": 0}
    command = imaplib.IMAP4._command  # type: ignore[attr-defined]  # private: not in typeshed

    def counted(self: imaplib.IMAP4, name: str, *args: object) -> object:
        counts["imap"] += 1
        return command(self, name, *args)

    imaplib.IMAP4._command = counted  # type: ignore[attr-defined]

    def statement(*_: object) -> None:
        counts["sql"] += 1

    def commit(*_: object) -> None:
        counts["commits"] += 1

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", commit)
    return counts


def _fresh_database(url: str | None, folder: Path, name: str) -> str:
    if url is None:
        return f"sqlite:///{folder / name}.sqlite3"
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--only", choices=("plain", "sins", "moved", "large"), action="append")
    parser.add_argument("--large-attachment-mb", type=int, default=25)
    parser.add_argument("--database-url", help="PostgreSQL URL to use (its schema is dropped)")
    parser.add_argument("--code", default=str(ROOT), help="checkout whose bot/ is measured")
    parser.add_argument("--verbose", action="store_true", help="show the child's stderr")
    parser.add_argument("--profile", help="write the bot's cProfile stats to PROFILE.<kind>")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--migrate", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--user", help=argparse.SUPPRESS)
    parser.add_argument("--password", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args)
        return
    sys.path.insert(0, str(ROOT))
    from tests.fixtures.dovecot import DovecotServer

    server = DovecotServer()
    server.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for kind in args.only or ("plain", "sins"):
                count = 10 if kind == "large" else args.count
                server.new_user()
                _append(server, _generate(kind, count, args.large_attachment_mb))
                bare = _bare_fetch(server)
                url = _fresh_database(args.database_url, Path(tmp), kind)
                result = _run_child(args, server, url, args.code, kind)
                rate = count / result["elapsed"]
                print(
                    f"{kind:6} {count:5} msgs: bot {rate:7.1f} msg/s "
                    f"({count / result['cpu']:.0f} per CPU second) "
                    f"(processed {result['processed']:.0f}, released {result['released']:.0f}, "
                    f"errors {result['errors']:.0f}); bare fetch {bare:7.1f} msg/s; "
                    f"bot/bare {rate / bare:.1%}; peak RSS {result['rss_mb']:.0f} MB; "
                    f"per message: {result['imap'] / count:.2f} IMAP commands, "
                    f"{result['sql'] / count:.1f} SQL statements, "
                    f"{result['commits'] / count:.2f} commits",
                    flush=True,
                )
    finally:
        server.cleanup()


if __name__ == "__main__":
    main()
