"""An email an EWS send cut short goes once, though Exchange files it in Sent Items late.

CreateItem's SendAndSaveCopy leaves the copy in Sent Items only once the transport has sent
it, as Graph's sendMail does, so one look after a crash may not find it yet. The local EWS
(tests/fixtures/ews.py) keeps the copy out of Sent Items while filing_delayed; the Sent Items
looked in is the one the bot's own wiring makes from an EWS configuration
(bootstrap.make_sent_lookup); the process dies once CreateItem has sent the email.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from bot.adapters.ews_connection import EwsConnection, EwsLogin
from bot.adapters.ews_sender import EwsSender
from bot.app import App
from bot.bootstrap import make_sent_lookup
from bot.config import load_config

# Loaded first as the daemon's own passes load it: imported alone, decision_checks (which
# marking an email sent imports) and review import each other (a cycle left for its owner).
from bot.services import review  # noqa: F401
from bot.services.outbox import SendReport, send_all, send_due
from tests.fixtures.app import AppFactory, Clock
from tests.fixtures.ews import MAILBOX, PASSWORD, USERNAME, EwsTestServer, write_ews_config
from tests.services.test_outbox import REFERRER, claims_run_out, only_row, queue, rows
from tests.services.test_outbox_crash import DiesAfterSending


@pytest.fixture
def files_late(
    make_app: AppFactory, ews: EwsTestServer, tmp_path: Path, database_url: str
) -> tuple[App, Clock]:
    """An app sending by EWS, Exchange filing nothing in Sent Items for now."""
    ews.state.filing_delayed = True
    app, clock = make_app()
    login = EwsLogin(ews.endpoint, MAILBOX, USERNAME, PASSWORD, "basic")
    app.open_sender = lambda: EwsSender(EwsConnection(login))
    (tmp_path / "ews").mkdir()
    path = write_ews_config(tmp_path / "ews", database_url, ews)
    config = load_config(path, {"TEST_EWS_PASSWORD": PASSWORD})
    app.open_sent_lookup = lambda: make_sent_lookup(config)
    return app, clock


def _cut_short(app: App, clock: Clock) -> None:
    """Sent at 09:00, the process died before marking it; restarted at 09:20."""
    queue(app, clock, "ack:1")
    with contextlib.suppress(SystemExit):
        send_due(app, DiesAfterSending(app.open_sender()))
    clock.set("2026-12-23T09:20")
    claims_run_out(app)


def _to_referrer(ews: EwsTestServer) -> int:
    return sum(1 for sent in ews.state.sent if sent.recipients == [REFERRER])


def test_a_copy_filed_in_sent_items_after_the_first_look_is_marked_sent_not_sent_twice(
    files_late: tuple[App, Clock], ews: EwsTestServer
) -> None:
    app, clock = files_late
    _cut_short(app, clock)

    # Before: not found at 09:20 was "not sent", and a second copy went.
    assert send_due(app, app.open_sender()) == SendReport(retrying=1)
    assert _to_referrer(ews) == 1

    ews.deliver(ews.state.sent[0].mime, folder="sentitems")  # filed, its own Message-ID
    clock.set("2026-12-23T09:25")
    assert send_due(app, app.open_sender()) == SendReport(sent=1, found_sent=1)
    assert _to_referrer(ews) == 1
    assert only_row(app).status == "sent"


def test_a_copy_never_filed_is_put_to_a_person_not_sent_twice(
    files_late: tuple[App, Clock], ews: EwsTestServer
) -> None:
    app, clock = files_late
    bm = app.config.people.business_manager.email
    _cut_short(app, clock)
    assert send_due(app, app.open_sender()) == SendReport(retrying=1)

    clock.set("2026-12-23T09:31")
    assert send_all(app, app.open_sender()) == SendReport(sent=1, failed=1)

    asked, notice = rows(app)
    assert asked.status == "failed" and "MAY HAVE BEEN SENT" in str(asked.last_error)
    assert (notice.event, notice.status) == ("unconfirmed_send_notice", "sent")
    assert _to_referrer(ews) == 1
    assert [sent.recipients for sent in ews.state.sent] == [[REFERRER], [bm]]
