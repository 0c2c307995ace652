"""An email that may have been sent, put to a person, reaches the Business Manager at once.

Staged with the real parts, on SQLite and PostgreSQL: a real aiosmtpd relay takes the email and
the process dies before marking it (as in test_outbox_crash), and the real Dovecot mailbox's
Sent Items is searched through the real SentFolder, with the filing time Exchange's Sent folder is
given (bot.core.unconfirmed_send.SENT_FILED_WITHIN). The relay files nothing there, as Exchange
when it has not filed the copy yet: past that time a person is asked, and she is told now, not
at the next morning's digest. One notice per email and attempt, however many instances look;
none about a notice to her (it would loop).
"""

from __future__ import annotations

import contextlib
import email
from email import policy
from email.message import EmailMessage

import pytest

from bot.adapters.db.models import OutboxMessage
from bot.adapters.imap_source import ImapSource
from bot.adapters.sent_folder import SentFolder
from bot.app import App
from bot.core.unconfirmed_send import SENT_FILED_WITHIN
from bot.services.digest import _health
from bot.services.outbox import SendReport, send_all, send_due
from bot.services.outbox_retry import retry_now
from tests.fixtures.app import AppFactory, Clock
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.smtp import SmtpTestServer
from tests.services.test_outbox import REFERRER, claims_run_out, rows, smtp_app
from tests.services.test_outbox_crash import SENT, DiesAfterSending
from tests.services.test_outbox_refusals import REF, SINCE, _queue
from tests.services.test_undelivered_notice import queue_approved_delay_notice

pytestmark = pytest.mark.imap
NOTICE = "unconfirmed_send_notice"
PAST_FILING = "2026-12-23T09:31"  # the attempt began at 09:00; Exchange files within 30 minutes


def _sent_items(server: DovecotServer) -> SentFolder:
    source = ImapSource(
        server.host, server.port, server.user, server.password, security="plain", timeout=2
    )
    return SentFolder(source, SENT, files_within=SENT_FILED_WITHIN)


@pytest.fixture
def files_late(
    make_app: AppFactory, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> tuple[App, Clock]:
    """An app whose relay takes mail and whose Sent Items, searched by IMAP, has not got it."""
    dovecot.create_folder(SENT)
    app, clock = smtp_app(make_app, smtp_server)
    app.open_sent_lookup = lambda: _sent_items(dovecot)
    return app, clock


def _cut_short(app: App, clock: Clock) -> None:
    """The relay took the first email due; the process died before it was marked; restarted
    past the filing time, the dead process's claim run out."""
    with contextlib.suppress(SystemExit):
        send_due(app, DiesAfterSending(app.open_sender()), limit=1)
    clock.set(PAST_FILING)
    claims_run_out(app)


def _text(raw: bytes) -> str:
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    body = msg.get_body(preferencelist=("plain",))
    assert body is not None
    return " ".join(f"{msg['Subject']}\n{body.get_content()}".split())


def _notices(app: App) -> list[OutboxMessage]:
    return [r for r in rows(app) if r.event == NOTICE]


def test_an_email_that_may_have_been_sent_is_told_to_the_business_manager_at_once(
    files_late: tuple[App, Clock], smtp_server: SmtpTestServer
) -> None:
    app, clock = files_late
    bm = app.config.people.business_manager.email
    _queue(app, clock, [REFERRER], case=True)
    _cut_short(app, clock)

    # One drain: the email is put to a person, and the notice it queued goes.
    assert send_all(app, app.open_sender()) == SendReport(sent=1, failed=1)

    asked, notice = rows(app)
    assert (asked.status, notice.event, notice.status) == ("failed", NOTICE, "sent")
    assert asked.last_error is not None and "MAY HAVE BEEN SENT" in asked.last_error
    referrer_copy, told = smtp_server.messages  # before: only the referrer's copy
    assert (referrer_copy.rcpt_tos, told.rcpt_tos) == ([REFERRER], [bm])
    text = _text(told.raw)
    assert text.startswith(
        f"[{REF}] May have been sent: Acknowledgement of a serious incident notification "
        f"#{asked.id}"
    )
    assert f"To: {REFERRER} Attempt: began Wed 23 Dec 2026 at 09:00" in text
    assert f"Case: {REF}" in text and f"Subject: {asked.subject}" in text
    assert "Sent Items" in text and f"tscp-bot outbox retry {asked.id}" in text
    assert "STATUTORY" not in text
    with app.sessions() as s:  # the digest lists the email as before, the notice not
        listed = _health(s, app, SINCE, app.clock.now())["outbox_failed"]
    assert [f["id"] for f in listed] == [asked.id]

    # She finds it in neither place and sends it: it goes, and she is told nothing more.
    clock.set("2026-12-23T10:00")
    assert retry_now(app, asked.id, clock.now())
    assert send_all(app, app.open_sender()) == SendReport(sent=1)
    assert [r.status for r in rows(app)] == ["sent", "sent"]
    assert len(_notices(app)) == 1


class _AnotherInstanceLooksMeanwhile:
    """Sent Items searched so slowly that the claim ran out: another instance took the email
    and came to the same answer while this one waited for its own."""

    def __init__(self, inner: SentFolder, other: App) -> None:
        self.inner, self.other = inner, other
        self.files_within, self.folder_name = inner.files_within, inner.folder_name

    def was_sent(self, message_id: str) -> bool:
        claims_run_out(self.other)
        assert send_due(self.other, self.other.open_sender()).failed == 1
        return self.inner.was_sent(message_id)

    def close(self) -> None:
        self.inner.close()


def test_two_instances_that_both_ask_a_person_tell_her_once(
    files_late: tuple[App, Clock],
    make_app: AppFactory,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
) -> None:
    app, clock = files_late
    other, other_clock = smtp_app(make_app, smtp_server)
    other.open_sent_lookup = lambda: _sent_items(dovecot)
    _queue(app, clock, [REFERRER], case=True)
    _cut_short(app, clock)
    other_clock.set(PAST_FILING)
    app.open_sent_lookup = lambda: _AnotherInstanceLooksMeanwhile(_sent_items(dovecot), other)

    assert send_due(app, app.open_sender()).failed == 1
    assert send_all(app, app.open_sender()) == SendReport(sent=1)

    (notice,) = _notices(app)
    assert notice.status == "sent"
    assert [m.rcpt_tos for m in smtp_server.messages] == [
        [REFERRER],
        [app.config.people.business_manager.email],
    ]


def test_a_notice_to_her_that_may_have_been_sent_is_not_told_again(
    files_late: tuple[App, Clock], smtp_server: SmtpTestServer
) -> None:
    app, clock = files_late
    _queue(app, clock, [REFERRER], case=True)
    _cut_short(app, clock)
    assert send_due(app, app.open_sender()) == SendReport(failed=1)
    # Her notice is cut short too, and is still not in Sent Items past the filing time.
    _cut_short(app, clock)
    clock.set("2026-12-23T10:02")

    assert send_all(app, app.open_sender()) == SendReport(failed=1)

    assert [(r.event, r.status) for r in rows(app)] == [
        ("sin_acknowledgement", "failed"),
        (NOTICE, "failed"),  # in the digest and the log, not in a notice about a notice
    ]
    assert len(smtp_server.messages) == 2


def test_a_statutory_notification_says_first_it_cannot_be_confirmed_made(
    files_late: tuple[App, Clock], smtp_server: SmtpTestServer
) -> None:
    app, clock = files_late
    panel = app.config.people.national_panel.email
    queue_approved_delay_notice(app, clock)
    _cut_short(app, clock)

    # The notice, and the approval request the draft asked for before it was approved.
    assert send_all(app, app.open_sender()) == SendReport(sent=2, failed=1)

    text = _text(smtp_server.messages[-1].raw)
    assert text.startswith(  # queued here with no case of its own, so not "[REF]"
        "TSCP Statutory notification NOT confirmed: May have been sent: Rapid Review delay "
        "notice to the National Panel #1 Dear "
    )
    assert (
        "THE BOT CANNOT CONFIRM THE STATUTORY NOTIFICATION WAS MADE: the email that makes it "
        f"may or may not have reached {panel} (the National Panel)."
    ) in text
    assert text.index("CANNOT CONFIRM") < text.index("The bot cannot tell whether")
    assert "the notification counts as not made" in text
