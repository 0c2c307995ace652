"""`cases` and `case REF`: what the bot holds, for people and for machines."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, tzinfo
from functools import cache, partial
from typing import TYPE_CHECKING, Any, TextIO

from bot.cli.context import Context, NotFound
from bot.cli.output import print_json, print_table
from bot.core.closed_ahead import act_today_note
from bot.core.dates import fmt_at, fmt_date

if TYPE_CHECKING:
    from bot.core.working_days import WorkingCalendar
    from bot.services.case_view_types import CaseListRow

ACT_TODAY = "ACT TODAY"


def register(sub: Any) -> None:
    p = sub.add_parser("cases", help="list cases: kind, stage, next deadline, overdue or not")
    p.add_argument("--json", action="store_true", help="print the list as JSON")
    p.set_defaults(handler=list_cases)
    p = sub.add_parser("case", help="one case: deadlines, chronology, messages")
    p.add_argument("ref", help="case reference, e.g. TSCP-2026-0001")
    p.add_argument("--json", action="store_true", help="print the case as JSON")
    p.set_defaults(handler=show_case)


def list_cases(ctx: Context) -> int:
    from bot.services.case_list import case_summaries

    today = ctx.today()
    with ctx.connection() as connection:
        summaries = case_summaries(connection)
    # The next deadline is the earliest unmet one: if it has passed, the case is overdue. Any
    # unmet one, the next or a later one, that falls while the council is closed from tomorrow
    # until after it is marked too: today is the last day to act on each.
    calendar = _calendar(ctx)
    rows = [_row(r, today, calendar) for r in summaries]
    if ctx.args.json:
        print_json(rows, sys.stdout)
    else:
        print_table(
            ["Reference", "Kind", "Status", "Stage", "Opened", "Next deadline", "Due", "Overdue"],
            [
                [
                    r["ref"],
                    r["kind"],
                    r["status"],
                    r["stage"],
                    r["opened_at"],
                    r["next_deadline"],
                    r["next_due"],
                    _marks(r),
                ]
                for r in rows
            ],
            sys.stdout,
            tz=ctx.config.partnership.time_zone,
        )
        for r in rows:
            if r["next_extended"]:  # the agreed day is shown, never without its first
                sys.stdout.write(f"  {r['ref']} {r['next_deadline']}: {r['next_extended']}\n")
            for x in r["act_today"]:
                sys.stdout.write(f"  {r['ref']} {x['deadline']}: {_act_today(x)}\n")
    return 0


def _row(
    summary: CaseListRow, today: date, calendar: Callable[[], WorkingCalendar]
) -> dict[str, Any]:
    """One case of the list: overdue by its next deadline; `act_today` every unmet deadline
    (`while_closed` the next one's words) due while the council is closed from tomorrow."""
    ahead = [(summary["next_deadline"], summary["next_due"])] if summary["next_due"] else []
    ahead += [(x["deadline"], x["due"]) for x in summary["later"]]
    act_today = [
        {"deadline": name, "due": due, "while_closed": note}
        for name, due in ahead
        if due > today and (note := act_today_note(due, today, calendar())) is not None
    ]
    nxt = act_today[0] if act_today and act_today[0]["deadline"] == ahead[0][0] else None
    next_due = summary["next_due"]
    return {
        **{k: v for k, v in summary.items() if k != "later"},
        "overdue": next_due is not None and next_due < today,
        "while_closed": nxt["while_closed"] if nxt else None,
        "act_today": act_today,
    }


def _marks(row: Mapping[str, Any]) -> str:
    """The Overdue column: OVERDUE for a next deadline gone, ACT TODAY when any deadline of the
    case falls due while the council is closed; both when both hold."""
    marks = ["OVERDUE"] if row["overdue"] else []
    return ", ".join([*marks, ACT_TODAY] if row["act_today"] else marks)


def _calendar(ctx: Context) -> Callable[[], WorkingCalendar]:
    """The partnership's working days (bank holidays and closures), read once and only when a
    deadline is still to come: a listing of met or past deadlines never loads them."""
    from bot.bootstrap import calendar_for

    return cache(partial(calendar_for, ctx.config, ctx.clock().now()))


def _act_today(row: Mapping[str, Any]) -> str:
    """The digest's words under ACT NOW: "ACT TODAY: due Wed 30 Dec 2026, while the council
    is closed (Fri 25 Dec 2026 to Sun 3 Jan 2027)"."""
    return f"{ACT_TODAY}: {str(row['while_closed']).removesuffix(': act today')}"


def show_case(ctx: Context) -> int:
    from bot.services.case_view import agency_names, case_detail, find_case_row, panel_members

    config = ctx.config
    with ctx.connection() as connection:
        case = find_case_row(connection, ctx.args.ref)
        if case is None:
            raise NotFound(f"no case {ctx.args.ref.upper()}")
        detail = case_detail(
            connection,
            case,
            ctx.today(),
            agency_names(config),
            panel_members(config),
            _calendar(ctx),
        )
    if ctx.args.json:
        print_json(detail, sys.stdout)
        return 0
    _print_case(detail, config.partnership.time_zone)
    return 0


def _met(deadline: dict[str, Any], tz: tzinfo) -> object:
    """The day the event happened; a row met before that was stored says when it was recorded."""
    if deadline["met"] is None and deadline["met_at"] is not None:
        return f"recorded {fmt_date(deadline['met_at'].astimezone(tz).date())}"
    return deadline["met"]


def _print_warnings(warnings: list[str], out: TextIO) -> None:
    if not warnings:
        return
    out.write("Warnings (please check)\n")
    for sentence in warnings:
        out.write(f"  ! {sentence}\n")
    out.write("\n")


def _print_meetings(meetings: list[dict[str, Any]], out: TextIO, tz: tzinfo) -> None:
    out.write("\nMeetings\n")
    print_table(
        ["Purpose", "Start", "Location", "Panel"],
        [
            [
                m["purpose"],
                m["start"],
                m["location"],
                "cancelled" if m["cancelled_at"] else m["quorum"],
            ]
            for m in meetings
        ],
        out,
        tz=tz,
    )
    for m in meetings:
        rows = [
            [a["role"], a["attendee"], a["said"], a["at"], a["earlier_time"]] for a in m["answers"]
        ]
        rows += [
            ["-", o["attendee"], o["answer"].lower(), o["at"], "earlier time" if o["stale"] else ""]
            for o in m["others"]
        ]
        out.write(f"\n{m['purpose'].capitalize()} meeting: answers to the invitation\n")
        print_table(
            ["Partner", "Attendee", "Answer", "When", "Answer to the earlier time"],
            rows,
            out,
            tz=tz,
        )


@dataclass(frozen=True)
class _Section:
    """One table of the case: its title, the key of its rows in the case detail, its columns
    and how one row reads."""

    title: str
    key: str
    headers: tuple[str, ...]
    row: Callable[[dict[str, Any]], list[object]]


def _check(field: dict[str, Any]) -> str:
    return str(field["problem"] or ("doubtful" if field["confidence"] < 0.75 else ""))


# Printed only when the case has any: most cases have no return or action yet.
_WHEN_ANY = (
    _Section(
        "Read from forms (check anything marked)",
        "fields",
        ("Part", "Field", "Value", "Check", "From"),
        lambda f: [f["scope"], f["name"], f["value"], _check(f), f["where"]],
    ),
    _Section(
        "Votes",
        "votes",
        ("Partner", "Vote", "When", "Replaced"),
        lambda v: [v["role"], v["choice"], v["at"], "yes" if v["superseded"] else ""],
    ),
    _Section(
        "Appendix B returns",
        "returns",
        ("Agency", "Requested", "Return by", "Received"),
        lambda r: [r["agency"], r["requested_on"], r["return_by"], r["received_at"]],
    ),
    _Section(
        "Action plan",
        "actions",
        ("#", "Owner", "Due", "Done", "Action"),
        lambda a: [a["number"], a["owner"], a["due"], a["done_at"], a["text"]],
    ),
)
# Printed always, empty or not: the record of what came in, went out and was done.
_RECORD = (
    _Section(
        "Chronology",
        "events",
        ("When", "Who", "What", "Detail"),
        lambda e: [e["at"], e["actor"], e["what"], e["detail"]],
    ),
    _Section(
        "Messages in",
        "messages",
        ("#", "Received", "Kind", "Subject"),
        lambda m: [m["id"], m["received_at"], m["kind"], m["subject"]],
    ),
    _Section(
        "Messages out",
        "outgoing",
        ("#", "Event", "Status", "Subject"),
        lambda o: [o["id"], o["event"], o["status"], o["subject"]],
    ),
)


def _print_section(section: _Section, rows: list[dict[str, Any]], out: TextIO, tz: tzinfo) -> None:
    out.write(f"\n{section.title}\n")
    print_table(list(section.headers), [section.row(r) for r in rows], out, tz=tz)


def _print_case(d: Mapping[str, Any], tz: tzinfo) -> None:
    out = sys.stdout
    out.write(f"{d['ref']}  ({d['status']}, opened {fmt_at(d['opened_at'].astimezone(tz))})\n\n")
    _print_warnings(d["warnings"], out)
    out.write("Deadlines\n")
    print_table(
        ["Name", "Due", "State", "Met"],
        [
            [x["name"], x["due"], ACT_TODAY if x["while_closed"] else x["state"], _met(x, tz)]
            for x in d["deadlines"]
        ],
        out,
        tz=tz,
    )
    for x in d["deadlines"]:
        if x["while_closed"]:
            out.write(f"  {x['name']}: {_act_today(x)}\n")
    for x in d["deadlines"]:
        out.write(f"  {x['name']}: {x['explanation']}\n")
    out.write(f"\nStage: {d['stage']}; decision: {d['screening']}\n")
    for section in _WHEN_ANY:
        if d[section.key]:
            _print_section(section, d[section.key], out, tz)
    _print_meetings(d["meetings"], out, tz)
    for section in _RECORD:
        _print_section(section, d[section.key], out, tz)
    for o in d["outgoing"]:
        out.writelines(f"  #{o['id']} {line}\n" for line in o["not_delivered"])
