"""An item whose GetItem (MimeContent) answer is an error for that item alone is set aside for a
person, never skipped as if it had been deleted.

EWS ResponseCode (learn.microsoft.com/exchange/client-developer/web-service-reference/
responsecode): ErrorMimeContentConversionFailed "the MIME content conversion failed" (opaque
S/MIME, some NDRs), ErrorItemCorrupt "the item in the store is corrupt". GetItem answers each
requested item with its own GetItemResponseMessage, ResponseClass="Error" for that one only.
The rules: a message that cannot be processed is quarantined and shown to the Business
Manager, never dropped; and nothing is silent. Only ErrorItemNotFound (moved or deleted since
the sync) is passed over; an error that blames the server fails the pass.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot.adapters.db.models import MailboxState, StoredMessage
from bot.adapters.ews_connection import EwsConnection, EwsLogin
from bot.adapters.ews_source import EwsSource
from bot.app import App
from bot.services.ingest import IngestReport, ingest_pass
from tests.fixtures.app import AppFactory
from tests.fixtures.ews import MAILBOX, PASSWORD, USERNAME, EwsTestServer
from tests.fixtures.mail import email, sin


@pytest.fixture
def source(ews: EwsTestServer) -> Iterator[EwsSource]:
    src = EwsSource(EwsConnection(EwsLogin(ews.endpoint, MAILBOX, USERNAME, PASSWORD, "basic")))
    yield src
    src.close()


def _encrypted() -> bytes:
    return email(
        "Re: TSCP-2026-0001 chronology", "(S/MIME)", sender="dc.invented@nhs.net",
        message_id="<smime-1@nhs.net>",
    )  # fmt: skip


def _rows(app: App) -> list[StoredMessage]:
    with app.sessions() as session:
        return list(session.scalars(select(StoredMessage).order_by(StoredMessage.id)))


def _passes(app: App, source: EwsSource, n: int) -> list[IngestReport]:
    return [ingest_pass(app, source, full_sweep=False) for _ in range(n)]


@pytest.mark.parametrize(
    "code",
    [
        "ErrorMimeContentConversionFailed",
        "ErrorItemCorrupt",
        "ErrorCorruptData",
        "ErrorMessageSizeExceeded",
    ],
)
def test_an_item_exchange_cannot_give_as_mime_is_not_silently_dropped(
    ews: EwsTestServer, source: EwsSource, make_app: AppFactory, code: str
) -> None:
    app, _ = make_app()
    ews.deliver(sin())
    bad = ews.deliver(_encrypted())
    ews.state.item_errors[bad] = code

    reports = _passes(app, source, 2)

    rows = _rows(app)
    assert any(r.message_id == "sin-1@gmp.police.uk" for r in rows)  # its neighbour is read
    assert [m.id for m in ews.in_folder("Inbox")] == [bad]  # still in the Inbox, untouched
    (kept,) = [r for r in rows if r.status == "quarantined"]  # kept once, over two passes
    assert kept.needs_triage and kept.size == 0 and kept.source_key.startswith(bad)
    assert kept.message_id == "smime-1@nhs.net"
    assert (kept.subject, kept.from_addr) == (
        "Re: TSCP-2026-0001 chronology", "dc.invented@nhs.net",
    )  # fmt: skip
    assert code in (kept.last_error or "") and code in (kept.triage_reason or "")
    assert [r.errors for r in reports] == [[], []]
    assert reports[0].quarantined == 1 and reports[1].quarantined == 0


def test_an_item_exchange_gives_with_no_mime_content_is_kept_for_a_person(
    ews: EwsTestServer, source: EwsSource, make_app: AppFactory
) -> None:
    app, _ = make_app()
    ews.deliver(sin())
    empty = ews.deliver(b"")

    _passes(app, source, 1)

    (kept,) = [r for r in _rows(app) if r.status == "quarantined"]
    assert kept.source_key.startswith(empty) and "no MIME content" in (kept.last_error or "")


def test_an_item_deleted_since_the_sync_is_passed_over(
    ews: EwsTestServer, source: EwsSource, make_app: AppFactory
) -> None:
    app, _ = make_app()
    ews.deliver(sin())
    ews.state.item_errors[ews.deliver(_encrypted())] = "ErrorItemNotFound"

    (report,) = _passes(app, source, 1)

    assert [r.message_id for r in _rows(app)] == ["sin-1@gmp.police.uk"]
    assert report.errors == [] and report.quarantined == 0


@pytest.mark.parametrize(
    "code",
    ["ErrorInternalServerTransientError", "ErrorMailboxStoreUnavailable", "ErrorAccessDenied"],
)
def test_an_error_that_blames_the_server_fails_the_pass_and_the_item_is_read_later(
    ews: EwsTestServer, source: EwsSource, make_app: AppFactory, code: str
) -> None:
    app, _ = make_app()
    ews.deliver(sin())
    bad = ews.deliver(_encrypted())
    ews.state.item_errors[bad] = code

    (failed,) = _passes(app, source, 1)
    with app.sessions() as session:
        state = session.get(MailboxState, app.mailbox_name)
        assert state is not None and state.last_error  # nothing silent
    del ews.state.item_errors[bad]
    _passes(app, source, 1)

    assert failed.mailbox_error is not None and failed.quarantined == 0
    rows = _rows(app)
    assert sorted(r.message_id for r in rows) == ["sin-1@gmp.police.uk", "smime-1@nhs.net"]
    assert all(r.status == "processed" for r in rows)
