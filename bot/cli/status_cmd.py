"""`status`: is the bot healthy? Exit 0 healthy, 1 something needs attention, 2 the database
cannot be reached."""

from __future__ import annotations

import sys
from datetime import datetime, tzinfo
from typing import Any, cast

from bot.cli.context import Context
from bot.cli.output import print_json
from bot.clock import SystemClock
from bot.core.dates import fmt_at

HEALTHY, UNHEALTHY, UNREACHABLE = 0, 1, 2


def register(sub: Any) -> None:
    p = sub.add_parser(
        "status", help="the daemon's health: exit 0 healthy, 1 needs attention, 2 no database"
    )
    p.add_argument("--json", action="store_true", help="print it as JSON")
    p.set_defaults(handler=status)


def status(ctx: Context) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from bot.adapters.db.engine import NoDatabase
    from bot.services.status import status_report

    try:
        app = ctx.reader()  # reads the database only, in Core
        report = status_report(app, SystemClock().now())
    except NoDatabase as exc:  # to a monitor, no file is no database: the same exit
        print(f"tscp-bot: database: {exc}", file=sys.stderr)
        return UNREACHABLE
    except SQLAlchemyError as exc:
        first = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [""])[0]
        print(f"tscp-bot: database unreachable: {first}", file=sys.stderr)
        return UNREACHABLE
    if ctx.args.json:
        print_json(report, sys.stdout)
    else:
        _print(report, ctx.config.partnership.time_zone)
    return HEALTHY if report["healthy"] else UNHEALTHY


def _when(value: object, tz: tzinfo) -> str:
    # "Wed 23 Dec 2026 09:00" in the partnership's zone, as every other table writes a time
    # (bot.cli.output); --json keeps ISO for monitoring.
    if isinstance(value, datetime):
        return fmt_at(value.astimezone(tz))
    return "never" if value is None else str(value)


def _print(report: dict[str, object], tz: tzinfo) -> None:
    db = cast(dict[str, object], report["database"])
    print(f"database: reachable ({db['url']}); schema {db['schema']}, newest {db['schema_head']}")
    if "jobs" in report:
        _print_mail(report, tz)
        print("jobs:")
        for job in cast(list[dict[str, object]], report["jobs"]):
            line = f"  {job['name']:<14} {job['state']:<10} last ok {_when(job['last_ok'], tz)}"
            if job["failures"]:
                line += f"; {job['failures']} failures since {_when(job['failing_since'], tz)}"
                line += f": {job['last_error']}"
            print(f"{line}; held by {job['held_by'] or 'no instance'}")
        heard = cast(dict[str, object], report["last_heartbeat"])
        if heard["seconds_ago"] is not None:
            print(f"last heartbeat {heard['seconds_ago']} s ago ({_when(heard['at'], tz)})")
        print("instances:")
        for i in cast(list[dict[str, object]], report["instances"]) or [{}]:
            if not i:
                print("  none in the last day")
                continue
            gone = f", stopped {_when(i['stopped'], tz)}" if i["stopped"] else ""
            print(
                f"  {i['id']} started {_when(i['started'], tz)}, "
                f"last seen {_when(i['last_seen'], tz)}{gone}"
            )
    problems = cast(list[str], report["problems"])
    for problem in problems:
        print(f"PROBLEM: {problem}")
    print("status: healthy" if report["healthy"] else "status: NEEDS ATTENTION")


def _print_mail(report: dict[str, object], tz: tzinfo) -> None:
    mailbox = cast(dict[str, object], report["mailbox"])
    outbox = cast(dict[str, object], report["outbox"])
    print(f"mailbox: last good check {_when(mailbox['last_good_check'], tz)}")
    if mailbox["last_error"]:
        print(f"  last error: {mailbox['last_error']}")
    if mailbox.get("junk_error"):
        print(f"  {mailbox['junk_error']} (mail reading goes on; look at Junk Email by hand)")
    print(f"last email sent: {_when(report['last_send'], tz)}")
    print(f"next digest: {_when(report['next_digest'], tz)}")
    waiting = f"outbox: {outbox['pending']} waiting"
    if outbox["oldest_pending"] is not None:
        waiting += f", the oldest since {_when(outbox['oldest_pending'], tz)}"
    print(waiting)
    unprocessed = report["oldest_unprocessed_message"]
    print(
        "oldest unprocessed message: "
        + ("none" if unprocessed is None else f"stored {_when(unprocessed, tz)}")
    )
    print(f"quarantined messages: {report['quarantined']}")
