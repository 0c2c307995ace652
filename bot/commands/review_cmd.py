"""`command`: give a case, at the terminal, any command that can be sent by email."""

from __future__ import annotations

import getpass
import sys
from typing import Any

from bot.cli_output import print_json
from bot.commands.context import Context, NotFound, UsageError
from bot.config.model import STATUTORY_ROLES
from bot.core.commands import parse_commands
from bot.services.cases import find_case
from bot.services.commands import Outcome, run_command
from bot.services.review import HANDLERS, Actor

ROLES = ("business_manager", "independent_scrutineer", *STATUTORY_ROLES)


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
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=give_command)


def give_command(ctx: Context) -> int:
    app = ctx.app()
    now = app.clock.now()
    today = now.astimezone(app.config.partnership.time_zone).date()
    parsed = parse_commands("\n".join(ctx.args.lines), today=today)
    if parsed.errors or not parsed.commands:
        problem = parsed.errors[0].message if parsed.errors else "no command recognised"
        raise UsageError(f"{problem} (see `tscp-bot command --help` and the README)")
    actor = Actor(f"terminal:{getpass.getuser()}", ctx.args.role, "terminal")
    outcome = Outcome()
    with app.sessions() as session:
        case = find_case(session, ctx.args.ref)
        if case is None:
            raise NotFound(f"no case {ctx.args.ref.upper()}")
        for command in parsed.commands:
            needed, _ = HANDLERS[type(command)]
            allowed = STATUTORY_ROLES if needed == "partner" else (needed,)
            if actor.role not in allowed:
                outcome.errors.append(
                    {"line": command.line, "message": f"needs --as {' or '.join(allowed)}"}
                )
                continue
            run_command(session, app, case, command, actor, now, outcome)
        session.commit()
    if ctx.args.json:
        print_json(
            {"results": outcome.results, "errors": outcome.errors, "warnings": outcome.warnings},
            sys.stdout,
        )
    else:
        for r in outcome.results:
            print(f"{r['line']}: {r['outcome']}")
        for w in outcome.warnings:
            print(f"WARNING: {w}")
        for e in outcome.errors:
            print(f"{e['line']}: NOT DONE: {e['message']}", file=sys.stderr)
    return 1 if outcome.errors else 0
