"""Storing a batch of fetched mail (bot.services.ingest_store), on SQLite and PostgreSQL: new
mail goes in together, and when the database refuses one message of it, each is stored again
alone, so that one is kept quarantined and its neighbours stored, in the mailbox's order."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, text

from bot.adapters.db.models import StoredMessage
from bot.adapters.maildir_source import MaildirSource
from bot.app import App
from bot.services.ingest import ingest_pass
from tests.fixtures.app import AppFactory
from tests.fixtures.mail import drop_into_maildir, email


def _run(app: App, sql: str) -> None:
    with app.sessions() as session:
        session.execute(text(sql))
        session.commit()


def _refuse_storing(app: App, message_id: str) -> None:
    """Inserting the row of this message breaks a rule of the database, as a value too long
    would; its quarantined copy (under an id made from its bytes) does not."""
    if app.engine.dialect.name == "postgresql":
        _run(
            app,
            "CREATE FUNCTION refuse_row() RETURNS trigger AS $$ BEGIN "
            f"IF NEW.message_id = '{message_id}' THEN "
            "RAISE EXCEPTION 'value too long for type character varying(20)' "
            "USING ERRCODE = '22001'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
        )
        _run(
            app,
            "CREATE TRIGGER refuse_row BEFORE INSERT ON messages "
            "FOR EACH ROW EXECUTE FUNCTION refuse_row()",
        )
    else:
        _run(
            app,
            "CREATE TRIGGER refuse_row BEFORE INSERT ON messages "
            f"WHEN NEW.message_id = '{message_id}' "
            "BEGIN SELECT RAISE(ABORT, 'value too long'); END",
        )


def test_a_message_the_database_refuses_in_a_batch_of_new_mail_is_kept_and_its_neighbours_stored(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app, _ = make_app()
    _refuse_storing(app, "refused@x")
    inbox = tmp_path / "inbox"
    notes = [email(f"Note {n}", "A note.", message_id=f"<note-{n}@x>") for n in range(4)]
    refused = email("Note refused", "A note.", message_id="<refused@x>")
    for raw in [*notes[:2], refused, *notes[2:]]:
        drop_into_maildir(inbox, raw)  # one at a time: the Maildir lists them in this order
    report = ingest_pass(app, MaildirSource(inbox))
    assert (report.stored, report.quarantined, report.not_stored) == (5, 1, 0)
    with app.sessions() as s:
        rows = s.scalars(select(StoredMessage).order_by(StoredMessage.id)).all()
        raws = [row.raw for row in rows]
        statuses = [row.status for row in rows]
        on_the_list = rows[2].needs_triage
    assert raws == [*notes[:2], refused, *notes[2:]]
    assert statuses == ["processed"] * 2 + ["quarantined"] + ["processed"] * 2 and on_the_list
