"""Layering: bot.core is pure (no I/O, no clock), only bootstrap picks concrete transports, each
layer imports only the layers below it, and no module imports round a circle."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[1] / "bot"
CORE = BOT / "core"

CORE_ALLOWED = frozenset(
    {
        "__future__",
        "collections",
        "dataclasses",
        "datetime",
        "difflib",  # pure: lines a reply's quote up with the email it quotes
        "enum",
        "functools",
        "itertools",
        "math",
        "re",
        "types",
        "typing",
        "unicodedata",  # pure: a month's name read without its accents ("fevrier")
        "zoneinfo",
    }
)
CLOCK_CALLS = frozenset({"now", "today", "utcnow", "time"})
CLOCK_OWNERS = frozenset({"datetime", "date", "time"})
CONCRETE_TRANSPORTS = frozenset(
    f"bot.adapters.{name}"
    for name in ("imap_source", "maildir_source", "smtp_sender", "maildir_sender")
)


def imported_modules(tree: ast.Module, package: str) -> list[str]:
    """Every module an import statement names, relative imports resolved in `package`."""
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            found.append(target)
            # `from bot.adapters import smtp_sender` imports the submodule.
            found.extend(f"{target}.{alias.name}" for alias in node.names)
    return found


def core_violations(source: str, package: str = "bot.core") -> list[str]:
    tree = ast.parse(source)
    bad: list[str] = []
    for name in imported_modules(tree, package):
        in_core = name == "bot.core" or name.startswith("bot.core.")
        if not in_core and name.split(".")[0] not in CORE_ALLOWED:
            bad.append(f"imports {name}")
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in CLOCK_CALLS
            and _last_name(node.func.value) in CLOCK_OWNERS
        ):
            bad.append(f"line {node.lineno}: reads the clock ({ast.unparse(node.func)}())")
    return sorted(set(bad))


def _last_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def module_name(path: Path) -> str:
    parts = path.relative_to(BOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_of(path: Path) -> str:
    """The package relative imports in this file are resolved against."""
    return ".".join(path.parent.relative_to(BOT.parent).parts)


def transport_violations(source: str, package: str) -> list[str]:
    tree = ast.parse(source)
    found = imported_modules(tree, package)
    return sorted({f"imports {name}" for name in found if name in CONCRETE_TRANSPORTS})


# The checkers themselves must catch what they are meant to catch.


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import sqlalchemy", ["imports sqlalchemy"]),
        (
            "from sqlalchemy.orm import Session",
            ["imports sqlalchemy.orm", "imports sqlalchemy.orm.Session"],
        ),
        ("import os", ["imports os"]),
        ("import smtplib", ["imports smtplib"]),
        ("import time", ["imports time"]),
        ("from pathlib import Path", ["imports pathlib", "imports pathlib.Path"]),
        (
            "from bot.adapters.db import models",
            ["imports bot.adapters.db", "imports bot.adapters.db.models"],
        ),
        ("from bot.services import cases", ["imports bot.services", "imports bot.services.cases"]),
        ("from ..adapters import ical", ["imports bot.adapters", "imports bot.adapters.ical"]),
        (
            "from datetime import datetime\nx = datetime.now()",
            ["line 2: reads the clock (datetime.now())"],
        ),
        (
            "import datetime\nx = datetime.date.today()",
            ["line 2: reads the clock (datetime.date.today())"],
        ),
        (
            "from datetime import datetime\nx = datetime.utcnow()",
            ["line 2: reads the clock (datetime.utcnow())"],
        ),
        ("from datetime import datetime, date\nfrom collections.abc import Mapping", []),
        ("from . import calendar\nfrom bot.core.message import MailMessage", []),
        ("import holidays\nimport re", ["imports holidays"]),  # the tables come from an adapter
        # A datetime value's .time() is a field, not the clock.
        ("def f(moment):\n    return moment.time()", []),
    ],
)
def test_core_checker_catches_forbidden_code(source: str, expected: list[str]) -> None:
    assert core_violations(source) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from bot.adapters.smtp_sender import SmtpSender", ["imports bot.adapters.smtp_sender"]),
        ("from bot.adapters import imap_source", ["imports bot.adapters.imap_source"]),
        ("import bot.adapters.maildir_sender", ["imports bot.adapters.maildir_sender"]),
        ("from ..adapters.maildir_source import MaildirSource",
         ["imports bot.adapters.maildir_source"]),
        ("from bot.adapters.outgoing import SendError", []),
        ("from bot.adapters.mail_source import MailboxError", []),
        ("from bot.adapters.db.models import OutboxMessage", []),
    ],
)  # fmt: skip
def test_transport_checker_catches_concrete_imports(source: str, expected: list[str]) -> None:
    assert transport_violations(source, "bot.cli") == expected


# The real code.

# rglob: bot.core has subpackages (bot/core/forms/), which must be pure too.
CORE_FILES = sorted(CORE.rglob("*.py"))


def test_core_files_found() -> None:
    assert {p.name for p in CORE_FILES} >= {"working_days.py", "rules.py", "panel_slots.py"}


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: p.relative_to(CORE).as_posix())
def test_core_is_pure(path: Path) -> None:
    assert core_violations(path.read_text(), package_of(path)) == []


def _outside_bootstrap() -> list[Path]:
    return sorted(
        p
        for p in BOT.rglob("*.py")
        if p != BOT / "bootstrap.py" and (BOT / "adapters") not in p.parents
    )


def test_bootstrap_is_the_one_place_that_picks_transports() -> None:
    bootstrap = (BOT / "bootstrap.py").read_text()
    assert transport_violations(bootstrap, "bot") == sorted(
        f"imports {name}" for name in CONCRETE_TRANSPORTS
    )


@pytest.mark.parametrize("path", _outside_bootstrap(), ids=lambda p: module_name(p))
def test_no_concrete_transport_outside_bootstrap(path: Path) -> None:
    assert transport_violations(path.read_text(), package_of(path)) == []


# Start-up: the CLI's parser is built from the bot.cli package alone, so what its modules import
# at their top is what every invocation, `--help` included, pays for. Services, adapters and
# their libraries are imported inside the handler that uses them (tests/test_cli_imports.py
# checks the result in a fresh interpreter).
CLI_FILES = sorted((BOT / "cli").glob("*.py"))
LOADED_BY_HANDLERS = ("bot.services", "bot.adapters", "bot.bootstrap", "bot.scheduler",
                      "bot.app", "sqlalchemy", "alembic", "apscheduler", "jinja2")  # fmt: skip


def top_level_imports(source: str, package: str) -> list[str]:
    """The modules imported when the module loads: its body, not functions or TYPE_CHECKING."""
    body = ast.Module(
        body=[n for n in ast.parse(source).body if isinstance(n, ast.Import | ast.ImportFrom)],
        type_ignores=[],
    )
    return imported_modules(body, package)


def eager_violations(source: str, package: str) -> list[str]:
    found = top_level_imports(source, package)
    return sorted({f"imports {n}" for n in found if n.startswith(LOADED_BY_HANDLERS)})


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from bot.services.queries import case_summaries",
         ["imports bot.services.queries", "imports bot.services.queries.case_summaries"]),
        ("import sqlalchemy", ["imports sqlalchemy"]),
        ("def f():\n    from bot.services.queries import case_summaries", []),
        ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from bot.app import App", []),
        ("from bot.cli.context import Context", []),
    ],
)  # fmt: skip
def test_eager_import_checker(source: str, expected: list[str]) -> None:
    assert eager_violations(source, "bot.cli") == expected


@pytest.mark.parametrize("path", CLI_FILES, ids=lambda p: module_name(p))
def test_cli_modules_import_services_only_when_a_command_runs(path: Path) -> None:
    assert eager_violations(path.read_text(), package_of(path)) == []


def test_no_module_is_named_like_a_standard_library_one() -> None:
    """One meaning per name: `threading` or `calendar` in a traceback, an import or a search
    should mean the standard library's, never ours."""
    ours = {p.stem for p in BOT.rglob("*.py")} | {p.name for p in BOT.rglob("*") if p.is_dir()}
    assert ours & set(sys.stdlib_module_names) == set()


# Layers: what each part of bot/ may import of the others (any import, in a function or not).
# Read down the table: the core and the adapters know nothing of the services; the services
# know nothing of the command line or the daemon that call them. A new top-level module must
# be given its place here.
MAY_IMPORT: dict[str, frozenset[str]] = {
    "core": frozenset(),
    "config": frozenset({"core"}),
    "adapters": frozenset({"core"}),
    "clock": frozenset({"core"}),
    "logs": frozenset(),
    "version": frozenset(),
    "app": frozenset({"core", "config", "adapters", "clock"}),
    "bootstrap": frozenset({"core", "config", "adapters", "clock", "app"}),
    "services": frozenset({"core", "config", "adapters", "clock", "app"}),
    "scheduler": frozenset({"core", "config", "adapters", "clock", "app", "services"}),
    "migrations": frozenset({"adapters"}),
}
# The command line is the top: it may use every part but the migrations (`init` runs them
# through bot.adapters.db).
MAY_IMPORT["cli"] = frozenset(MAY_IMPORT) - {"migrations"}
# `tscp-bot doctor` checks the configured mailbox, sender, Sent folder, calendar and working
# days themselves, so it builds them as the daemon does: the one service that uses the wiring.
# And the reading process's child is a process's entry point, as the command line is: it sets
# up its logging as the command line does, writing to the same stderr.
LAYER_EXCEPTIONS = frozenset({("bot.services.doctor", "bootstrap"),
                              ("bot.services.doctor_calendar", "bootstrap"),
                              ("bot.services.doctor_deadlines", "bootstrap"),
                              ("bot.services.doctor_sent", "bootstrap"),
                              ("bot.adapters.reader_child", "logs")})  # fmt: skip


def layer_of(module: str) -> str | None:
    """bot.services.cases -> services; bot.clock -> clock; None outside bot (or bot itself)."""
    parts = module.split(".")
    return parts[1] if parts[0] == "bot" and len(parts) > 1 else None


def layer_violations(source: str, module: str, package: str) -> list[str]:
    own = layer_of(module)
    if own is None:
        return []
    if own not in MAY_IMPORT:
        return [f"{module} is in no layer: give bot.{own} its row in MAY_IMPORT"]
    bad = set()
    for name in imported_modules(ast.parse(source), package):
        other = layer_of(name)
        if other in (None, own) or (module, other) in LAYER_EXCEPTIONS:
            continue
        if other not in MAY_IMPORT[own]:
            bad.add(f"{own} may not import {other} ({name})")
    return sorted(bad)


@pytest.mark.parametrize(
    ("source", "module", "expected"),
    [
        ("from bot.cli.context import Context", "bot.services.cases",
         ["services may not import cli (bot.cli.context)",
          "services may not import cli (bot.cli.context.Context)"]),
        ("def f():\n    from bot.scheduler import Daemon", "bot.services.x",
         ["services may not import scheduler (bot.scheduler)",
          "services may not import scheduler (bot.scheduler.Daemon)"]),
        ("from bot.core.deadlines import compute", "bot.adapters.ical", []),
        ("from bot.bootstrap import make_sender", "bot.services.doctor", []),
        ("from bot.bootstrap import make_sender", "bot.services.status",
         ["services may not import bootstrap (bot.bootstrap)",
          "services may not import bootstrap (bot.bootstrap.make_sender)"]),
        ("import os", "bot.newthing", ["bot.newthing is in no layer: give bot.newthing its row "
                                       "in MAY_IMPORT"]),
    ],
)  # fmt: skip
def test_layer_checker(source: str, module: str, expected: list[str]) -> None:
    assert layer_violations(source, module, module.rpartition(".")[0]) == expected


@pytest.mark.parametrize("path", sorted(BOT.rglob("*.py")), ids=lambda p: module_name(p))
def test_each_layer_imports_only_the_layers_below_it(path: Path) -> None:
    assert layer_violations(path.read_text(), module_name(path), package_of(path)) == []


def load_time_imports(source: str, package: str) -> list[str]:
    """The modules imported while a module loads: its body, inside if/try too, but not in a
    function and not under TYPE_CHECKING (which never runs)."""
    found: list[str] = []

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                one = ast.Module(body=[node], type_ignores=[])
                found.extend(imported_modules(one, package))
            elif isinstance(node, ast.If) and "TYPE_CHECKING" not in ast.unparse(node.test):
                visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body)
                visit(node.orelse)
                visit(node.finalbody)

    visit(ast.parse(source).body)
    return found


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every group of modules that import one another, round in a circle (Tarjan's strongly
    connected components of more than one module, or a module importing itself)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph.get(node, ()):
                cycles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def test_the_cycle_finder_finds_cycles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert import_cycles(graph) == [["a", "b", "c"], ["e"]]
    assert import_cycles({"a": {"b"}, "b": set()}) == []


def loaded_with(module: str, importer: str) -> set[str]:
    """What importing `module` from `importer` loads: the module and the packages above it
    (their __init__ runs first), but not the importer's own packages, already loading."""
    parts = module.split(".")
    own = {".".join(importer.split(".")[:i]) for i in range(1, importer.count(".") + 2)}
    return {".".join(parts[:i]) for i in range(1, len(parts) + 1)} - own


def test_importing_a_module_loads_its_packages_too() -> None:
    assert loaded_with("bot.services.review.later", "bot.services.decision_checks") == {
        "bot.services.review",
        "bot.services.review.later",
    }
    assert loaded_with("bot.services.review.common", "bot.services.review.later") == {
        "bot.services.review.common"
    }


# The one cycle left, through a package's __init__: bot.services.review loads review.returns,
# which reads forms with bot.services.forms, which records what a SIN form says with
# review.looked_after (see review/returns.py). No module may join it, and no other may form.
KNOWN_CYCLES = [["bot.services.forms", "bot.services.review", "bot.services.review.returns"]]


def test_no_module_imports_itself_round_a_circle() -> None:
    """A cycle makes the import order matter (a name used before its module has finished
    loading) and the layers meaningless; what must come late is imported in a function.
    Importing bot.services.review.x runs bot/services/review/__init__.py first, so a module
    that imports anything in a package imports what that package's __init__ imports too."""
    modules = {module_name(p): p for p in BOT.rglob("*.py")}
    graph = {
        name: {
            loaded
            for m in load_time_imports(path.read_text(), package_of(path))
            for loaded in loaded_with(m, name)
            if loaded in modules
        }
        - {name}
        for name, path in modules.items()
    }
    assert import_cycles(graph) == KNOWN_CYCLES
