"""`purge`, `export` and `restore`: keeping the record no longer than the retention settings
say, and a whole copy of it that restores into SQLite or PostgreSQL. Also the check that the
files holding the record are private, made before the daemon starts."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.cli.context import Context, UsageError
from bot.cli.output import print_json
from bot.core.dates import fmt_at, fmt_date

if TYPE_CHECKING:  # the handlers import what they use when they run (tests/test_cli_imports.py)
    from bot.adapters.db.models import PurgeRecord
    from bot.config import Config
    from bot.services.backup import RecordSummary
    from bot.services.purge import PurgeItem


def register(sub: Any) -> None:
    p = sub.add_parser(
        "purge",
        help="delete what the [retention] settings say is due (never anything on an open case)",
    )
    p.add_argument(
        "--dry-run", action="store_true", help="list what would go (references and counts only)"
    )
    p.add_argument(
        "--log", action="store_true", help="list what earlier purges deleted (the audit log)"
    )
    p.add_argument("--json", action="store_true", help="print the list as JSON")
    p.set_defaults(handler=purge_cmd)
    p = sub.add_parser(
        "export", help="write the whole record (every table and raw email) to one archive"
    )
    p.add_argument("path", help="the archive to create (.tar.gz, made 0600; never overwritten)")
    p.set_defaults(handler=export_cmd)
    p = sub.add_parser("restore", help="load an export into a new, empty database")
    p.add_argument("path", help="an archive written by `tscp-bot export`")
    p.set_defaults(handler=restore_cmd)


def refuse_if_exposed(config: Config) -> None:
    """Stop, with one line naming the file and the chmod that fixes it, when the database or a
    Maildir can be read by everyone on the machine (or changed by a group)."""
    from bot.services.startup_checks import first_exposure

    first = first_exposure(config)
    if first is not None:
        raise UsageError(f"refusing to start: {first}")


def purge_cmd(ctx: Context) -> int:
    from bot.services.purge import plan_purge, purge, purge_history

    refuse_if_exposed(ctx.config)
    app = ctx.app()
    if ctx.args.log:
        return _print_history(ctx, purge_history(app))
    now = ctx.clock().now()
    items = plan_purge(app, now) if ctx.args.dry_run else purge(app, now, getpass.getuser())
    if ctx.args.json:
        print_json(
            {"dry_run": ctx.args.dry_run, "purged": [_as_json(i) for i in items]}, sys.stdout
        )
        return 0
    tz = ctx.config.partnership.time_zone
    for item in items:
        rows = ", ".join(f"{table} {n}" for table, n in sorted(item.rows.items()))
        since = fmt_date(item.decision.since.astimezone(tz).date())
        print(f"{item.decision.reference}  {item.rule_setting}  since {since}  rows: {rows}")
    verb = "would purge" if ctx.args.dry_run else "purged"
    total = sum(sum(i.rows.values()) for i in items)
    counted = f"{_n(len(items), 'record')} ({_n(total, 'row')})"
    print(f"{verb} {counted}" + _logged(items, ctx.args.dry_run))
    return 0


def _print_history(ctx: Context, records: list[PurgeRecord]) -> int:
    rows = [
        {
            "purged_at": r.purged_at,
            "kind": r.kind,
            "reference": r.reference,
            "rule": r.rule,
            "since": r.since,
            "rows": r.removed,
            "run_by": r.run_by,
        }
        for r in records
    ]
    if ctx.args.json:
        print_json(rows, sys.stdout)
        return 0
    tz = ctx.config.partnership.time_zone
    for r in records:
        when = fmt_at(r.purged_at.astimezone(tz))  # as the other tables; --json keeps ISO
        removed = sum(int(n) for n in r.removed.values() if isinstance(n, int))
        print(f"{when}  {r.reference}  {r.rule}  {_n(removed, 'row')}  by {r.run_by or '?'}")
    print(f"{_n(len(records), 'record')} purged in all")
    return 0


def _logged(items: list[PurgeItem], dry_run: bool) -> str:
    return "" if dry_run or not items else "; each is recorded in the purge log"


def _as_json(item: PurgeItem) -> dict[str, object]:
    d = item.decision
    return {
        "kind": d.kind.value,
        "reference": d.reference,
        "rule": item.rule_setting,
        "since": d.since,
        "rows": item.rows,
    }


def export_cmd(ctx: Context) -> int:
    from bot.adapters.db.engine import make_engine, refuse_newer_schema
    from bot.adapters.record_archive import ArchiveError
    from bot.services.backup import BackupRefused, export_record

    engine = make_engine(ctx.config.database_url, create=False)
    try:
        refuse_newer_schema(engine)  # this code would leave out what the newer schema added
        summary = export_record(engine, Path(ctx.args.path), ctx.clock().now())
    except (ArchiveError, BackupRefused) as exc:
        raise UsageError(f"export: {exc}") from None
    finally:
        engine.dispose()
    print(f"exported {_described(summary)} to {ctx.args.path}")
    return 0


def restore_cmd(ctx: Context) -> int:
    from bot.adapters.db.engine import make_engine, sqlite_file
    from bot.adapters.record_archive import ArchiveError
    from bot.services.backup import BackupRefused, restore_record

    file = sqlite_file(ctx.config.database_url)
    made = file is not None and not file.exists()
    engine = make_engine(ctx.config.database_url)
    try:
        summary = restore_record(engine, Path(ctx.args.path))
    except (ArchiveError, BackupRefused) as exc:
        engine.dispose()
        if made and file is not None:  # a refused restore leaves no empty database to trip on
            for left in (file, Path(f"{file}-wal"), Path(f"{file}-shm"), Path(f"{file}-journal")):
                left.unlink(missing_ok=True)
        raise UsageError(f"restore: {exc}") from None
    finally:
        engine.dispose()
    shown = engine.url.render_as_string(hide_password=True)
    print(f"restored {_described(summary)} into {shown}; now at the newest schema")
    return 0


def _described(s: RecordSummary) -> str:
    tables = len([n for n in s.rows.values() if n])
    raw = _n(s.raw_messages, "raw email")
    return f"{_n(s.total_rows, 'row')} in {_n(tables, 'table')} and {raw} (schema {s.schema})"


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")
