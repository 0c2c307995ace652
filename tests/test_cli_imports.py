"""Start-up: `--help` loads no adapter, and each read-only command loads only what it uses.

Each case runs the CLI in a fresh interpreter and lists the modules loaded by the end, so what
an earlier test imported cannot hide what a command pulls in. Counting modules, not seconds:
the time it saves is measured in bench/, never here.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot import cli
from bot.adapters.db.engine import make_engine, make_sessions
from bot.adapters.db.models import OutboxMessage
from bot.config.paths import packaged
from tests.fixtures.app import ROOT
from tests.fixtures.fresh_python import modules_after
from tests.fixtures.mail import calendar_reply, drop_into_maildir
from tests.fixtures.outbox_rows import invented_alert
from tests.test_cli import NOW, inbox, write_config

# The adapters' libraries; none is needed to print the help.
HEAVY = (
    "pypdf",
    "docx",
    "olefile",
    "striprtf",
    "tnefparse",
    "sqlalchemy",
    "alembic",
    "apscheduler",
    "exchangelib",
    "msal",
    "requests",
    "psycopg",
    "jinja2",
    "imapclient",
    "mailparser",
    "holidays",
    "matplotlib",
    "numpy",
    "openpyxl",
)
# lxml reads a .docx form; python-docx ("docx") only writes the chronology.
DOCUMENT_READERS = ("pypdf", "lxml", "docx", "olefile", "striprtf", "tnefparse")
MAIL_SERVICES = ("exchangelib", "msal", "requests", "imapclient", "apscheduler", "alembic")
SAMPLES = ROOT / "samples"

PROBE = """
import json, sys
from bot.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def loaded(*args: str, cwd: Path | None = None) -> set[str]:
    """The top-level packages loaded by `tscp-bot ARGS` in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=False, cwd=cwd
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report["code"] == 0, done.stderr
    return {name.split(".")[0] for name in report["modules"]}


@pytest.fixture
def config(tmp_path: Path, migrated_database_url: str) -> Path:
    return write_config(tmp_path, migrated_database_url)


def test_help_loads_no_adapter_library() -> None:
    assert loaded("--help") & set(HEAVY) == set()
    assert loaded("case", "--help") & set(HEAVY) == set()


@pytest.mark.parametrize(
    "command", [["cases"], ["cases", "--json"], ["triage", "list"], ["outbox", "list"]]
)
def test_listing_commands_load_the_database_and_nothing_else(
    config: Path, database_url: str, command: list[str]
) -> None:
    found = loaded("--config", str(config), "--now", NOW, *command)
    assert "sqlalchemy" in found  # it did read the database
    driver = {"psycopg"} if database_url.startswith("postgresql") else set()
    assert found & set(HEAVY) == {"sqlalchemy", *driver}


@pytest.mark.parametrize("json_flag", [[], ["--json"]])
def test_status_loads_no_reader_and_no_mail_service(config: Path, json_flag: list[str]) -> None:
    # 1: needs attention, as no bot has run on this database yet.
    modules = loaded_modules("--config", str(config), "status", *json_flag, codes=(1,))
    found = {m.split(".")[0] for m in modules}
    # It reports the schema's revision, read with one SELECT, not through Alembic.
    assert found & {*DOCUMENT_READERS, *MAIL_SERVICES, "mailparser", "jinja2", "icalendar"} == set()
    # Read in Core (bot.services.status): no ORM, no models, no mappers to configure.
    assert {"sqlalchemy.orm", "bot.adapters.db.models"} & modules == set()
    # The next digest needs England's bank holidays, not every country's (bank_holidays).
    assert "bot.adapters.bank_holidays" in modules
    assert {m for m in modules if m.startswith("holidays.countries")} == set()


def test_status_reads_the_bank_holidays_an_earlier_start_kept(config: Path) -> None:
    """England's bank holidays, for the next digest, as kept by the start before (its package
    is a seventh of what `status` costs to start: bank_holidays, kept_holidays)."""
    for _ in range(2):
        modules = loaded_modules("--config", str(config), "status", codes=(1,))
    assert "bot.adapters.bank_holidays" in modules
    assert "holidays" not in {m.split(".")[0] for m in modules}


# What the read-only commands must never pay for at start-up (issue 11: under half a second).
NOT_FOR_READING = {*DOCUMENT_READERS, *MAIL_SERVICES, "mailparser", "jinja2", "icalendar"}


def loaded_modules(*args: str, codes: tuple[int, ...] = (0, 3)) -> set[str]:
    """Every module (not only the packages) loaded by `tscp-bot ARGS`, which exits with one
    of `codes` (3: no such case, after looking for it)."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=False
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report["code"] in codes, done.stderr
    return set(report["modules"])


@pytest.mark.parametrize("command", [["cases"], ["cases", "--json"]])
def test_the_list_of_cases_reads_with_core_alone(config: Path, command: list[str]) -> None:
    """No ORM, no models, rules or templates: two queries in Core. The bank holidays are read
    only when a case has a deadline still to come (to say ACT TODAY before a closure)."""
    found = loaded_modules("--config", str(config), "--now", NOW, *command)
    assert {m.split(".")[0] for m in found} & (NOT_FOR_READING | {"holidays"}) == set()
    assert {"sqlalchemy.orm", "bot.adapters.db.models", "bot.core.lifecycle"} & found == set()


@pytest.mark.parametrize("json_flag", [[], ["--json"]])
def test_one_case_reads_no_calendar_rules_templates_or_forms(
    config: Path, json_flag: list[str]
) -> None:
    found = loaded_modules(
        "--config", str(config), "--now", NOW, "case", "TSCP-2026-0001", *json_flag
    )
    assert {m.split(".")[0] for m in found} & (NOT_FOR_READING | {"holidays"}) == set()
    lazy = {"bot.adapters.rules_loader", "bot.adapters.templates", "bot.adapters.vocabulary_loader"}
    assert found & lazy == set()
    # Read in Core (bot.services.case_view): no ORM, no models, no mappers to configure.
    assert {"sqlalchemy.orm", "bot.adapters.db.models"} & found == set()


def test_approving_a_draft_loads_no_rule_template_or_holiday(
    config: Path, migrated_database_url: str
) -> None:
    """The approval is a row changed and committed: whatever else it loaded would delay the
    email, which the running bot sends as soon as that commit wakes it."""
    draft = _draft(migrated_database_url)
    found = loaded_modules("--config", str(config), "--now", NOW, "outbox", "approve", draft)
    assert {m.split(".")[0] for m in found} & (NOT_FOR_READING | {"holidays"}) == set()
    lazy = {"bot.adapters.rules_loader", "bot.adapters.templates", "bot.adapters.vocabulary_loader"}
    assert found & lazy == set()
    engine = make_engine(migrated_database_url)
    with make_sessions(engine)() as session:
        approved = session.get(OutboxMessage, int(draft))
        assert approved is not None and approved.status == "pending"
    engine.dispose()


def test_showing_an_email_loads_the_database_and_nothing_else(
    config: Path, database_url: str, migrated_database_url: str
) -> None:
    """`outbox show N` reads one row and its text: no template, rule, holiday or mail service."""
    draft = _draft(migrated_database_url)
    found = loaded("--config", str(config), "--now", NOW, "outbox", "show", draft)
    driver = {"psycopg"} if database_url.startswith("postgresql") else set()
    assert found & set(HEAVY) == {"sqlalchemy", *driver}


def _draft(url: str) -> str:
    engine = make_engine(url)
    with make_sessions(engine)() as session:
        row = invented_alert("draft-1", datetime(2026, 12, 23, 9, 0, tzinfo=UTC), draft=True)
        session.add(row)
        session.commit()
        found = str(row.id)
    engine.dispose()
    return found


def test_calendar_loads_the_bank_holidays_and_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TSCP_BOT_CONFIG", raising=False)
    # A cache folder of its own: another test's start may have kept the table already.
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    found = loaded("calendar", "add", "2026-12-23", "3", cwd=tmp_path)  # no config at all
    assert "holidays" in found
    assert found & (set(HEAVY) - {"holidays"}) == set()
    # The next start reads the table the first kept (bot.adapters.kept_holidays).
    found = loaded("calendar", "add", "2026-12-23", "3", cwd=tmp_path)
    assert found & set(HEAVY) == set()


def test_classify_reads_a_plain_email_without_document_readers(
    config: Path, database_url: str
) -> None:
    found = loaded("--config", str(config), "classify", str(SAMPLES / "01-sin-from-police.eml"))
    assert found & {*DOCUMENT_READERS, *MAIL_SERVICES} == set()
    if database_url.startswith("sqlite"):
        assert "psycopg" not in found


def test_classify_loads_only_the_reader_of_the_attachment_it_reads(config: Path) -> None:
    eml = SAMPLES / "04-sin-form-attached-docx.eml"
    # Read in the bot's own process, as `[ingest] read_in_child = false` has it.
    text = config.read_text()
    config.write_text(text.replace("[ingest]\n", "[ingest]\nread_in_child = false\n", 1))
    found = loaded("--config", str(config), "classify", str(eml))
    assert "lxml" in found  # the SIN form is a .docx, read to plan the case
    assert found & ({*DOCUMENT_READERS, *MAIL_SERVICES} - {"lxml"}) == set()


def test_classify_reads_the_attachment_in_the_reading_process(config: Path) -> None:
    eml = SAMPLES / "04-sin-form-attached-docx.eml"
    found = loaded("--config", str(config), "classify", str(eml))
    # Read in the child (bot.adapters.reader_process): the bot loads no document reader.
    assert found & {*DOCUMENT_READERS, *MAIL_SERVICES} == set()


@pytest.mark.parametrize(("name", "code", "_describe"), cli._errors())
def test_every_error_the_cli_names_exists(name: str, code: int, _describe: object) -> None:
    # The CLI names its errors by module and class so as not to import them: a rename must
    # not silently turn a one-line error into "unexpected error".
    module, _, cls = name.partition(":")
    kind = getattr(__import__(module, fromlist=[cls]), cls)
    assert issubclass(kind, BaseException)


def test_the_daemon_loads_no_plotting_or_spreadsheet_library_until_it_draws_a_report() -> None:
    """matplotlib and numpy cost memory and start-up time: the daemon draws once a month."""
    probe = (
        "import sys, bot.scheduler, bot.services.passes, bot.services.monthly_report; "
        "print(sorted({m.split('.')[0] for m in sys.modules}))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert {"matplotlib", "numpy", "openpyxl"} & set(
        json.loads(done.stdout.replace("'", '"'))
    ) == set()


def test_the_text_report_loads_no_plotting_or_spreadsheet_library(config: Path) -> None:
    found = loaded("--config", str(config), "--now", NOW, "report", "--from", "1/4/2026", "--to",
                   "31/3/2027")  # fmt: skip
    assert found & {"matplotlib", "numpy", "openpyxl"} == set()


def test_a_mailbox_signing_in_with_a_password_loads_no_entra_library() -> None:
    """msal and requests (about 0.1 s of every start) are for Entra ID sign-in alone."""
    loaded = modules_after(
        "import bot.scheduler, bot.services.passes, bot.adapters.imap_source, "
        "bot.adapters.smtp_sender, bot.bootstrap"
    )
    assert "bot.scheduler" in loaded
    assert {"msal", "requests", "urllib3"} & {m.split(".")[0] for m in loaded} == set()


def test_a_pass_with_no_digest_due_loads_neither_the_digest_nor_the_template_checker(
    config: Path, tmp_path: Path
) -> None:
    """Before the digest time its gathering is not loaded (bot.services.daily_digest); and a
    start whose templates passed the check before, unchanged since, does not load the check
    (startup_checks.template_problems_at_start)."""
    templates = tmp_path / "templates"  # a folder of its own: no earlier start checked it
    shutil.copytree(packaged("templates"), templates)
    config.write_text(f'templates_dir = "{templates}"\n' + config.read_text())
    early = ("--config", str(config), "--now", "2026-12-23T07:00", "run", "--once")
    assert "bot.adapters.template_fields" in loaded_modules(*early)  # checked, and kept
    drop_into_maildir(inbox(config), (SAMPLES / "03-meeting-room-question.eml").read_bytes())
    found = loaded_modules(*early)
    assert "bot.services.passes" in found  # it did run a pass
    assert "bot.adapters.parsing" in found  # and read the email: one for a person, no reply
    digest = {f"bot.services.digest{part}" for part in ("", "_cases", "_since", "_messages")}
    checker = {"bot.adapters.template_fields", "bot.adapters.template_examples"}
    assert found & (digest | checker) == set()
    # Nothing to send, no calendar part, no attachment: no Jinja2, icalendar or document reader.
    assert {m.split(".")[0] for m in found} & {"jinja2", "icalendar", *DOCUMENT_READERS} == set()


def test_a_pass_reading_a_calendar_answer_loads_icalendar(config: Path) -> None:
    """The other side of the test above: icalendar is loaded when a calendar part is read."""
    drop_into_maildir(inbox(config), calendar_reply("dsp@police.example", "ACCEPTED"))
    found = loaded_modules("--config", str(config), "--now", "2026-12-23T07:00", "run", "--once")
    assert "icalendar" in {m.split(".")[0] for m in found}
