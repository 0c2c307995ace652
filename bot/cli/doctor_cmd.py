"""`doctor`: check the configuration against the real database, mailbox and mail server.

Exit 0 when everything works (warnings allowed), 1 when any check failed, 2 when the
configuration itself cannot be used (the one-line error every command gives).
"""

from __future__ import annotations

import sys
from typing import Any

from bot.cli.context import Context, UsageError, config_path
from bot.cli.output import print_json
from bot.clock import SystemClock
from bot.core.addresses import writable


def _sendable(address: str) -> bool:
    """What the test email can be sent to: an address the email builder writes
    (bot.core.addresses), whose domain has a dot inside it."""
    return writable(address) and "." in address.rpartition("@")[2][1:-1]


def register(sub: Any) -> None:
    p = sub.add_parser(
        "doctor",
        help="check the config against the real services: exit 0 all well, 1 something "
        "failed, 2 the configuration or the command cannot be used",
    )
    p.add_argument("--json", action="store_true", help="print the checks as JSON")
    p.add_argument("--send-test", metavar="ADDRESS", help="also send a real test email to ADDRESS")
    p.set_defaults(handler=doctor)


def doctor(ctx: Context) -> int:
    from bot.services.doctor import run_checks
    from bot.services.doctor_check import exit_code

    address = ctx.args.send_test
    if address is not None and not _sendable(address):
        raise UsageError(f"--send-test: {address!r} is not an email address like jo@example.org")
    config = ctx.config  # a config that cannot load is the CLI's one-line error, exit 2
    config.require_secrets()  # it connects to every server: a secret not set is the same
    # The real clock, whatever --now says: the check compares it with the database server's.
    checks = run_checks(
        config, SystemClock(), config_path(ctx.args.config), send_test=ctx.args.send_test
    )
    if ctx.args.json:
        print_json({"ok": exit_code(checks) == 0, "checks": [c.as_dict() for c in checks]},
                   sys.stdout)  # fmt: skip
    else:
        for check in checks:
            print(check.line, flush=True)
    return exit_code(checks)
