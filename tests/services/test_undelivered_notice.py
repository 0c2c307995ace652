"""An email the mail server refuses for good reaches the Business Manager at once, through a real
aiosmtpd relay answering 550, on SQLite and PostgreSQL: one notice per email and set of
recipients not reached, however many passes or instances see it; none about a notice to her
that itself failed (that stays in the digest and the log); a statutory notification not
delivered says it has not been made."""

from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from bot.adapters.db.models import OutboxMessage
from bot.app import App
from bot.services.approvals import approve
from bot.services.digest import _health
from bot.services.mailout import queue_email
from bot.services.outbox import SendReport, send_due
from bot.services.outbox_retry import retry_now
from tests.adapters.test_templates import CONTEXTS
from tests.fixtures.app import AppFactory, Clock
from tests.services.test_outbox import REFERRER, rows
from tests.services.test_outbox_refusals import GONE, REF, SINCE, _app, _drain, _queue, _Relay

NOTICE = "not_delivered_notice"


class _Refuses:
    """Refuses the addresses in `gone` for good (550), takes the rest and records them."""

    def __init__(self, *gone: str) -> None:
        self.gone = set(gone)
        self.received: list[tuple[list[str], str]] = []  # recipients, plain text unwrapped

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address in self.gone:
            return "550 5.1.1 <" + address + ">: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        msg = email.message_from_bytes(envelope.original_content or b"", policy=policy.default)
        assert isinstance(msg, EmailMessage)
        body = msg.get_body(preferencelist=("plain",))
        assert body is not None
        text = f"{msg['Subject']}\n{body.get_content()}"
        self.received.append((list(envelope.rcpt_tos), " ".join(text.split())))
        return "250 OK"

    def notices(self) -> list[tuple[list[str], str]]:
        return [(to, text) for to, text in self.received if "Not delivered: " in text]


def _bm(app: App) -> str:
    return app.config.people.business_manager.email


def _notices(app: App) -> list[OutboxMessage]:
    return [r for r in rows(app) if r.event == NOTICE]


def _passes(app: App, clock: Clock, n: int = 3) -> None:
    """The next passes, a day apart: the notice goes in the first, nothing after it."""
    for _ in range(n):
        _drain(app, clock, 60 * 24)


def test_an_email_refused_for_good_is_told_to_the_business_manager_once(
    make_app: AppFactory,
) -> None:
    handler = _Refuses(REFERRER)
    with _Relay(handler) as relay:
        app, clock = _app(make_app, relay)
        _queue(app, clock, [REFERRER], case=True)
        assert send_due(app, app.open_sender()) == SendReport(failed=1)
        _passes(app, clock)
        # A second instance, and the email retried by hand and refused again: still one.
        other, _ = _app(make_app, relay)
        (failed,) = [r for r in rows(app) if r.event != NOTICE]
        assert retry_now(other, failed.id, other.clock.now())
        assert send_due(other, other.open_sender()).failed == 1
        _passes(app, clock)
    (notice,) = _notices(app)
    assert (notice.recipients, notice.status) == ([_bm(app)], "sent")
    assert notice.subject == f"[{REF}] Not delivered: Acknowledgement of a serious incident " \
        f"notification #{failed.id}"  # fmt: skip
    ((to, text),) = handler.notices()
    assert to == [_bm(app)]
    assert f"Not to: {REFERRER} Why: 550 5.1.1 <address>: Recipient address rejected" in text
    assert f"tscp-bot outbox retry {failed.id}" in text and "STATUTORY" not in text
    with app.sessions() as s:  # the digest lists the failed email as before, the notice not
        listed = _health(s, app, SINCE, app.clock.now())["outbox_failed"]
    assert [f["id"] for f in listed] == [failed.id]
    # ... with the server's words, as the notice has them, not "(550)" alone.
    assert listed[0]["last_error"].endswith(
        f"recipient(s) refused: {REFERRER} (550 5.1.1 <address>: Recipient address rejected: "
        "User unknown)"
    )


def test_a_recipient_refused_while_others_took_it_is_told_once(make_app: AppFactory) -> None:
    handler = _Refuses(GONE)
    with _Relay(handler) as relay:
        app, clock = _app(make_app, relay)
        _queue(app, clock, [REFERRER, GONE], case=True)
        assert send_due(app, app.open_sender()) == SendReport(sent=1)
        _passes(app, clock)
    (notice,) = _notices(app)
    ((to, text),) = handler.notices()
    assert (to, notice.status) == ([_bm(app)], "sent")
    assert f"Not to: {GONE} Why:" in text and REFERRER not in text
    assert "outbox retry" not in text and "send it to them by hand" in text


def test_a_failed_notice_to_the_business_manager_is_not_told_again(
    make_app: AppFactory,
) -> None:
    with _Relay(_Refuses()) as relay:
        app, clock = _app(make_app, relay)
    handler = _Refuses(REFERRER, _bm(app))
    with _Relay(handler) as relay:
        app, clock = _app(make_app, relay)
        _queue(app, clock, [REFERRER])
        assert send_due(app, app.open_sender()) == SendReport(failed=1)
        assert _drain(app, clock, 1) == SendReport(failed=1)  # the notice, refused too
        _passes(app, clock)
    assert [(r.event, r.status) for r in rows(app)] == [
        ("sin_acknowledgement", "failed"),
        (NOTICE, "failed"),  # in the digest and the log, not in a notice about a notice
    ]
    assert handler.received == []


def test_a_statutory_notification_not_delivered_says_it_has_not_been_made(
    make_app: AppFactory,
) -> None:
    with _Relay(_Refuses()) as relay:
        app, clock = _app(make_app, relay)
    panel = app.config.people.national_panel.email
    handler = _Refuses(panel)
    with _Relay(handler) as relay:
        app, clock = _app(make_app, relay)
        queue_approved_delay_notice(app, clock)
        send_due(app, app.open_sender())
        _passes(app, clock)
    ((to, text),) = handler.notices()
    assert to == [_bm(app)]
    assert "Statutory notification NOT made: Not delivered: Rapid Review delay notice" in text
    assert f"THE STATUTORY NOTIFICATION HAS NOT BEEN MADE: the email that makes it did not " \
        f"reach {panel} (the National Panel)" in text  # fmt: skip


def queue_approved_delay_notice(app: App, clock: Clock) -> None:
    """A Rapid Review delay notice to the National Panel (a statutory notification), queued
    and approved by the Business Manager, as outbox row 1."""
    context = {
        k: v
        for k, v in CONTEXTS["panel_delay_notice"].items()
        if k not in ("partnership", "business_manager")
    }
    panel = app.config.people.national_panel.email
    with app.sessions() as s:
        queue_email(
            s, app, key="delay:1", event="panel_delay_notice", to=[panel], context=context,
            now=clock.now(),
        )  # fmt: skip
        s.commit()
        approve(s, rows(app)[0].id, actor="terminal:bm", now=clock.now())
        s.commit()
