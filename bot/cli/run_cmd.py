"""`init` and `run`: set up the database and run the daemon (or one pass of it)."""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from bot.cli.context import Context, UsageError, typed_date
from bot.cli.output import print_json

if TYPE_CHECKING:
    from bot.services.passes import PassReport

log = logging.getLogger(__name__)


def register(sub: Any) -> None:
    p = sub.add_parser("init", help="create or upgrade the database (safe to repeat)")
    p.set_defaults(handler=init)
    p = sub.add_parser("run", help="run the daemon; --once for one full pass")
    p.add_argument(
        "--once",
        action="store_true",
        help="ingest what is waiting, run due jobs, send the outbox, then exit",
    )
    p.add_argument("--json", action="store_true", help="with --once: print the pass as JSON")
    p.add_argument(
        "--since",
        metavar="DATE",
        help="leave mail that arrived before DATE (01/12/2026 or 2026-12-01) in the inbox, "
        "untouched and reported (overrides [ingest] since)",
    )
    p.set_defaults(handler=run)


def init(ctx: Context) -> int:
    from bot.adapters.db.engine import make_engine, migrate

    engine = make_engine(ctx.config.database_url)
    try:
        migrate(engine)
    finally:
        engine.dispose()  # a refused or failed upgrade leaves no connection open either
    print(f"database ready: {engine.url.render_as_string(hide_password=True)}")
    return 0


def _refuse_future_since(ctx: Context, where: str) -> None:
    """A cut-off after today would leave every new email, a SIN among them, in the inbox
    unread, and remember it: one mistyped year, and a year of mail nobody handles."""
    from bot.services.startup_checks import future_since

    problem = future_since(ctx.config.ingest.since, ctx.today())
    if problem is not None:
        raise UsageError(f"{where}: {problem}")


def _refuse_broken_templates(ctx: Context) -> None:
    """An email the bot sends with no templates would quarantine every message that needs it
    (a SIN, for want of its acknowledgement) after it was taken from the inbox: refuse now."""
    from bot.adapters.passed_checks import private_folder
    from bot.services.startup_checks import template_problems_at_start

    problems = template_problems_at_start(ctx.config, private_folder())
    if problems:
        more = f" (and {len(problems) - 1} more: `tscp-bot doctor` lists them)"
        raise UsageError(f"refusing to start: {problems[0]}{more if len(problems) > 1 else ''}")


def _refuse_other_than_a_maildir(ctx: Context) -> None:
    """An inbox path holding something other than a Maildir (a folder of .eml files, a file)
    would be watched as an empty inbox for ever: refuse, naming it. Nothing there is fine:
    the inbox is made at the first connection, and said."""
    from bot.bootstrap import inbox_problem

    problem = inbox_problem(ctx.config)
    if problem is not None:
        raise UsageError(f"refusing to start: {problem}")


def _warn_unused_sections(ctx: Context) -> None:
    """A server section filled in for a backend not chosen, or a closure day that changes no
    count: said at every start, in the log."""
    from bot.bootstrap import calendar_for
    from bot.services.startup_checks import closure_warnings, unused_sections

    calendar = calendar_for(ctx.config, ctx.clock().now())
    for line in unused_sections(ctx.config) + closure_warnings(ctx.config, calendar):
        log.warning("%s", line)


def run(ctx: Context) -> int:
    args: argparse.Namespace = ctx.args
    _check_before_starting(ctx, args.since)
    if ctx.config.ingest.read_in_child:
        from bot.adapters.reader_launch import start_early

        start_early()
    if not args.once:
        return _run_daemon(ctx)
    return _run_once(ctx, as_json=args.json)


def _check_before_starting(ctx: Context, since: str | None) -> None:
    """Refuse to start what would fail or lose mail, each for one clear reason; and take
    `since` (--since) over the configuration's cut-off."""
    from bot.cli.data_cmd import refuse_if_exposed

    refuse_if_exposed(ctx.config)
    _refuse_broken_templates(ctx)
    _refuse_other_than_a_maildir(ctx)
    _warn_unused_sections(ctx)
    ctx.config.require_secrets()  # it connects: every password it needs, or one clear line
    if since is not None:
        day = typed_date(since, "--since")
        ctx.use_config(replace(ctx.config, ingest=replace(ctx.config.ingest, since=day)))
    _refuse_future_since(ctx, "--since" if since is not None else "configuration: ingest.since")


def _run_daemon(ctx: Context) -> int:
    from bot.scheduler import run_daemon

    # Refused at once, as by every command, on a database at another schema, or none.
    app = ctx.app(moving_clock=True, announce=False)  # its sender listens
    _ = app.templates  # now, so that the first acknowledgement does not wait for Jinja2
    run_daemon(app)
    return 0


def _run_once(ctx: Context, *, as_json: bool) -> int:
    from bot.services.passes import run_once

    app = ctx.app()
    report = run_once(app)
    counts = _pass_counts(report)
    left = report.ingest.left_summary(ctx.config.partnership.time_zone)
    if as_json:
        print_json({**counts, "left_summary": left}, sys.stdout)
    else:
        _print_pass(report, counts, left)
    # Non-zero when the mailbox could not be read, the database was in trouble (mail left
    # waiting on it), the mail server could not be reached or refused the login, or any step
    # failed, so a cron wrapper notices. A held email is not
    # one: nothing is broken, it waits for the Business Manager, who was emailed about it and
    # sees it in every digest until it is dealt with.
    trouble = (
        report.ingest.errors
        or report.ingest.database_trouble
        or report.outbox.server_trouble
        or report.errors
    )
    return 1 if trouble else 0


def _pass_counts(report: PassReport) -> dict[str, object]:
    """What the pass did, by name (`--json` prints them all; the line, the counts alone)."""
    return {
        "fetched": report.ingest.fetched,
        "stored": report.ingest.stored,
        "duplicates": report.ingest.duplicates,
        "processed": report.ingest.processed,
        "failed": report.ingest.failed,
        "quarantined_unstorable": report.ingest.quarantined,
        "not_stored": report.ingest.not_stored,
        "released": report.ingest.released,
        "waiting_for_a_person": report.ingest.waiting_for_a_person,
        "left_in_inbox": report.ingest.left.count,
        "mailbox_errors": report.ingest.errors,
        "database_trouble": report.ingest.database_trouble,
        "step_errors": report.errors,
        "overdue_marked": report.overdue_marked,
        "reminders_queued": report.reminders_queued,
        "digest_queued": report.digest_queued,
        "sent": report.outbox.sent,
        "send_retrying": report.outbox.retrying,
        "send_failed": report.outbox.failed,
        # Not sent because what they said was no longer true on the day they could go: held
        # for the Business Manager (who is emailed each), or withdrawn as owed no more.
        "send_held": report.outbox.held,
        "send_withdrawn": report.outbox.withdrawn,
        "mail_server_errors": report.outbox.server_trouble,
    }


def _print_pass(report: PassReport, counts: dict[str, object], left: str | None) -> None:
    """The counts on one line, then the mail left behind and each problem on a line of its own."""
    errors = ("mailbox_errors", "database_trouble", "step_errors", "mail_server_errors")
    print(", ".join(f"{k.replace('_', ' ')} {v}" for k, v in counts.items() if k not in errors))
    if left:
        print(left)
    for error in report.ingest.errors:
        print(f"mailbox problem: {error}")
    if report.ingest.database_trouble:
        print(f"database problem: {report.ingest.database_trouble}")
    for error in report.errors:
        print(f"step failed: {error}")
    for error in report.outbox.server_trouble:
        print(f"mail server problem: {error}; the emails wait in the outbox")
