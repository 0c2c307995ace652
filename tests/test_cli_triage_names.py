"""`triage list` names every message on it, so the Business Manager can find it in Outlook:
one quarantined before processing recorded its sender and subject is named from its stored
headers."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine

from bot.adapters.db.models import StoredMessage
from bot.services.store import store_raw
from tests.fixtures.app import AppFactory
from tests.fixtures.mail import drop_into_maildir, email, sin
from tests.test_cli import Run, cli, inbox, write_config

__all__ = ["cli"]  # the fixture this module borrows

STORED = datetime(2026, 12, 22, 9, tzinfo=UTC)


def _refuse_new_cases(database_url: str) -> None:
    """The database itself refuses a new case: every SIN then fails part way through
    processing, its headers being perfectly good."""
    engine = create_engine(database_url)
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(
                text(
                    "CREATE TRIGGER refuse_cases BEFORE INSERT ON cases "
                    "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
                )
            )
        else:
            conn.exec_driver_sql(
                "CREATE FUNCTION refuse_cases() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'refused by the test'; END $$ LANGUAGE plpgsql; "
                "CREATE TRIGGER refuse_cases BEFORE INSERT ON cases "
                "FOR EACH ROW EXECUTE FUNCTION refuse_cases()"
            )
    engine.dispose()


def test_a_quarantined_message_is_listed_with_its_from_and_subject(
    cli: Run, tmp_path: Path, migrated_database_url: str
) -> None:
    config = write_config(tmp_path, migrated_database_url, ingest={"max_attempts": 1})
    assert cli("--config", str(config), "init")[0] == 0
    _refuse_new_cases(migrated_database_url)
    drop_into_maildir(inbox(config), sin(sender="ash.invented@gmp.police.uk"))
    drop_into_maildir(inbox(config), b"\x00\x01 not an email at all")
    assert cli("--config", str(config), "--now", "2026-12-23T09:00", "run", "--once")[0] == 0

    code, out, _ = cli("--config", str(config), "triage", "list", "--json")
    rows = sorted(json.loads(out), key=lambda r: r["id"])
    assert code == 0 and [r["status"] for r in rows] == ["quarantined", "quarantined"]
    assert "refused by the test" in rows[0]["reason"]
    assert (rows[0]["from"], rows[0]["subject"]) == (
        "ash.invented@gmp.police.uk",
        "Serious Incident Notification - GM SIN form",
    )
    assert (rows[1]["from"], rows[1]["subject"]) == ("(unreadable)", "(unreadable)")
    human = cli("--config", str(config), "triage", "list")[1]
    assert "ash.invented@gmp.police.uk" in human
    assert "Serious Incident Notification - GM SIN form" in human


def test_a_flood_of_quarantined_messages_is_named_reading_a_hundred_heads_at_a_time(
    cli: Run, tmp_path: Path, make_app: AppFactory
) -> None:
    # Each stored head may be 64 KiB: thousands read in one statement would hold hundreds of
    # megabytes to list a few words of each.
    app, _ = make_app()
    flood = 250
    with app.sessions() as session:
        for n in range(flood):
            raw = email(f"Bounce {n}", "x", sender=f"mailer{n}@example.org", message_id=None)
            row = session.get(StoredMessage, store_raw(session, raw, f"q{n}", STORED).id)
            assert row is not None and not (row.from_addr or row.subject)  # named by headers
            row.status, row.needs_triage = "quarantined", True
        session.commit()
    config = write_config(tmp_path, app.config.database_url)
    heads: list[int] = []

    def count(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if "substr(data" in statement:
            heads.append(len(params) - 1)  # one parameter per message, and the length

    event.listen(Engine, "before_cursor_execute", count)
    try:
        code, out, _ = cli("--config", str(config), "triage", "list", "--json")
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    rows = json.loads(out)
    assert code == 0 and len(rows) == flood
    assert {(r["from"], r["subject"]) for r in rows} == {
        (f"mailer{n}@example.org", f"Bounce {n}") for n in range(flood)
    }
    assert sum(heads) == flood and max(heads) <= 100
