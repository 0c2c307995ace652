"""The `tscp-bot` command line.

Exit codes: 0 done; 1 the work failed (mailbox, database or mail server trouble); 2 bad usage or
configuration; 3 the thing asked for does not exist. Errors are one line on stderr.

One module per group of commands (`*_cmd`), each with register(subparsers). A command module
imports at its top only what its arguments need; each handler imports its services when it
runs. So `tscp-bot --help` loads no adapter, and a command loads only its own
(tests/test_cli_imports.py holds this).
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from bot.cli import (
    calendar_cmd,
    case_cmd,
    data_cmd,
    doctor_cmd,
    forms_cmd,
    mail_cmd,
    report_cmd,
    review_cmd,
    run_cmd,
    status_cmd,
    triage_cmd,
)
from bot.cli.context import Context

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_NOT_FOUND = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a Ctrl-C
log = logging.getLogger(__name__)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, like every other error; --help still gives the full usage.
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see --help)\n")


class _Version(argparse.Action):
    """`--version`, reading the package metadata only when asked: importlib.metadata (and the
    email package it brings) cost every other command a tenth of its start-up."""

    def __call__(self, parser: argparse.ArgumentParser, *_args: object, **_kw: object) -> None:
        from bot.version import installed_version

        sys.stdout.write(f"{parser.prog} {installed_version()}\n")  # stdout, as argparse's own
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="tscp-bot", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--version", action=_Version, nargs=0, help="show program's version number and exit"
    )
    parser.add_argument("--config", help="config file (default $TSCP_BOT_CONFIG or ./config.toml)")
    parser.add_argument(
        "--now", help="pretend it is this time: 23/12/2026 09:30, or ISO-8601 (Europe/London)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (
        run_cmd,
        status_cmd,
        doctor_cmd,
        case_cmd,
        review_cmd,
        mail_cmd,
        triage_cmd,
        forms_cmd,
        calendar_cmd,
        data_cmd,
        report_cmd,
    ):
        module.register(sub)
    _verbose_anywhere(parser)
    return parser


def _verbose_anywhere(parser: argparse.ArgumentParser) -> None:
    """`-v` after the command too (`tscp-bot cases -v`), as people type it. SUPPRESS keeps a
    subcommand from resetting a `-v` given before it to False."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                child.add_argument(
                    "-v",
                    "--verbose",
                    action="store_true",
                    default=argparse.SUPPRESS,
                    help="log progress to stderr",
                )
                _verbose_anywhere(child)


def _errors() -> list[tuple[str, int, Callable[[BaseException], str]]]:
    """Each known error as "module:class", so that none of those modules is imported just to
    be able to name its error (an error from a module never imported was never raised)."""
    return [
        ("bot.cli.context:UsageError", EXIT_USAGE, str),
        ("bot.config.reader:ConfigError", EXIT_USAGE, lambda e: f"configuration: {e}"),
        ("bot.core.rules:RuleError", EXIT_USAGE, lambda e: f"rules: {e}"),
        ("bot.core.vocabulary:VocabularyError", EXIT_USAGE, lambda e: f"forms: {e}"),
        ("bot.adapters.templates:TemplateError", EXIT_USAGE, lambda e: f"templates: {e}"),
        ("bot.core.working_days:CalendarRangeError", EXIT_USAGE, str),
        ("bot.adapters.bank_holidays:NoBankHolidays", EXIT_USAGE, str),
        ("bot.adapters.db.engine:NewerSchema", EXIT_USAGE, str),
        ("bot.adapters.db.engine:OlderSchema", EXIT_USAGE, str),
        ("bot.adapters.db.engine:NoSchema", EXIT_USAGE, str),
        ("bot.adapters.db.engine:SeveralRevisions", EXIT_USAGE, lambda e: f"database: {e}"),
        ("bot.adapters.db.engine:NoDatabase", EXIT_FAILED, lambda e: f"database: {e}"),
        ("bot.cli.context:NotFound", EXIT_NOT_FOUND, str),
        ("bot.adapters.mail_source:MailboxError", EXIT_FAILED, lambda e: f"mailbox: {e}"),
        ("bot.adapters.outgoing:SendError", EXIT_FAILED, lambda e: f"sending: {e}"),
        ("sqlalchemy.exc:SQLAlchemyError", EXIT_FAILED, _database_message),
        ("builtins:OSError", EXIT_FAILED, lambda e: f"file: {e}"),
    ]


def _is(exc: BaseException, name: str) -> bool:
    module, _, cls = name.partition(":")
    kind = getattr(sys.modules.get(module), cls, None)
    return isinstance(kind, type) and isinstance(exc, kind)


def _database_message(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    if "no such table" in text or ("does not exist" in text and "relation" in text):
        return "database: not set up yet; run `tscp-bot init` first"
    return f"database: {text}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from bot.logs import setup  # logging and os only

    setup(args.verbose)
    ctx = Context(args)
    # Everything the bot writes (database, Maildir, exports) holds raw emails about children.
    from bot.adapters.private_files import PRIVATE_UMASK  # os and stat only

    umask = os.umask(PRIVATE_UMASK)
    try:
        result: int = args.handler(ctx)
        return result
    except KeyboardInterrupt:
        # Only before `run` has its own handler (its first moments) or in a one-off command:
        # a database change is all or nothing, so nothing is left half-done.
        print("tscp-bot: interrupted (Ctrl-C) before it finished", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # Output piped into `head` or similar that stopped reading: not an error worth a line.
        sys.stderr.close()
        return EXIT_OK
    except Exception as exc:
        for kind, code, describe in _errors():
            if _is(exc, kind):
                print(f"tscp-bot: {describe(exc)}", file=sys.stderr)
                return code
        # Never a traceback on the terminal; -v logs it for whoever investigates.
        log.info("unexpected error", exc_info=True)
        first = (str(exc).strip().splitlines() or [""])[0]
        print(f"tscp-bot: unexpected error: {type(exc).__name__}: {first}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        ctx.close()
        os.umask(umask)


def entry() -> int:
    """The `tscp-bot` script (and `python -m bot.cli`): main, in a process about to end.

    Everything the command made is freed with the process; the collector's last walk over
    every object at the interpreter's exit (with the teardown after it, about half a second of
    a `run --once` on a slow machine: docs/performance.md) is spared by putting them all out of
    its sight first. The exit's own steps still run (atexit, flushing output). Not in main: a
    test calling main goes on running, and needs its collector."""
    code = main()
    gc.freeze()
    return code
