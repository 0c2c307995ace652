"""An email an SMTP send cut short goes once, though Exchange files it in Sent Items late.

Exchange files a copy of mail submitted with SMTP AUTH in Sent Items after sending it, as it
does for Graph's sendMail, so one look a few minutes after a crash may not find it yet. Staged
with the real parts: aiosmtpd as the relay (which files nothing itself), the real Dovecot
mailbox's Sent Items searched over IMAP through the lookup the bot's own wiring makes from
its configuration (bootstrap.make_sent_lookup), and the process dying after the relay took the
email and before it was marked (as in test_outbox_crash). The test files the copy, under the
email's own Message-ID, only after the first look.
"""

from __future__ import annotations

import contextlib
import email
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from bot.app import App
from bot.bootstrap import make_sent_lookup
from bot.services.outbox import SendReport, send_all, send_due
from tests.fixtures.app import AppFactory, Clock, make_config
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.smtp import SmtpTestServer
from tests.services.test_outbox import REFERRER, claims_run_out, only_row, queue, rows, smtp_app
from tests.services.test_outbox_crash import SENT, DiesAfterSending

pytestmark = pytest.mark.imap


@pytest.fixture
def files_late(
    make_app: AppFactory,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
    tmp_path: Path,
    database_url: str,
) -> tuple[App, Clock]:
    """An app sending by SMTP whose mailbox is Dovecot, its Sent Items (still) empty."""
    return _searching(SENT, make_app, dovecot, smtp_server, tmp_path, database_url)


@pytest.fixture
def files_late_in_sent(
    make_app: AppFactory,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
    tmp_path: Path,
    database_url: str,
) -> tuple[App, Clock]:
    """The same, its server filing sent mail in a folder named "Sent" (Dovecot's, Gmail's and
    many hosts' name), and the config saying so."""
    return _searching("Sent", make_app, dovecot, smtp_server, tmp_path, database_url)


def _searching(
    folder: str,
    make_app: AppFactory,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
    tmp_path: Path,
    database_url: str,
) -> tuple[App, Clock]:
    dovecot.create_folder(folder)
    app, clock = smtp_app(make_app, smtp_server)
    imap = {
        "host": dovecot.host, "port": dovecot.port, "username": dovecot.user,
        "password_env": "TEST_IMAP_PASSWORD", "security": "plain", "timeout_seconds": 2,
    }  # fmt: skip
    outgoing = {
        "backend": "smtp",
        "sent_folder": folder,
        "smtp": {"host": "127.0.0.1", "port": smtp_server.port, "security": "plain"},
    }
    config = make_config(
        tmp_path, database_url, environ={"TEST_IMAP_PASSWORD": dovecot.password},
        mailbox={"backend": "imap", "imap": imap}, outgoing=outgoing,
    )  # fmt: skip
    app.open_sent_lookup = lambda: make_sent_lookup(config)
    return app, clock


def _cut_short(app: App, clock: Clock) -> None:
    """The relay took the email at 09:00 and the process died before marking it; restarted
    at 09:20, the dead process's claim run out."""
    queue(app, clock, "ack:1")
    with contextlib.suppress(SystemExit):
        send_due(app, DiesAfterSending(app.open_sender()))
    clock.set("2026-12-23T09:20")
    claims_run_out(app)


def test_a_copy_filed_in_sent_items_after_the_first_look_is_marked_sent_not_sent_twice(
    files_late: tuple[App, Clock], dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> None:
    app, clock = files_late
    _cut_short(app, clock)

    # Not there yet: not "not sent", so it waits (before: sent again at once, a second copy).
    assert send_due(app, app.open_sender()) == SendReport(retrying=1)
    assert len(smtp_server.messages) == 1
    row = only_row(app)
    assert row.status == "pending" and "not yet in the Sent Items folder" in str(row.last_error)

    (copy,) = smtp_server.messages
    dovecot.append(copy.raw, SENT)  # Exchange files it, under the email's own Message-ID
    clock.set("2026-12-23T09:25")
    assert send_due(app, app.open_sender()) == SendReport(sent=1, found_sent=1)

    assert len(smtp_server.messages) == 1  # the referrer got it once
    row = only_row(app)
    assert (row.status, row.attempt_started_at) == ("sent", None)


def test_a_copy_never_filed_is_put_to_a_person_and_the_business_manager_told(
    files_late: tuple[App, Clock], smtp_server: SmtpTestServer
) -> None:
    app, clock = files_late
    bm = app.config.people.business_manager.email
    _cut_short(app, clock)
    assert send_due(app, app.open_sender()) == SendReport(retrying=1)

    clock.set("2026-12-23T09:31")  # 30 minutes after the attempt, still not in Sent Items
    assert send_all(app, app.open_sender()) == SendReport(sent=1, failed=1)

    asked, notice = rows(app)
    assert asked.status == "failed" and "MAY HAVE BEEN SENT" in str(asked.last_error)
    assert f"tscp-bot outbox retry {asked.id}" in str(asked.last_error)
    assert (notice.event, notice.status) == ("unconfirmed_send_notice", "sent")
    referrer_copy, told = smtp_server.messages  # no second copy to the referrer
    assert (referrer_copy.rcpt_tos, told.rcpt_tos) == ([REFERRER], [bm])
    assert send_all(app, app.open_sender()) == SendReport()
    assert len(smtp_server.messages) == 2


def test_the_notice_names_the_folder_searched_not_sent_items(
    files_late_in_sent: tuple[App, Clock], smtp_server: SmtpTestServer
) -> None:
    """She is sent to look where the bot looked: a "Sent Items" she does not have would leave
    her finding nothing, and sending a second copy."""
    app, clock = files_late_in_sent
    _cut_short(app, clock)
    assert send_due(app, app.open_sender()) == SendReport(retrying=1)
    assert "not yet in the Sent folder" in str(only_row(app).last_error)

    clock.set("2026-12-23T09:31")
    assert send_all(app, app.open_sender()) == SendReport(sent=1, failed=1)

    asked, _ = rows(app)
    assert "look in the mailbox's Sent folder (and Drafts)" in str(asked.last_error)
    told = email.message_from_bytes(smtp_server.messages[-1].raw, policy=policy.default)
    assert isinstance(told, EmailMessage)
    for part in ("plain", "html"):
        body = told.get_body(preferencelist=(part,))
        assert body is not None
        text = " ".join(body.get_content().split())
        assert "the email is still not in the mailbox's Sent folder." in text
        assert "Look for it by its subject in the mailbox's Sent folder (and Drafts)" in text
        assert "Sent Items" not in text
