"""Mail set aside for a person is moved on from where it really is (real Dovecot, a real
Maildir): after a bot stopped between setting it aside and the commit recording its new
place, and when other mail shares its Message-ID."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.adapters.db.models import StoredMessage
from bot.adapters.imap_source import ImapSource
from bot.adapters.maildir_source import MaildirSource
from bot.app import App
from bot.services.ingest import ingest_pass
from tests.fixtures.app import AppFactory
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.mail import drop_into_maildir, email
from tests.fixtures.set_aside import (
    ATTENTION,
    FOUND,
    released,
    stopped_then_restarted,
    triage_done,
    waiting,
)

LUNCH = "<lunch-1@example.org>"


def _lunch(body: str = "Anyone free for lunch?", message_id: str = LUNCH) -> bytes:
    # From no one the configuration knows: it waits for a person.
    return email("Lunch on Friday?", body, sender="a.invented@example.org", message_id=message_id)


def _imap(dovecot: DovecotServer) -> ImapSource:
    return ImapSource(
        dovecot.host, dovecot.port, dovecot.user, dovecot.password,
        security="plain", timeout=5, attention_folder=ATTENTION,
    )  # fmt: skip


def _ingest(app: App, dovecot: DovecotServer) -> list[int]:
    source = _imap(dovecot)
    ingest_pass(app, source)
    source.close()
    return waiting(app)


def _on_imap(make_app: AppFactory, dovecot: DovecotServer) -> App:
    app, _ = make_app()
    app.open_source = lambda: _imap(dovecot)
    return app


def _moved_to_processed_once(app: App, dovecot: DovecotServer, row_id: int) -> bool:
    """The one email is in Processed, none is left set aside, and its record says so."""
    return (
        dovecot.fetch_all(ATTENTION) == []
        and len(dovecot.fetch_all("Processed")) == 1
        and released(app, row_id)
    )


@pytest.mark.imap
def test_triage_done_finds_mail_set_aside_by_a_bot_stopped_before_its_commit(
    make_app: AppFactory, dovecot: DovecotServer
) -> None:
    app = _on_imap(make_app, dovecot)
    dovecot.append(_lunch())
    row_id = stopped_then_restarted(app, _imap(dovecot), _imap(dovecot))
    assert len(dovecot.fetch_all(ATTENTION)) == 1 and dovecot.fetch_all("INBOX") == []

    assert triage_done(app, row_id) == FOUND

    assert _moved_to_processed_once(app, dovecot, row_id)


@pytest.mark.imap
def test_a_pending_release_finds_mail_set_aside_by_a_bot_stopped_before_its_commit(
    make_app: AppFactory, dovecot: DovecotServer
) -> None:
    app = _on_imap(make_app, dovecot)
    dovecot.append(_lunch())
    row_id = stopped_then_restarted(app, _imap(dovecot), _imap(dovecot))
    dovecot.stop()  # `triage done` while the mailbox cannot be reached: the next pass moves it
    try:
        assert "could not be reached" in triage_done(app, row_id)
    finally:
        dovecot.start()

    assert _ingest(app, dovecot) == []

    assert _moved_to_processed_once(app, dovecot, row_id)


@pytest.mark.imap
def test_mail_already_in_processed_or_nowhere_is_said_so(
    make_app: AppFactory, dovecot: DovecotServer
) -> None:
    app = _on_imap(make_app, dovecot)
    dovecot.append(_lunch())
    dovecot.append(_lunch("Or on Monday?", "<lunch-2@example.org>"))
    first, second = _ingest(app, dovecot)
    assert LUNCH.encode() in _raw(app, first)
    with dovecot.client() as client:  # a person moves one on and deletes the other by hand
        client.select_folder(ATTENTION)
        [one] = client.search(["HEADER", "Message-ID", "lunch-1@example.org"])
        [two] = client.search(["HEADER", "Message-ID", "lunch-2@example.org"])
        client.move([one], "Processed")
        client.delete_messages([two])
        client.expunge()

    assert triage_done(app, first) == "already in Processed"
    said = triage_done(app, second)

    assert said.startswith("not found where its record said, in the needs-attention folder")
    assert released(app, first) and released(app, second)


@pytest.mark.imap
def test_triage_done_on_one_moves_no_other_mail_sharing_its_message_id(
    make_app: AppFactory, dovecot: DovecotServer
) -> None:
    app = _on_imap(make_app, dovecot)
    dovecot.append(_lunch())
    dovecot.append(_lunch("A different and longer body under the same id."))
    first, second = _ingest(app, dovecot)

    assert triage_done(app, first) == "moved to Processed"

    assert dovecot.fetch_all("Processed") == [_raw(app, first)]
    assert dovecot.fetch_all(ATTENTION) == [_raw(app, second)]
    assert triage_done(app, second) == "moved to Processed"
    assert dovecot.fetch_all(ATTENTION) == []


@pytest.mark.imap
def test_a_key_kept_by_an_older_version_moves_the_one_message_of_its_bytes(
    make_app: AppFactory, dovecot: DovecotServer
) -> None:
    # Same Message-ID and same size: only the stored bytes tell them apart.
    app = _on_imap(make_app, dovecot)
    dovecot.append(_lunch("Anyone free for lunch?"))
    dovecot.append(_lunch("Anyone free for lunch!"))
    first, second = _ingest(app, dovecot)
    with app.sessions() as session:  # the key an older version recorded: a Message-ID alone
        for row in session.scalars(select(StoredMessage)):
            row.source_key = f"aside:{LUNCH}"
        session.commit()

    assert triage_done(app, second) == FOUND

    assert dovecot.fetch_all("Processed") == [_raw(app, second)]
    assert dovecot.fetch_all(ATTENTION) == [_raw(app, first)]


def test_maildir_triage_done_finds_mail_set_aside_by_a_bot_stopped_before_its_commit(
    make_app: AppFactory, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    app, _ = make_app()
    app.open_source = lambda: MaildirSource(inbox, attention_folder=ATTENTION)
    drop_into_maildir(inbox, _lunch())
    row_id = stopped_then_restarted(app, app.open_source(), app.open_source())

    assert triage_done(app, row_id) == FOUND

    assert _files(inbox / f".{ATTENTION}") == []
    assert len(_files(inbox / ".Processed")) == 1


def _raw(app: App, row_id: int) -> bytes:
    with app.sessions() as session:
        row = session.get(StoredMessage, row_id)
        assert row is not None
        return row.raw


def _files(folder: Path) -> list[Path]:
    return [p for sub in ("new", "cur") for p in (folder / sub).glob("*")]
