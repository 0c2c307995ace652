"""`command`: give a case, at the terminal, any command that can be sent by email."""

from __future__ import annotations

import getpass
import sys
from typing import TYPE_CHECKING, Any

from bot.cli.context import Context, NotFound, UsageError
from bot.cli.output import print_json
from bot.config.model import STATUTORY_ROLES

if TYPE_CHECKING:
    from bot.core.commands import ParsedCommands
    from bot.services.commands import Outcome

ROLES = ("business_manager", "independent_scrutineer", *STATUTORY_ROLES)
EXIT_REFUSED = 2  # bad usage: a line asked for something that cannot be done


def register(sub: Any) -> None:
    p = sub.add_parser(
        "command",
        help="apply email commands to a case, e.g. 'Notified: 24/12/2026'",
        description="The same commands as by email, one per argument. By default you act as the "
        "Business Manager; --as records a vote or view given to you by another member "
        "(e.g. by phone), and the chronology says so.",
    )
    p.add_argument("ref", help="case reference, e.g. TSCP-2026-0001")
    p.add_argument("lines", nargs="+", help='command lines, e.g. "Vote: rapid review"')
    p.add_argument("--as", dest="role", choices=ROLES, default="business_manager")
    p.add_argument("--json", action="store_true", help="print the outcome of each line as JSON")
    p.set_defaults(handler=give_command)


def give_command(ctx: Context) -> int:
    """Every line that can be carried out is; each refused line is one line on stderr (exit 2)."""
    from bot.core import lifecycle
    from bot.core.commands import parse_commands
    from bot.services.cases import find_case
    from bot.services.commands import Outcome, run_command
    from bot.services.review import Actor

    app = ctx.app()
    now = app.clock.now()
    today = now.astimezone(app.config.partnership.time_zone).date()
    parsed = parse_commands("\n".join(ctx.args.lines), today=today)
    if not parsed.errors and not parsed.commands:
        raise UsageError("no command recognised (see `tscp-bot command --help` and the README)")
    actor = Actor(f"terminal:{getpass.getuser()}", ctx.args.role, "terminal", now)
    outcome = Outcome()
    with app.sessions() as session:
        case = find_case(session, ctx.args.ref)
        if case is None:
            raise NotFound(f"no case {ctx.args.ref.upper()}")
        for command in parsed.commands:
            if not lifecycle.may_give(type(command), actor.role):
                outcome.errors.append({"line": command.line, "message": _needs(type(command))})
                continue
            run_command(session, app, case, command, actor, now, outcome)
        session.commit()
    unreadable = [{"line": e.line, "message": e.message} for e in parsed.errors]
    unreadable += _not_commands(ctx.args.lines, parsed)
    _report(ctx, outcome, unreadable)
    return EXIT_REFUSED if outcome.errors or unreadable else 0


def _not_commands(lines: list[str], parsed: ParsedCommands) -> list[dict[str, str]]:
    """At the terminal every line is meant as a command: one the parser passed over as prose
    (a misspelt "Notifable: yes") is refused aloud, never dropped while the others are done."""
    # A command read from several lines ("Agencies: icb" with "Return by: ...") holds them all.
    read = {
        " ".join(part.split()).lower()
        for x in (*parsed.commands, *parsed.errors)
        for part in x.line.splitlines()
    }
    return [
        {"line": line, "message": f"{line.strip()}: not a command (see `tscp-bot command --help`)"}
        for given in lines
        for line in given.splitlines()  # one argument may hold several lines, as quoted
        if line.strip() and " ".join(line.split()).lower() not in read
    ]


def _report(ctx: Context, outcome: Outcome, unreadable: list[dict[str, str]]) -> None:
    if ctx.args.json:
        errors = unreadable + outcome.errors
        print_json(
            {"results": outcome.results, "errors": errors, "warnings": outcome.warnings},
            sys.stdout,
        )
        return
    for r in outcome.results:
        print(f"{_one_line(r['line'])}: {r['outcome']}")
    for w in outcome.warnings:
        print(f"WARNING: {w}")
    for e in unreadable:  # the message already quotes the line
        print(f"tscp-bot: {e['message']}", file=sys.stderr)
    for e in outcome.errors:
        print(f"tscp-bot: {_one_line(e['line'])}: NOT DONE: {e['message']}", file=sys.stderr)


def _one_line(line: str) -> str:
    # "Agencies:" and "Return by:" arrive as one command of two lines.
    return " / ".join(line.splitlines())


def _needs(command: type) -> str:
    from bot.core import lifecycle

    roles = [r.value for r in lifecycle.Role if lifecycle.may_give(command, r)]
    return f"{lifecycle.who_may(command)}: needs --as {' or '.join(roles)}"
