"""Upgrading in place: `tscp-bot init` on a database the first release built, with live cases in
it, keeps every row and leaves a bot that works; a database a newer bot upgraded is refused in
one line by every command that opens it. SQLite and PostgreSQL (see tests/fixtures/database.py).

The rows are written with raw SQL in the 0001 schema, as that release's bot left them: ids from
the database's own counters, never given, so an upgrade that loses a sequence shows as a clash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import IntegrityError

from bot.adapters.db.engine import (
    MIGRATIONS,
    current_revision,
    head_revision,
    known_revision,
    make_engine,
    make_sessions,
    migrate,
    migration_ids,
)
from bot.adapters.db.models import (
    Case,
    CaseCounter,
    CaseEvent,
    Deadline,
    MailboxState,
    Meeting,
    OutboxMessage,
    StoredMessage,
)
from bot.services.recount import MOVED
from tests.fixtures.mail import drop_into_maildir, sin
from tests.test_cli import NOW, Run, cli, inbox, write_config

__all__ = ["cli"]  # the in-process command line fixture

# As the first release stored it: CRLF, a Latin-1 byte a decoder would mangle, kept exactly.
OLD_SIN = sin("<old-sin-7@gmp.police.uk>").replace(b"\n", b"\r\n") + b"Signed: Jos\xe9\r\n"
ACK = b"From: tscp@tameside.gov.uk\r\nSubject: [TSCP-2026-0001] Received\r\n\r\nThank you.\r\n"
OPENED = datetime(2026, 12, 21, 10, 15, tzinfo=UTC)
NEWER = "9999"
REFUSAL = (
    "tscp-bot: the database was upgraded by a newer tscp-bot (schema 9999; this one knows up "
    "to {head}): install that version or newer\n"
)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    try:
        yield engine
    finally:
        engine.dispose()


def _fill_first_release(engine: Engine) -> None:
    """One open review as a 0001 bot left it: counter, case, deadlines (one met), its opening
    event, the SIN it came from, the acknowledgement sent, the screening meeting booked."""
    migrate(engine, "0001")
    rows: list[tuple[str, dict[str, object]]] = [
        ("INSERT INTO case_counters (year, last_number) VALUES (2026, 1)", {}),
        (
            "INSERT INTO cases (ref, year, number, status, opened_at, sin_received_on,"
            " la_aware_on, initials, referrer_email) VALUES ('TSCP-2026-0001', 2026, 1, 'open',"
            " :opened, '2026-12-21', '2026-12-18', 'A.B.', 'casey.invented@gmp.police.uk')",
            {"opened": OPENED},
        ),
        (
            "INSERT INTO deadlines (case_id, name, start, due, explanation, assumption, state,"
            " met_at) SELECT id, 'screening_meeting', '2026-12-21', '2026-12-24',"
            " '3 working days from the SIN', NULL, 'open', NULL FROM cases",
            {},
        ),
        (
            "INSERT INTO deadlines (case_id, name, start, due, explanation, assumption, state,"
            " met_at) SELECT id, 'sin_acknowledgement', '2026-12-21', '2026-12-22',"
            " '1 working day from the SIN', 'SIN read on arrival', 'met', :met FROM cases",
            {"met": OPENED},
        ),
        (
            "INSERT INTO case_events (case_id, at, actor, what, detail, why) SELECT id, :at,"
            " 'tscp-bot', 'case_opened', 'from SIN <old-sin-7@gmp.police.uk>',"
            " 'rule sin-subject' FROM cases",
            {"at": OPENED},
        ),
        (
            "INSERT INTO messages (sha256, message_id, raw, size, received_at, source_key,"
            " status, attempts, processed_at, duplicate_deliveries, kind, rule, classification,"
            " flags, subject, from_addr, needs_triage, case_id) SELECT :sha,"
            " '<old-sin-7@gmp.police.uk>', :raw, :size, :at, 'uid:41', 'processed', 1, :at, 0,"
            " 'sin', 'sin-subject', :classification, '[]',"
            " 'Serious Incident Notification - GM SIN form', 'casey.invented@gmp.police.uk',"
            " :triage, id FROM cases",
            {
                "sha": hashlib.sha256(OLD_SIN).hexdigest(),
                "raw": OLD_SIN,
                "size": len(OLD_SIN),
                "at": OPENED,
                "classification": json.dumps({"kind": "sin", "rule": "sin-subject"}),
                "triage": False,
            },
        ),
        (
            "INSERT INTO outbox (idempotency_key, message_id, case_id, event, sender,"
            " recipients, subject, raw, created_at, status, attempts, next_attempt_at, sent_at)"
            " SELECT 'TSCP-2026-0001:sin_acknowledgement', '<ack-1@tscp-bot>', id,"
            " 'sin_acknowledgement', 'tscp@tameside.gov.uk', :to,"
            " '[TSCP-2026-0001] Received', :raw, :at, 'sent', 1, :at, :at FROM cases",
            {"to": json.dumps(["casey.invented@gmp.police.uk"]), "raw": ACK, "at": OPENED},
        ),
        (
            'INSERT INTO meetings (case_id, purpose, uid, sequence, start, "end", location,'
            " within_deadline) SELECT id, 'screening', 'screening-TSCP-2026-0001@tscp-bot', 0,"
            " :start, :end, 'Tameside One, Room 2', :within FROM cases",
            {
                "start": datetime(2026, 12, 24, 14, tzinfo=UTC),
                "end": datetime(2026, 12, 24, 15, tzinfo=UTC),
                "within": True,
            },
        ),
        (
            "INSERT INTO mailbox_state (name, uidvalidity, last_uid, last_success_at)"
            " VALUES ('imap://tscp@mail.tameside.gov.uk:993/INBOX', 1700000000, 41, :at)",
            {"at": OPENED},
        ),
    ]
    with engine.begin() as connection:
        for sql, params in rows:
            connection.execute(text(sql), params)


def _assert_first_release_rows_kept(
    engine: Engine, screening_due: date = date(2026, 12, 24)
) -> None:
    with make_sessions(engine)() as session:
        case = session.scalars(select(Case).where(Case.ref == "TSCP-2026-0001")).one()
        assert (case.status, case.opened_at, case.sin_received_on, case.la_aware_on) == (
            "open",
            OPENED,
            date(2026, 12, 21),
            date(2026, 12, 18),
        )
        assert (case.initials, case.referrer_email) == ("A.B.", "casey.invented@gmp.police.uk")
        deadlines = {
            d.name: (d.start, d.due, d.state, d.met_at, d.assumption)
            for d in session.scalars(select(Deadline).where(Deadline.case_id == case.id))
        }
        assert deadlines == {
            "screening_meeting": (date(2026, 12, 21), screening_due, "open", None, None),
            "sin_acknowledgement": (
                date(2026, 12, 21),
                date(2026, 12, 22),
                "met",
                OPENED,
                "SIN read on arrival",
            ),
        }
        event = session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
        ).first()
        assert event is not None
        assert (event.at, event.what, event.why) == (OPENED, "case_opened", "rule sin-subject")
        stored = session.scalars(
            select(StoredMessage).where(StoredMessage.message_id == "<old-sin-7@gmp.police.uk>")
        ).one()
        assert stored.raw == OLD_SIN  # byte for byte
        assert (stored.sha256, stored.kind, stored.case_id, stored.status) == (
            hashlib.sha256(OLD_SIN).hexdigest(),
            "sin",
            case.id,
            "processed",
        )
        assert stored.classification == {"kind": "sin", "rule": "sin-subject"}
        sent = session.scalars(
            select(OutboxMessage).where(OutboxMessage.message_id == "<ack-1@tscp-bot>")
        ).one()
        assert (sent.raw, sent.recipients, sent.status, sent.sent_at) == (
            ACK,
            ["casey.invented@gmp.police.uk"],
            "sent",
            OPENED,
        )
        meeting = session.scalars(
            select(Meeting).where(Meeting.uid == "screening-TSCP-2026-0001@tscp-bot")
        ).one()
        assert (meeting.case_id, meeting.start, meeting.location, meeting.within_deadline) == (
            case.id,
            datetime(2026, 12, 24, 14, tzinfo=UTC),
            "Tameside One, Room 2",
            # Counted again with an earlier due day, a panel booked after it is no longer
            # within the 2 working days (bot.services.recount_told).
            screening_due >= date(2026, 12, 24),
        )
        state = session.get(MailboxState, "imap://tscp@mail.tameside.gov.uk:993/INBOX")
        assert state is not None and (state.uidvalidity, state.last_uid) == (1700000000, 41)


def test_migration_ids_read_from_file_names_are_alembic_s(engine: Engine) -> None:
    """Every command checks the schema against the file names, without loading Alembic: they
    must name exactly the revisions Alembic runs, and the newest must be its head."""
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    scripts = ScriptDirectory.from_config(cfg)
    walked = {s.revision for s in scripts.walk_revisions()}
    assert migration_ids() == walked
    # `status` and `doctor` name the head from the file names alone: it must be Alembic's.
    assert head_revision() == scripts.get_current_head()
    assert all(known_revision(r) for r in walked) and not known_revision("9999")


def test_current_revision_is_read_as_alembic_reads_it(engine: Engine) -> None:
    """One SELECT stands in for Alembic's MigrationContext at every `status`."""
    assert current_revision(engine) is None  # no schema yet
    migrate(engine, "0019")
    with engine.connect() as connection:
        alembic_s = MigrationContext.configure(connection).get_current_revision()
    assert current_revision(engine) == alembic_s == "0019"


def test_init_upgrades_a_first_release_database_and_the_bot_works_on_it(
    cli: Run, engine: Engine, tmp_path: Path, database_url: str
) -> None:
    _fill_first_release(engine)
    config = str(write_config(tmp_path, database_url))

    code, out, err = cli("--config", config, "init")
    assert (code, err) == (0, "") and out.startswith("database ready: ")
    assert current_revision(engine) == head_revision()
    _assert_first_release_rows_kept(engine)

    code, out, err = cli("--config", config, "--now", NOW, "cases", "--json")
    assert (code, err) == (0, "")
    [row] = json.loads(out)
    assert (row["ref"], row["status"]) == ("TSCP-2026-0001", "open")
    code, out, err = cli("--config", config, "--now", NOW, "case", "TSCP-2026-0001", "--json")
    assert (code, err) == (0, "")
    shown = json.loads(out)
    due = {d["name"]: (d["due"], d["state"]) for d in shown["deadlines"]}
    assert due == {
        "screening_meeting": ("2026-12-24", "open"),
        "sin_acknowledgement": ("2026-12-22", "met"),
    }
    assert [m["kind"] for m in shown["messages"]] == ["sin"]

    # New work after the upgrade: the next reference, new rows beside the old ids.
    drop_into_maildir(inbox(Path(config)), sin("<new-sin-1@gmp.police.uk>"))
    code, out, err = cli("--config", config, "--now", NOW, "run", "--once", "--json")
    assert (code, err) == (0, "")
    summary = json.loads(out)
    assert (summary["processed"], summary["failed"], summary["step_errors"]) == (1, 0, [])
    code, out, _ = cli("--config", config, "--now", NOW, "cases", "--json")
    assert sorted(r["ref"] for r in json.loads(out)) == ["TSCP-2026-0001", "TSCP-2026-0002"]
    with make_sessions(engine)() as session:
        assert session.get(CaseCounter, 2026) is not None
        assert session.scalars(select(CaseCounter.last_number)).one() == 2
        # The first release gave the Screening Panel 3 working days ("3 working days from the
        # SIN"); the first deadline tick counts every open clock once by today's rules, so the
        # statutory 2 bring it a day earlier, and the Business Manager is told.
        moved = session.scalars(select(CaseEvent).where(CaseEvent.what == MOVED)).one()
        assert "screening_meeting" in moved.detail + (moved.why or "")
    _assert_first_release_rows_kept(engine, screening_due=date(2026, 12, 23))

    code, out, err = cli("--config", config, "init")  # once more: nothing to do, nothing lost
    assert (code, err) == (0, "")
    _assert_first_release_rows_kept(engine, screening_due=date(2026, 12, 23))


def _stamp_newer(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": NEWER})


@pytest.mark.parametrize(
    "args", [("init",), ("run", "--once"), ("cases",), ("status",), ("export", "backup.tar")]
)
def test_a_database_from_a_newer_bot_is_refused_in_one_line(
    cli: Run, engine: Engine, tmp_path: Path, database_url: str, args: tuple[str, ...]
) -> None:
    """Also what an older bot's `init` meets after a newer one upgraded the database: there is
    no downgrade, and nothing is written to a schema this code does not know."""
    config = write_config(tmp_path, database_url)
    assert cli("--config", str(config), "init")[0] == 0
    _stamp_newer(engine)
    drop_into_maildir(inbox(config), sin())
    if args[0] == "export":
        args = ("export", str(tmp_path / "backup.tar"))

    code, out, err = cli("--config", str(config), "--now", NOW, *args)

    assert (code, out, err) == (2, "", REFUSAL.format(head=head_revision()))
    assert current_revision(engine) == NEWER
    assert len(list((inbox(config) / "new").iterdir())) == 1  # the mail left where it was
    assert not (tmp_path / "backup.tar").exists()


def test_doctor_names_a_newer_schema_instead_of_asking_for_init(
    cli: Run, engine: Engine, tmp_path: Path, database_url: str
) -> None:
    config = write_config(tmp_path, database_url)
    assert cli("--config", str(config), "init")[0] == 0
    _stamp_newer(engine)
    inbox(config)
    code, out, _ = cli("--config", str(config), "--now", NOW, "doctor")
    assert code == 1
    [line] = [line for line in out.splitlines() if " database: " in f" {line}"]
    assert "upgraded by a newer tscp-bot (schema 9999" in line
    assert "run `tscp-bot init`" not in line


def test_foreign_keys_are_enforced_again_after_an_upgrade(engine: Engine) -> None:
    """SQLite's checks are switched off while a table is rebuilt; the pooled connection that
    migrated must not be handed on without them."""
    _fill_first_release(engine)
    migrate(engine)
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        with pytest.raises(IntegrityError):
            connection.execute(
                text(
                    "INSERT INTO case_events (case_id, at, actor, what, detail, why)"
                    " VALUES (4242, :at, 'tscp-bot', 'note', '', '')"
                ),
                {"at": OPENED},
            )
