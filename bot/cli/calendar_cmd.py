"""`calendar add` and `calendar between`: the working-day arithmetic, at the terminal."""

from __future__ import annotations

import os
import sys
from datetime import MAXYEAR, MINYEAR, date
from typing import TYPE_CHECKING, Any

from bot.cli.context import Context, UsageError, config_path, typed_date
from bot.cli.output import print_json

if TYPE_CHECKING:
    from bot.core.working_days import WorkingCalendar


def register(sub: Any) -> None:
    p = sub.add_parser("calendar", help="working-day arithmetic (England and Wales)")
    cal = p.add_subparsers(dest="calendar_command", required=True, metavar="ACTION")
    add = cal.add_parser("add", help="the date N working days after DATE (N may be negative)")
    add.add_argument("date", help="24/12/2026 or 2026-12-24")
    add.add_argument("n", type=int)
    add.add_argument("--json", action="store_true", help="print the answer as JSON")
    add.set_defaults(handler=add_days)
    between = cal.add_parser("between", help="working days after D1 up to and including D2")
    between.add_argument("d1", help="24/12/2026 or 2026-12-24")
    between.add_argument("d2", help="24/12/2026 or 2026-12-24")
    between.add_argument("--json", action="store_true", help="print the answer as JSON")
    between.set_defaults(handler=between_days)


def _calendar(ctx: Context, *dates: date) -> WorkingCalendar:
    """Local closure days come from the config when there is one; bank holidays always apply."""
    from bot.adapters.bank_holidays import NoBankHolidays, working_calendar

    # Only years a date can have: "0-3" named years that do not exist.
    first, last = min(d.year for d in dates), max(d.year for d in dates)
    years = range(max(first - 1, MINYEAR), min(last + 2, MAXYEAR) + 1)
    path = config_path(ctx.args.config)
    explicit = ctx.args.config or os.environ.get("TSCP_BOT_CONFIG")
    closures = ctx.config.partnership.local_closures if explicit or path.exists() else {}
    try:
        return working_calendar(years, closures)
    except NoBankHolidays:
        shown = list(dict.fromkeys(dates))
        said = " and ".join(str(d) for d in shown) + (" is" if len(shown) == 1 else " are")
        raise UsageError(
            f"{said} out of range: working days are counted only in years whose bank "
            "holidays are known (the holidays package's table)"
        ) from None


def add_days(ctx: Context) -> int:
    from bot.core.deadlines import fmt_date

    start = typed_date(ctx.args.date, "DATE")
    cal = _calendar(ctx, start)
    try:
        result = cal.add_working_days(start, ctx.args.n)
        # As a deadline's explanation says it: the start is day 0, not a day skipped.
        skipped = cal.counted_over(start, result)
    except OverflowError as exc:  # stepping past 9999-12-31 or before 0001-01-01
        raise UsageError(f"{ctx.args.n} working days from {start} is outside the calendar") from exc
    if ctx.args.json:
        print_json(
            {
                "start": start,
                "working_days": ctx.args.n,
                "date": result,
                "skipped": [{"date": d, "name": n} for d, n in skipped],
            },
            sys.stdout,
        )
        return 0
    print(f"{fmt_date(result)}  ({result.isoformat()})")
    for day, name in skipped:
        print(f"  skipped {fmt_date(day)}: {name}")
    return 0


def between_days(ctx: Context) -> int:
    d1, d2 = typed_date(ctx.args.d1, "D1"), typed_date(ctx.args.d2, "D2")
    cal = _calendar(ctx, d1, d2)
    try:
        count = cal.working_days_between(d1, d2)
    except OverflowError as exc:  # counting up to 9999-12-31 steps one day past it
        raise UsageError(f"cannot count working days between {d1} and {d2}") from exc
    if ctx.args.json:
        print_json({"from": d1, "to": d2, "working_days": count}, sys.stdout)
    else:
        print(count)
    return 0
