"""A database error the bot does not know, met while processing mail: a table renamed away that
every message meets is the database's trouble (the pass stops, the mail waits uncounted and is
processed once the table is back), while one message's own (a value its column refuses) is
still counted and quarantined. Real SQLite and PostgreSQL, the table really renamed."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, func, select, text

from bot.adapters.db.models import Case, StoredMessage
from bot.adapters.maildir_source import MaildirSource
from bot.app import App
from bot.services.ingest import ingest_pass
from tests.fixtures.app import AppFactory
from tests.fixtures.mail import drop_into_maildir, sin
from tests.test_cli import Run, bot, cli, config, inbox

__all__ = ["bot", "cli", "config"]  # fixtures

POISON = "<poison-sin@gmp.police.uk>"
POISON_ID = POISON.strip("<>")  # as stored


def _sins(inbox: Path, count: int) -> None:
    for n in range(count):
        drop_into_maildir(
            inbox, sin(f"<sin-{n}@gmp.police.uk>", sender=f"sam{n}.invented@gmp.police.uk")
        )


def _rows(app: App) -> list[tuple[str, int, bool]]:
    with app.sessions() as s:
        rows = s.scalars(select(StoredMessage).order_by(StoredMessage.id))
        return [(r.status, r.attempts, r.needs_triage) for r in rows]


def _cases(app: App) -> int:
    with app.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(Case)) or 0)


def _run(app: App, sql: str) -> None:
    with app.sessions() as session:
        session.execute(text(sql))
        session.commit()


def test_a_table_renamed_away_quarantines_no_good_mail_and_says_the_database(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """Each good SIN was counted as if it were poison: after three passes all four were
    quarantined and on the triage list, and the passes said nothing of the database."""
    app, _ = make_app()
    inbox = tmp_path / "inbox"
    _sins(inbox, 4)
    _run(app, "ALTER TABLE cases RENAME TO cases_elsewhere")
    reports = [
        ingest_pass(app, MaildirSource(inbox)) for _ in range(app.config.ingest.max_attempts)
    ]
    assert _rows(app) == [("stored", 0, False)] * 4
    for report in reports:
        said = report.database_trouble or ""
        assert said.startswith("database error ("), said
        assert "cases" in said and "3 different messages in a row met it" in said
        assert report.errors == []
    _run(app, "ALTER TABLE cases_elsewhere RENAME TO cases")
    report = ingest_pass(app, MaildirSource(inbox))
    assert (report.processed, report.failed, report.database_trouble) == (4, 0, None)
    assert _rows(app) == [("processed", 0, False)] * 4 and _cases(app) == 4


def _refuse_one_message(app: App) -> None:
    """The poison SIN's processing breaks a rule of the database, as a value too long would."""
    refuse_messages(app, [POISON_ID])


def refuse_messages(app: App, message_ids: list[str]) -> None:
    """Processing each of these stored messages breaks the same rule of the database, as a
    value too long would."""
    ids = ", ".join(f"'{m}'" for m in message_ids)
    if app.engine.dialect.name == "postgresql":
        _run(
            app,
            "CREATE FUNCTION refuse_poison() RETURNS trigger AS $$ BEGIN "
            f"IF NEW.message_id IN ({ids}) AND NEW.status = 'processed' THEN "
            "RAISE EXCEPTION 'value too long for type character varying(20)' "
            "USING ERRCODE = '22001'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
        )
        _run(
            app,
            "CREATE TRIGGER refuse_poison BEFORE UPDATE ON messages "
            "FOR EACH ROW EXECUTE FUNCTION refuse_poison()",
        )
    else:
        _run(
            app,
            "CREATE TRIGGER refuse_poison BEFORE UPDATE ON messages "
            f"WHEN NEW.message_id IN ({ids}) AND NEW.status = 'processed' "
            "BEGIN SELECT RAISE(ABORT, 'value too long'); END",
        )


def test_one_message_s_own_database_error_is_still_counted_and_quarantined(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app, _ = make_app()
    inbox = tmp_path / "inbox"
    drop_into_maildir(inbox, sin(POISON, sender="pat.invented@gmp.police.uk"))
    _sins(inbox, 2)
    _refuse_one_message(app)
    first = ingest_pass(app, MaildirSource(inbox))
    assert (first.processed, first.failed, first.database_trouble) == (2, 1, None)
    assert _rows(app) == [("stored", 1, False), ("processed", 0, False), ("processed", 0, False)]
    for _ in range(app.config.ingest.max_attempts - 1):  # alone now: still its own fault
        report = ingest_pass(app, MaildirSource(inbox))
        assert report.database_trouble is None
    assert _rows(app)[0] == ("quarantined", app.config.ingest.max_attempts, True)
    with app.sessions() as s:
        reason = s.scalars(select(StoredMessage.triage_reason).order_by(StoredMessage.id)).first()
    assert reason and "quarantined after 3 failed attempts" in reason


def test_run_once_and_status_say_the_database_s_error_and_triage_stays_empty(
    bot: Run, config: Path, migrated_database_url: str
) -> None:
    for n in range(3):
        drop_into_maildir(
            inbox(config), sin(f"<sin-{n}@gmp.police.uk>", sender=f"sam{n}.invented@gmp.police.uk")
        )
    engine = create_engine(migrated_database_url)
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE cases RENAME TO cases_elsewhere"))
    engine.dispose()
    for _ in range(3):
        code, out, _ = bot("run", "--once")
        said = [line for line in out.splitlines() if line.startswith("database problem: ")]
        assert code == 1 and len(said) == 1, out
        assert said[0].startswith("database problem: database error ("), out
    status = bot("status")[1]
    assert "mailbox" in status and "database error (" in status, status
    assert bot("triage", "list")[1] == "(none)\n"  # no good SIN put before a person as poison
