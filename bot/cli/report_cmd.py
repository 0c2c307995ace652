"""`report --from DATE --to DATE`: the Board's timeliness report, as text, JSON or CSV; with
--xlsx and --html also saved as a spreadsheet and as a web page with its charts."""

from __future__ import annotations

import csv
import shutil
import sys
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from bot.cli.context import Context, UsageError, file_to_write, typed_date
from bot.cli.output import print_json, print_table
from bot.core.deadlines import fmt_date

if TYPE_CHECKING:
    from bot.core.timeliness_figures import MeasureFigures, PeriodFigures, TimelinessReport


def register(sub: Any) -> None:
    p = sub.add_parser(
        "report", help="timeliness report for the Board: deadlines met on time, per quarter"
    )
    p.add_argument("--from", dest="start", required=True, metavar="DATE", help="e.g. 01/04/2026")
    p.add_argument("--to", dest="end", required=True, metavar="DATE", help="e.g. 31/03/2027")
    form = p.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="every figure, as JSON")
    form.add_argument("--csv", action="store_true", help="one row per measure per period")
    p.add_argument("--xlsx", metavar="PATH", help="also save it as an Excel workbook")
    p.add_argument("--html", metavar="PATH", help="also save it as a web page, with its charts")
    p.set_defaults(handler=report)


def report(ctx: Context) -> int:
    from bot.core.timeliness_tables import CSV_COLUMNS, csv_rows, report_json
    from bot.services.timeliness import timeliness

    start, end = typed_date(ctx.args.start, "--from"), typed_date(ctx.args.end, "--to")
    file_to_write(ctx.args.xlsx, "--xlsx")  # refused now, not after the report is printed
    file_to_write(ctx.args.html, "--html")
    if end < start:
        raise UsageError(f"--to {fmt_date(end)} is before --from {fmt_date(start)}")
    today = ctx.today()
    with ctx.session() as session:
        figures = timeliness(session, ctx.config, start, end, today)
    if ctx.args.json:
        print_json(report_json(figures), sys.stdout)
    elif ctx.args.csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(csv_rows(figures))
    else:
        print_text(figures, sys.stdout)
    _save(ctx, figures)
    return 0


def _save(ctx: Context, figures: TimelinessReport) -> None:
    """The files asked for; named on stderr, so --json and --csv output stays clean."""
    from pathlib import Path

    if not (ctx.args.xlsx or ctx.args.html):
        return
    from bot.services.report_output import write_html, write_xlsx

    if ctx.args.xlsx:
        write_xlsx(figures, Path(ctx.args.xlsx))
        print(f"Saved the workbook to {ctx.args.xlsx}", file=sys.stderr)
    if ctx.args.html:
        write_html(ctx.config, figures, Path(ctx.args.html))
        print(f"Saved the web page, charts included, to {ctx.args.html}", file=sys.stderr)


def print_text(r: TimelinessReport, out: TextIO) -> None:
    whole = r.whole
    out.write(f"Timeliness report, {whole.period.label}\n")
    out.write(f"SIN forms received: {whole.sins_received}\n\n")
    out.write("Median and worst: how late the late ones were, in working days.\n\n")
    _figures(whole.measures, "Measure", out)
    if whole.appendix_b:
        out.write("\nAppendix B returned on time, by agency\n")
        _figures(whole.appendix_b, "Agency", out)
    _late(r, out)
    _extended(whole, out)
    _set_aside(whole, out)
    _quarters(r, out)
    out.write("\n" + textwrap.fill(r.calendar_note, width=_width()) + "\n")


def _figures(measures: Sequence[MeasureFigures], first: str, out: TextIO) -> None:
    print_table(
        [first, "Due", "On time", "Late", "Rate", "Median", "Worst"],
        [
            [
                m.agency or m.label,
                m.due,
                m.on_time,
                len(m.late),
                _percent(m.on_time_rate),
                _days(m.median_days_late),
                _days(m.worst_days_late),
            ]
            for m in measures
        ],
        out,
    )


def _late(r: TimelinessReport, out: TextIO) -> None:
    """Each late case under its measure's full name: a table would cut the names to fit."""
    late = [m for m in (*r.whole.measures, *r.whole.appendix_b) if m.late]
    if not late:
        return
    at = r.as_of or r.whole.period.end
    out.write(f"\nLate, by how many working days (not done: still not done on {fmt_date(at)})\n")
    for m in late:
        out.write(f"{_name(m)}\n")
        for c in m.late:
            done = f"done {fmt_date(c.done_on)}" if c.done_on else "not done"
            days = (
                "1 working day"
                if c.working_days_late == 1
                else f"{c.working_days_late} working days"
            )
            out.write(f"  {c.ref}  due {fmt_date(c.due)}  {done}  {days}\n")


def _extended(p: PeriodFigures, out: TextIO) -> None:
    rows = [m for m in (*p.measures, *p.appendix_b) if m.extended]
    if rows:
        out.write("\nExtended by agreement (counted above against the rule's own day)\n")
    for m in rows:
        out.write(f"  {_name(m)}: {m.extended} extended, {m.agreed_met} met the agreed day\n")


def _set_aside(p: PeriodFigures, out: TextIO) -> None:
    lines = [
        textwrap.fill(
            f"{_name(m)}: {why}: {', '.join(refs)}",
            width=_width(),
            initial_indent="  ",
            subsequent_indent="    ",
        )
        + "\n"
        for m in (*p.measures, *p.appendix_b)
        for why, refs in (
            ("met, but the day it was met is not recorded", m.undated),
            ("never recorded as met, case closed", m.closed_unmet),
        )
        if refs
    ]
    if lines:
        out.write("\nNot counted (neither on time nor late; please check these cases)\n")
        out.writelines(lines)


def _quarters(r: TimelinessReport, out: TextIO) -> None:
    if len(r.quarters) < 2:
        return
    # Numbered columns, so that the measures' names keep their room on a narrow terminal.
    heads = [f"Q{i}" for i in range(1, len(r.quarters) + 1)]
    key = ", ".join(f"{h} {q.period.label}" for h, q in zip(heads, r.quarters, strict=True))
    out.write("\n" + textwrap.fill(f"By quarter, on time / due ({key})", width=_width()) + "\n")
    rows: list[list[object]] = [["SIN forms received", *(q.sins_received for q in r.quarters)]]
    for i, m in enumerate((*r.whole.measures, *r.whole.appendix_b)):
        rows.append([_name(m), *(_cell(_period_measures(q)[i]) for q in r.quarters)])
    print_table(["Measure", *heads], rows, out)


def _width() -> int:
    return min(shutil.get_terminal_size().columns, 100) if sys.stdout.isatty() else 100


def _period_measures(p: PeriodFigures) -> tuple[MeasureFigures, ...]:
    return (*p.measures, *p.appendix_b)


def _name(m: MeasureFigures) -> str:
    return f"Appendix B: {m.agency}" if m.agency else m.label


def _cell(m: MeasureFigures) -> str:
    return f"{m.on_time}/{m.due}" if m.due else "-"


def _percent(share: float | None) -> str | None:
    # Half up, as a reader would (round() would make 12.5% into 12%).
    return None if share is None else f"{int(share * 100 + 0.5)}%"


def _days(n: float | None) -> str | None:
    if n is None:
        return None
    return str(int(n)) if n == int(n) else f"{n:.1f}"
