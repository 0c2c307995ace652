"""What `run` refuses to start with, asked once here so that `doctor` asks the same.

A check `doctor` passes and `run` then refuses would start a service that exits at once.
"""

from __future__ import annotations

import hashlib
import sys
from datetime import date
from importlib.util import find_spec
from pathlib import Path

from bot.adapters import passed_checks
from bot.adapters.db.engine import sqlite_file
from bot.adapters.private_files import exposed_database, exposed_maildir
from bot.config import Config
from bot.config.paths import packaged
from bot.core.deadlines import fmt_date
from bot.core.working_days import WorkingCalendar, closures_without_effect
from bot.services.doctor_check import Check


def first_exposure(config: Config) -> str | None:
    """What of the database or a Maildir everyone on the machine can read (or a group can
    change), with the chmod that fixes it; None when all is private."""
    problems = []
    db = sqlite_file(config.database_url)
    if db is not None:
        problems.append(exposed_database(db))
    if config.mailbox.backend == "maildir":
        problems.append(exposed_maildir(config.mailbox.maildir_path))
    if config.outgoing.backend == "maildir":
        problems.append(exposed_maildir(config.outgoing.maildir_path))
    return next((p for p in problems if p is not None), None)


def future_since(since: date | None, today: date) -> str | None:
    """Why a cut-off cannot be used: after today it would leave every new email, a SIN among
    them, in the inbox unread, and be remembered. None when it can."""
    if since is None or since <= today:
        return None
    return (
        f"{fmt_date(since)} is after today ({fmt_date(today)}); mail arriving before it would be "
        "left in the inbox unread. Give the first day whose mail the bot should handle"
    )


def template_problems(config: Config) -> list[str]:
    """What stops an email the bot sends from being written, one line each naming the folder
    or file: no templates folder, an email with no folder of its own (the emails are the
    folders of the installed templates), a part missing or not compiling. [] when all load.

    Without them a SIN is quarantined, its case never opened, for want of its acknowledgement."""
    # Jinja2 and the checks' syntax trees are loaded only when the check runs.
    from bot.adapters.template_examples import example_problems
    from bot.adapters.templates import TemplateRenderer

    folder, installed = config.templates_dir, packaged("templates")
    if not folder.is_dir():
        return [
            f"templates_dir: {folder} is not a folder; point it at a copy of {installed}, "
            "or leave it out to use the installed templates"
        ]
    renderer = TemplateRenderer(folder)
    missing = sorted(set(TemplateRenderer(installed).events()) - set(renderer.events()))
    broken = renderer.check()
    if not broken:  # a part that does not compile would be said twice
        broken = example_problems(renderer, packaged("template_examples"))
    return [
        f"{folder / event}: missing, and the bot sends this email; copy that folder from "
        f"{installed}"
        for event in missing
    ] + [f"{folder / line}; fix that file or copy it from {installed}" for line in broken]


def template_problems_at_start(config: Config, kept_in: Path | None) -> list[str]:
    """template_problems, skipped when it passed before on the same inputs (passed_checks):
    the templates folder, the installed templates and examples, the code that checks them,
    Jinja2 and Python. Any change to any of them, and the check runs again."""
    digest, name = _template_inputs(config), templates_passed(config)
    if digest is not None and passed_checks.passed_before(kept_in, name, digest):
        return []
    problems = template_problems(config)
    if not problems and digest is not None:
        passed_checks.remember_pass(kept_in, name, digest)
    return problems


def templates_passed(config: Config) -> str:
    """The name of the file keeping the pass: one per templates folder and installed bot, so
    that two configurations (or two installs) do not take turns forgetting each other's."""
    where = f"{config.templates_dir}\0{Path(__file__).parents[1]}".encode()
    return f"tscp-bot-templates-passed-{hashlib.sha256(where).hexdigest()[:16]}"


def _template_inputs(config: Config) -> str | None:
    folders = dict.fromkeys(
        [config.templates_dir, packaged("templates"), packaged("template_examples")]
    )
    bot = Path(__file__).parents[1]
    code = [
        bot / "services" / "startup_checks.py",
        *(bot / "adapters" / f"{name}.py" for name in _CHECKERS),
    ]
    for library in ("jinja2", "markupsafe"):  # each one's __init__ holds its version
        spec = find_spec(library)
        if spec is None or spec.origin is None:
            return None
        code.append(Path(spec.origin))
    return passed_checks.digest_of(folders, code, [sys.version, str(config.templates_dir)])


_CHECKERS = ("templates", "template_examples", "template_fields")


def unused_sections(config: Config) -> list[str]:
    """A warning for each mail-server section filled in that the chosen backend does not use:
    with backend = "maildir" the bot would otherwise seem to send while nothing leaves."""
    found = []
    for side, settings in (("mailbox", config.mailbox), ("outgoing", config.outgoing)):
        for name in settings.unused_sections:
            said = f"[{side}.{name}] is filled in but {side}.backend is {settings.backend}"
            if settings.backend != "maildir":
                found.append(f"{said}: it is not used")
            elif side == "mailbox":
                found.append(f"{said}: mail is read from {settings.maildir_path}, not a server")
            else:
                found.append(f"{said}: mail is written to {settings.maildir_path}, nothing is sent")
    return found


def closure_warnings(config: Config, calendar: WorkingCalendar) -> list[str]:
    """A line for each [partnership] local_closures day that changes no count on `calendar`
    (a weekend, a bank holiday, a year not counted): harmless, so never a refusal, but said."""
    return closures_without_effect(config.partnership.local_closures, calendar)


def startup_lines(config: Config, today: date) -> list[Check]:
    """`doctor`'s lines for what `run` refuses, and for what it warns of at start; nothing
    when all is well, as that is said elsewhere."""
    found = []
    exposed = first_exposure(config)
    if exposed is not None:
        found.append(Check("FAIL", "private files", f"{exposed} (run refuses to start)"))
    since = future_since(config.ingest.since, today)
    if since is not None:
        found.append(Check("FAIL", "ingest.since", f"{since} (run refuses to start)"))
    found += [Check("warn", "config", line) for line in unused_sections(config)]
    return found
