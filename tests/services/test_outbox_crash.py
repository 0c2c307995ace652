"""Sent exactly once across a crash between the SMTP transaction and the mark "sent".

The SMTP server (aiosmtpd) files every message it accepts in the real Dovecot mailbox's
"Sent Items", as Exchange Online does for mail sent with SMTP AUTH. The process "dies"
(SystemExit, as the harness's SIGKILL would leave things) right after the server accepted the
email and before the outbox row was marked; after the restart the email is found there and
not sent a second time.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.imap_source import ImapSource
from bot.adapters.outgoing import MailSender
from bot.adapters.sent_folder import SentFolder
from bot.adapters.smtp_sender import SmtpSender
from bot.app import App
from bot.bootstrap import make_sent_lookup
from bot.config import Config
from bot.services.outbox import SendReport, send_due
from tests.fixtures.app import AppFactory, Clock, make_config
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.smtp import SmtpTestServer, free_port
from tests.services.test_outbox import claims_run_out, only_row, queue, smtp_app

pytestmark = pytest.mark.imap
SENT = "Sent Items"


@pytest.fixture
def exchange_like(dovecot: DovecotServer) -> Iterator[SmtpTestServer]:
    """An SMTP server that files what it accepts in the mailbox's Sent Items."""
    dovecot.create_folder(SENT)  # every Exchange mailbox has one, sent to or not
    server = SmtpTestServer(on_accept=lambda raw: dovecot.append(raw, SENT))
    server.start()
    try:
        yield server
    finally:
        server.stop()


class DiesAfterSending:
    """The real sender; the process is killed the moment the server has said 250."""

    def __init__(self, inner: MailSender) -> None:
        self.inner = inner

    def send(self, raw: bytes, sender: str, recipients: list[str]) -> None:
        self.inner.send(raw, sender, recipients)
        raise SystemExit("killed after the server accepted the email")


class DiesBeforeSending:
    def send(self, raw: bytes, sender: str, recipients: list[str]) -> None:
        raise SystemExit("killed before a byte reached the server")


def _sent_folder(
    app: App, server: DovecotServer, host: str = "", port: int = 0, folder: str = SENT
) -> None:
    def lookup() -> SentFolder:
        source = ImapSource(
            host or server.host, port or server.port, server.user, server.password,
            security="plain", timeout=2,
        )  # fmt: skip
        return SentFolder(source, folder)

    app.open_sent_lookup = lookup


def _crash_then_restart(app: App, clock: Clock, dying: MailSender) -> SendReport:
    queue(app, clock, "ack:1")
    with contextlib.suppress(SystemExit):
        send_due(app, dying)
    clock.set("2026-12-23T09:20")  # restarted
    claims_run_out(app)  # the dead process's claim has run out
    return send_due(app, app.open_sender())


def test_killed_after_the_server_accepted_it_is_not_sent_again(
    make_app: AppFactory, dovecot: DovecotServer, exchange_like: SmtpTestServer
) -> None:
    app, clock = smtp_app(make_app, exchange_like)
    _sent_folder(app, dovecot)

    report = _crash_then_restart(app, clock, DiesAfterSending(app.open_sender()))

    assert report == SendReport(sent=1, found_sent=1)
    assert len(exchange_like.messages) == 1  # before: 2, the referrer got it twice
    row = only_row(app)
    assert (row.status, row.attempt_started_at, row.claimed_until) == ("sent", None, None)
    assert send_due(app, app.open_sender()) == SendReport()
    assert len(exchange_like.messages) == 1


def test_killed_before_sending_it_is_sent_once_after_the_restart(
    make_app: AppFactory, dovecot: DovecotServer, exchange_like: SmtpTestServer
) -> None:
    app, clock = smtp_app(make_app, exchange_like)
    _sent_folder(app, dovecot)

    report = _crash_then_restart(app, clock, DiesBeforeSending())

    assert report == SendReport(sent=1)
    assert len(exchange_like.messages) == 1
    assert len(dovecot.fetch_all(SENT)) == 1
    assert only_row(app).status == "sent"


def test_when_the_sent_folder_cannot_be_searched_it_waits_rather_than_risk_a_second_copy(
    make_app: AppFactory, dovecot: DovecotServer, exchange_like: SmtpTestServer
) -> None:
    app, clock = smtp_app(make_app, exchange_like)
    _sent_folder(app, dovecot, port=free_port())  # nothing listens there

    report = _crash_then_restart(app, clock, DiesAfterSending(app.open_sender()))

    assert report == SendReport(retrying=1)
    assert len(exchange_like.messages) == 1
    row = only_row(app)
    assert row.status == "pending" and row.attempt_started_at is not None
    assert row.last_error and SENT in row.last_error

    _sent_folder(app, dovecot)  # the mailbox answers again
    clock.set("2026-12-23T10:00")
    assert send_due(app, app.open_sender()) == SendReport(sent=1, found_sent=1)
    assert len(exchange_like.messages) == 1


def test_no_reply_after_the_message_went_is_looked_up_not_sent_twice(
    make_app: AppFactory, dovecot: DovecotServer
) -> None:
    # The server takes the message and files it, but its "250" comes after the bot stopped
    # waiting: the bot cannot know it was accepted, so it looks before sending it again.
    def file_then_stall(raw: bytes) -> None:
        dovecot.append(raw, SENT)
        time.sleep(1.5)

    server = SmtpTestServer(on_accept=file_then_stall)
    server.start()
    try:
        app, clock = smtp_app(make_app, server)
        _sent_folder(app, dovecot)
        app.open_sender = lambda: SmtpSender(server.host, server.port, security="plain", timeout=1)
        queue(app, clock, "ack:1")

        assert send_due(app, app.open_sender()) == SendReport(retrying=1)
        row = only_row(app)
        assert row.attempt_started_at is not None and "waiting for the reply" in str(row.last_error)
        clock.set("2026-12-23T09:02")
        assert send_due(app, app.open_sender()) == SendReport(sent=1, found_sent=1)
        server.wait_for(1)
        assert len(server.messages) == 1  # before: sent again, a second copy
    finally:
        server.stop()


def test_the_sent_folder_is_looked_in_only_when_the_mailbox_is_imap_and_mail_goes_by_smtp(
    tmp_path: Path, database_url: str
) -> None:
    imap = {"host": "127.0.0.1", "username": "bot", "password_env": "PW", "security": "plain"}
    smtp = {"host": "127.0.0.1", "security": "plain"}
    environ = {"PW": "secret"}

    def config(mailbox: dict[str, Any], outgoing: dict[str, Any]) -> Config:
        return make_config(
            tmp_path, database_url, environ=environ, mailbox=mailbox, outgoing=outgoing
        )

    both = config({"backend": "imap", "imap": imap}, {"backend": "smtp", "smtp": smtp})
    lookup = make_sent_lookup(both)
    assert isinstance(lookup, SentFolder) and lookup.folder == "Sent Items"
    off = config(
        {"backend": "imap", "imap": imap}, {"backend": "smtp", "smtp": smtp, "sent_folder": ""}
    )
    assert make_sent_lookup(off) is None
    maildir = config({"backend": "maildir"}, {"backend": "smtp", "smtp": smtp})
    assert make_sent_lookup(maildir) is None


def test_a_sent_folder_that_is_not_there_stops_it_as_mail_server_trouble_not_sends_twice(
    make_app: AppFactory, dovecot: DovecotServer, exchange_like: SmtpTestServer
) -> None:
    # The relay files in "Sent Items"; the configured (or since renamed) folder is "Sent".
    # Not finding the folder says nothing about whether the email went.
    app, clock = smtp_app(make_app, exchange_like)
    _sent_folder(app, dovecot, folder="Sent")

    report = _crash_then_restart(app, clock, DiesAfterSending(app.open_sender()))

    assert (report.sent, report.retrying) == (0, 1)
    assert len(exchange_like.messages) == 1
    (trouble,) = report.server_trouble  # what `run --once` reports, exiting 1
    assert "the Sent folder Sent not found; the server has: " in trouble
    assert "Sent Items" in trouble and "set [outgoing] sent_folder" in trouble
    row = only_row(app)
    assert row.status == "pending" and row.attempt_started_at is not None
    assert row.last_error == trouble  # the digest lists it with this reason

    _sent_folder(app, dovecot)  # sent_folder set right
    clock.set("2026-12-23T11:00")
    assert send_due(app, app.open_sender()) == SendReport(sent=1, found_sent=1)
    assert len(exchange_like.messages) == 1
