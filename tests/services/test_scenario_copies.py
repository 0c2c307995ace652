"""A scenario copied into a test (tests/fixtures/scenarios.py) is exactly what replaying it
gives: every row of every table, every sequence, every file under the test's folders, the
clock and the count of emails sent in. Without this, a copy that missed a write (a connection
left open, a file outside the folders) would change what every test using it starts from."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from bot.app import App
from tests.fixtures.app import app_factory
from tests.fixtures.database import PG_ENV, SchemaTemplates, _admin
from tests.fixtures.scenarios import Build, Scenarios
from tests.services.conftest import build_bot, build_cspr, build_named, copied
from tests.services.test_calendar_replies import build_bot as build_calendar
from tests.services.test_case_status import build_named as build_status_named
from tests.services.test_complaint_answered import build_two
from tests.services.test_personal_data_refused import build_family
from tests.services.test_wording import build_form_bot

# Every copied scenario (tests/services/conftest.py, test_complaint_answered.py,
# test_calendar_replies.py, test_case_status.py, test_personal_data_refused.py,
# test_wording.py).
SCENARIOS: dict[str, Build] = {
    "bot": build_bot,
    "calendar": build_calendar,
    "cspr": build_cspr,
    "family": build_family,
    "form_bot": build_form_bot,
    "named": build_named,
    "status_named": build_status_named,
    "two": build_two,
}


# A pass writes when each of its jobs ran, by the wall clock, and which process ran it: both
# differ between any two replays, so of the job health rows only each job's state counts.
COLUMNS = {"job_health": "name, failures, last_error"}


def raw_rows(url: str) -> dict[str, list[str]]:
    """Every table's rows as text, and on PostgreSQL every sequence's state."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            found = {
                table: [
                    repr(tuple(row))
                    for row in conn.execute(
                        text(f'SELECT {COLUMNS.get(table, "*")} FROM "{table}"')
                    )
                ]
                for table in inspect(conn).get_table_names()
            }
            if engine.dialect.name == "postgresql":
                sequences = conn.execute(
                    text("SELECT sequencename, last_value FROM pg_sequences ORDER BY 1")
                )
                found["<sequences>"] = [repr(tuple(s)) for s in sequences]
            return found
    finally:
        engine.dispose()


def rows(url: str, folder: Path) -> dict[str, list[str]]:
    """raw_rows sorted, with the folder's path written as <folder> and what differs between
    any two replays (see same) written alike."""
    return {
        table: sorted(same(row.replace(str(folder), "<folder>")) for row in found)
        for table, found in raw_rows(url).items()
    }


# What differs between any two replays: a Maildir file's name (the time and a random part) and
# the MIME boundaries the email library draws at random.
KEY = re.compile(r"\d{19}\.[0-9a-f]{32}\.test")
BOUNDARY = re.compile(r"={15}\d+(==)?")


def same(found: str) -> str:
    return BOUNDARY.sub("<boundary>", KEY.sub("<key>", found))


def files(folder: Path) -> list[tuple[str, str, str]]:
    """Every file under `folder`: its folder, its Maildir flags and its bytes. A Maildir file's
    name is made afresh for each delivery (time and a random part), so only its flags count."""
    found = []
    for path in folder.rglob("*"):
        if path.is_file():
            place = str(path.parent.relative_to(folder))
            flags = (
                path.name.partition(":")[2] if place.endswith(("cur", "new", "tmp")) else path.name
            )
            content = path.read_bytes().decode("latin-1").replace(str(folder), "<folder>")
            found.append((place, flags, same(content)))
    return sorted(found)


def other_database(url: str, tmp_path: Path, templates: SchemaTemplates) -> str:
    """A second database for the copy, as a test's own would be: on PostgreSQL a copy of the
    migrated template (restore writes the scenario's rows into it); on SQLite restore makes the
    file."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"sqlite:///{tmp_path / 'copy.sqlite3'}"
    name = f"tscp_test_{uuid.uuid4().hex[:12]}"
    template = templates.postgres_template()
    _admin(os.environ[PG_ENV], f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return parsed.set(database=name).render_as_string(hide_password=False)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_a_copied_scenario_is_what_replaying_it_gives(
    name: str,
    tmp_path: Path,
    migrated_database_url: str,
    scenarios: Scenarios,
    schema_templates: SchemaTemplates,
) -> None:
    replay_folder, copy_folder = tmp_path / "replay", tmp_path / "copy"
    replay_folder.mkdir()
    copy_folder.mkdir()
    copy_url = other_database(migrated_database_url, tmp_path, schema_templates)
    made: list[App] = []
    try:
        replayed = SCENARIOS[name](
            app_factory(replay_folder, migrated_database_url, made), replay_folder
        )
        make_copy = app_factory(copy_folder, copy_url, made)
        copy = copied(name, SCENARIOS[name], make_copy, copy_folder, copy_url, scenarios)
        for app in made:
            app.close()
        assert (copy.clock.moment, copy.counter, copy.sections) == (
            replayed.clock.moment,
            replayed.counter,
            replayed.sections,
        )
        assert rows(copy_url, copy_folder) == rows(migrated_database_url, replay_folder)
        assert files(copy_folder) == files(replay_folder)
        # The Maildir names the copy's database holds are its own folder's files.
        held = KEY.findall(repr(raw_rows(copy_url)))
        on_disk = {path.name.partition(":")[0] for path in copy_folder.rglob("*.test*")}
        assert set(held) <= on_disk
    finally:
        for app in made:
            app.close()
        if make_url(copy_url).get_backend_name() == "postgresql":
            database = make_url(copy_url).database
            _admin(os.environ[PG_ENV], f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
