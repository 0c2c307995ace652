"""Mail waiting in an inbox that the IMAP server numbered afresh (the folder recreated or
restored: a new UIDVALIDITY) is the same delivery under a new number, found again by its
Message-ID and bytes (real Dovecot): `tscp-bot triage done N` moves it from there, and the next
sweep neither counts it as delivered twice nor loses track of it."""

from __future__ import annotations

import pytest

from bot.adapters.db.models import StoredMessage
from bot.adapters.imap_source import ImapSource
from bot.app import App
from bot.services.ingest import ingest_pass
from tests.fixtures.app import AppFactory
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.mail import email
from tests.fixtures.set_aside import released, triage_done, waiting

INBOX = "Shared"  # a folder the test may delete: Dovecot never deletes INBOX itself
LUNCH = email(
    "Lunch on Friday?",
    "Anyone free for lunch?",
    sender="a.invented@example.org",  # from no one the configuration knows: it waits
    message_id="<lunch-1@example.org>",
)


def _imap(dovecot: DovecotServer) -> ImapSource:
    return ImapSource(
        dovecot.host, dovecot.port, dovecot.user, dovecot.password,
        security="plain", folder=INBOX, timeout=5,
    )  # fmt: skip


def _ingest(app: App) -> list[int]:
    source = app.open_source()
    ingest_pass(app, source)
    source.close()
    return waiting(app)


def _waiting_in_a_renumbered_inbox(make_app: AppFactory, dovecot: DovecotServer) -> App:
    """The email waits for a person in the inbox; the inbox is then recreated with it in it."""
    app, _ = make_app()
    app.open_source = lambda: _imap(dovecot)
    dovecot.append(LUNCH, folder=INBOX)
    assert len(_ingest(app)) == 1
    with dovecot.client() as admin:
        before = admin.folder_status(INBOX, ["UIDVALIDITY"])
        admin.delete_folder(INBOX)
    dovecot.append(LUNCH, folder=INBOX)
    with dovecot.client() as admin:
        assert admin.folder_status(INBOX, ["UIDVALIDITY"]) != before
    return app


def _deliveries(app: App, row_id: int) -> int:
    with app.sessions() as session:
        row = session.get(StoredMessage, row_id)
        assert row is not None
        return row.duplicate_deliveries


@pytest.mark.imap
def test_triage_done_finds_mail_still_in_an_inbox_numbered_afresh(
    make_app: AppFactory, dovecot: DovecotServer
) -> None:
    app = _waiting_in_a_renumbered_inbox(make_app, dovecot)
    [row_id] = waiting(app)

    said = triage_done(app, row_id)

    assert said == (
        "found in the inbox under a new number (the mailbox numbered its mail afresh) and "
        "moved to Processed"
    )
    assert dovecot.fetch_all(INBOX) == [] and len(dovecot.fetch_all("Processed")) == 1
    assert released(app, row_id)
    assert _ingest(app) == [] and _deliveries(app, row_id) == 0


@pytest.mark.imap
def test_a_sweep_of_an_inbox_numbered_afresh_counts_no_second_delivery(
    make_app: AppFactory, dovecot: DovecotServer
) -> None:
    app = _waiting_in_a_renumbered_inbox(make_app, dovecot)
    [row_id] = waiting(app)

    assert _ingest(app) == [row_id]  # the full sweep the new numbering starts

    assert _deliveries(app, row_id) == 0
    assert triage_done(app, row_id) == "moved to Processed"  # from where it is now
    assert dovecot.fetch_all(INBOX) == [] and len(dovecot.fetch_all("Processed")) == 1
