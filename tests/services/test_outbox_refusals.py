"""A mail server's refusal is retried or failed as its reply code says, through a real aiosmtpd
relay, on SQLite and PostgreSQL.

4xx is "try again later", 5xx "never": a recipient put off while the others accepted gets a
copy of their own later (and nobody gets it twice); a message refused whole after its body is
failed at once, with the server's words; the bot's own address refused is the server's
trouble, not one email's.
"""

from __future__ import annotations

import email
from datetime import UTC, date, datetime, timedelta
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import select

from bot.adapters.db.models import Case, CaseEvent, OutboxDeliveryFailure, OutboxMessage
from bot.app import App
from bot.services.delivery import recent_failures
from bot.services.digest import _health
from bot.services.mailout import queue_email
from bot.services.outbox import SendReport, send_due
from tests.fixtures.app import AppFactory, Clock
from tests.fixtures.smtp import free_port
from tests.fixtures.smtp_data import DataRefusing, DataRefusingRelay
from tests.fixtures.smtp_put_off import putting_off_relay
from tests.services.test_outbox import BM, NOTICE, REFERRER
from tests.services.test_outbox import rows as all_rows

PUT_OFF = "dsp.invented@health.nhs.uk"
GONE = "nobody.invented@example.org"
REF = "TSCP-2026-0001"
SINCE = datetime(2026, 1, 1, tzinfo=UTC)  # the last digest, for the health section


class _Relay:
    """A real relay on a free port, answering as `handler` says."""

    def __init__(self, handler: object) -> None:
        self.port = free_port()
        self._controller = Controller(handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> _Relay:
        self._controller.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._controller.stop()
        self._controller.loop.close()


class _PutsOff:
    """Greylists PUT_OFF for its first `times` tries (450), refuses GONE for good (550)."""

    def __init__(self, times: int) -> None:
        self.times = times
        self.received: list[list[str]] = []
        self.raws: list[bytes] = []
        self.asked: list[str] = []  # every RCPT TO, accepted or not

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address != BM:  # her notices: tests/services/test_undelivered_notice.py
            self.asked.append(address)
        if address == GONE:
            return "550 5.1.1 No such user"
        if address == PUT_OFF and self.times > 0:
            self.times -= 1
            return "450 4.7.1 Greylisted: try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if envelope.rcpt_tos != [BM]:
            self.received.append(list(envelope.rcpt_tos))
            self.raws.append(envelope.original_content or b"")
        return "250 OK"


def rows(app: App) -> list[OutboxMessage]:
    """The outbox without the Business Manager's notices of an email not delivered (those are
    tested in tests/services/test_undelivered_notice.py)."""
    return [row for row in all_rows(app) if row.event != NOTICE]


def notices(app: App) -> int:
    return sum(row.event == NOTICE for row in all_rows(app))


def _app(make_app: AppFactory, relay: _Relay) -> tuple[App, Clock]:
    return make_app(
        outgoing={
            "backend": "smtp",
            "max_attempts": 3,
            "retry_base_seconds": 60,
            "smtp": {"host": "127.0.0.1", "port": relay.port, "security": "plain"},
        }
    )


def _queue(app: App, clock: Clock, to: list[str], *, case: bool = False) -> None:
    context: dict[str, Any] = {
        "case": {"ref": REF, "initials": "XY"},
        "received_at": clock.now(),
        "screening": None,
        "deadlines": [],
        "screening_overdue": None,
    }
    with app.sessions() as s:
        on = _case(clock) if case else None
        queue_email(
            s, app, key="ack:1", event="sin_acknowledgement", to=to, context=context,
            now=clock.now(), case=on,
        )  # fmt: skip
        s.commit()


def _case(clock: Clock) -> Case:
    return Case(
        kind="review", stage="screening", status="open", ref=REF, year=2026, number=1,
        opened_at=clock.now(), sin_received_on=date(2026, 12, 23),
        referrer_email=REFERRER,
    )  # fmt: skip


def _body(raw: bytes) -> bytes:
    return raw.replace(b"\r\n", b"\n").split(b"\n\n", 1)[1]


def _drain(app: App, clock: Clock, minutes: int) -> SendReport:
    clock.moment = clock.moment + timedelta(minutes=minutes)
    return send_due(app, app.open_sender())


def test_a_recipient_put_off_gets_a_copy_later_and_nobody_gets_it_twice(
    make_app: AppFactory,
) -> None:
    handler = _PutsOff(times=2)
    with _Relay(handler) as relay:
        app, clock = _app(make_app, relay)
        _queue(app, clock, [REFERRER, PUT_OFF, GONE], case=True)
        assert send_due(app, app.open_sender()) == SendReport(sent=1)
        first, copy = rows(app)
        assert (copy.recipients, copy.status, copy.attempts) == ([PUT_OFF], "pending", 1)
        assert copy.idempotency_key == "resend-1:ack:1"
        assert copy.next_attempt_at > clock.now()  # on the usual back-off, not at once
        # The Business Manager's notice of the one refused for good goes at once.
        assert send_due(app, app.open_sender()) == SendReport(sent=1)
        assert _drain(app, clock, 1) == SendReport(retrying=1)  # put off again
        assert _drain(app, clock, 1) == SendReport()  # its back-off has doubled
        assert _drain(app, clock, 1) == SendReport(sent=1)
        for _ in range(3):
            assert _drain(app, clock, 60 * 24) == SendReport()

    # The referrer once, the put-off DSP once (the copy), the unknown address never tried again.
    assert handler.received == [[REFERRER], [PUT_OFF]]
    original, again = (email.message_from_bytes(raw) for raw in handler.raws)
    assert again["Message-ID"] == f"<{rows(app)[1].message_id}>" != original["Message-ID"]
    assert (again["To"], again["Subject"]) == (original["To"], original["Subject"])
    assert _body(handler.raws[1]) == _body(handler.raws[0])  # the same words, byte for byte
    first, copy = rows(app)
    assert (first.status, copy.status, copy.last_error) == ("sent", "sent", None)
    with app.sessions() as s:
        failures = [
            (f.outbox_id, f.recipient, f.status) for f in s.scalars(select(OutboxDeliveryFailure))
        ]
        events = [
            e.detail for e in s.scalars(select(CaseEvent).where(CaseEvent.what == "mail_put_off"))
        ]
    # The case's record shows both: the refusal for good, and the copy for the one put off.
    assert failures == [(first.id, GONE, "550")]
    assert len(events) == 1 and f"#{copy.id}" in events[0]
    assert f"{PUT_OFF} (450 4.7.1 Greylisted: try again later)" in events[0]  # its words


def test_refused_for_good_while_the_rest_are_put_off_is_recorded_at_once_and_not_retried(
    make_app: AppFactory,
) -> None:
    handler = _PutsOff(times=2)
    with _Relay(handler) as relay:
        app, clock = _app(make_app, relay)
        _queue(app, clock, [PUT_OFF, GONE], case=True)
        assert send_due(app, app.open_sender()) == SendReport(retrying=1)
        (row,) = rows(app)
        assert (row.status, row.recipients) == ("pending", [PUT_OFF])
        with app.sessions() as s:
            today = clock.now().astimezone(app.config.partnership.time_zone).date()
            (gone,) = recent_failures(s, app, today)  # the digest's Emails not delivered
            events = [e.detail for e in s.scalars(select(CaseEvent))]
        assert gone["id"] == row.id
        assert gone["line"] == f"not delivered to {GONE}: 550 5.1.1 No such user"
        assert any(
            f"{GONE} (550 5.1.1 No such user)" in e
            and f"{PUT_OFF} (450 4.7.1 Greylisted: try again later)" in e
            for e in events
        )
        # The Business Manager's notice of the one refused for good goes at once.
        assert send_due(app, app.open_sender()) == SendReport(sent=1)
        assert _drain(app, clock, 1) == SendReport(retrying=1)  # put off again
        assert _drain(app, clock, 3) == SendReport(sent=1)
    assert handler.asked == [PUT_OFF, GONE, PUT_OFF, PUT_OFF]  # GONE asked once only
    assert handler.received == [[PUT_OFF]]
    (row,) = rows(app)
    assert (row.status, row.recipients) == ("sent", [PUT_OFF])
    with app.sessions() as s:
        failures = [(f.outbox_id, f.recipient) for f in s.scalars(select(OutboxDeliveryFailure))]
    assert failures == [(row.id, GONE)]


def test_a_copy_waiting_for_its_recipient_is_listed_as_failing_to_send_until_it_goes(
    make_app: AppFactory,
) -> None:
    with _Relay(_PutsOff(times=1)) as relay:
        app, clock = _app(make_app, relay)
        _queue(app, clock, [REFERRER, PUT_OFF])
        send_due(app, app.open_sender())
        with app.sessions() as s:
            waiting = _health(s, app, SINCE, app.clock.now())["outbox_failed"]
        assert [(f["id"], f["status"]) for f in waiting] == [(rows(app)[1].id, "pending")]
        # The server's words, not "(450)" alone; no address in them.
        assert waiting[0]["last_error"].startswith(
            "put off by the mail server (450 4.7.1 Greylisted: try again later) when email #"
        )
        assert PUT_OFF not in waiting[0]["last_error"]
        assert _drain(app, clock, 1) == SendReport(sent=1)
        with app.sessions() as s:
            assert _health(s, app, SINCE, app.clock.now())["outbox_failed"] == []


def test_an_email_put_off_is_listed_in_the_digest_with_the_servers_words(
    make_app: AppFactory,
) -> None:
    with putting_off_relay() as relay:  # "450 4.7.1 Greylisted, try again later", once
        app, clock = make_app(
            outgoing={
                "backend": "smtp",
                "retry_base_seconds": 60,
                "smtp": {"host": relay.host, "port": relay.port, "security": "plain"},
            }
        )
        _queue(app, clock, [PUT_OFF])
        assert send_due(app, app.open_sender()) == SendReport(retrying=1)
        (row,) = rows(app)
        with app.sessions() as s:
            (waiting,) = _health(s, app, SINCE, app.clock.now())["outbox_failed"]
        assert (waiting["id"], waiting["status"]) == (row.id, "pending")
        assert waiting["last_error"].endswith(
            f": recipient(s) refused: {PUT_OFF} (450 4.7.1 Greylisted, try again later)"
        )
        assert _drain(app, clock, 1) == SendReport(sent=1)
    assert relay.asked == [PUT_OFF, PUT_OFF]


class _RefusesTheMessage:
    def __init__(self, reply: str) -> None:
        self.reply, self.tries = reply, 0

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.tries += 1
        return self.reply


def test_a_message_refused_for_good_after_its_body_is_failed_at_once_with_the_reason(
    make_app: AppFactory,
) -> None:
    handler = _RefusesTheMessage("554 5.7.1 Message rejected: content policy")
    with _Relay(handler) as relay:
        app, clock = _app(make_app, relay)
        _queue(app, clock, [REFERRER])
        assert send_due(app, app.open_sender()) == SendReport(failed=1)
        # The Business Manager's notice, refused too: in the digest, not told again.
        assert _drain(app, clock, 1) == SendReport(failed=1)
        for _ in range(3):
            assert _drain(app, clock, 60 * 24) == SendReport()
    assert (handler.tries, notices(app)) == (2, 1)
    (row,) = rows(app)
    assert (row.status, row.attempts) == ("failed", 1)
    assert "554 5.7.1 Message rejected: content policy" in (row.last_error or "")
    with app.sessions() as s:
        failing = _health(s, app, SINCE, app.clock.now())["outbox_failed"]
    (listed,) = [f for f in failing if f["id"] == row.id]
    assert listed["status"] == "failed" and "554" in listed["last_error"]


def test_a_message_put_off_after_its_body_is_retried(make_app: AppFactory) -> None:
    handler = _RefusesTheMessage("452 4.3.1 Insufficient system storage")
    with _Relay(handler) as relay:
        app, clock = _app(make_app, relay)
        _queue(app, clock, [REFERRER])
        assert send_due(app, app.open_sender()) == SendReport(retrying=1)
    assert only_status(app) == ("pending", 1)


def only_status(app: App) -> tuple[str, int]:
    (row,) = rows(app)
    return row.status, row.attempts


class _RefusesTheBot:
    """The relay will not let the bot's login send as the partnership's address."""

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        return "550 5.7.60 SMTP; Client does not have permissions to send as this sender"


def test_the_bots_own_address_refused_is_mail_server_trouble_not_a_failed_email(
    make_app: AppFactory,
) -> None:
    with _Relay(_RefusesTheBot()) as relay:
        app, clock = _app(make_app, relay)
        _queue(app, clock, [REFERRER])
        report = send_due(app, app.open_sender())
    assert (report.retrying, report.failed) == (1, 0)
    (trouble,) = report.server_trouble
    assert "550 5.7.60" in trouble and "send as" in trouble
    assert only_status(app) == ("pending", 1)


def test_the_data_command_refused_for_good_fails_the_email_at_once_with_the_reason(
    make_app: AppFactory,
) -> None:
    handler = DataRefusing("554 5.7.1 Delivery not authorized, message refused")
    with DataRefusingRelay(handler) as relay:
        app, clock = make_app(
            outgoing={
                "backend": "smtp",
                "retry_base_seconds": 60,
                "smtp": {"host": relay.host, "port": relay.port, "security": "plain"},
            }
        )
        _queue(app, clock, [REFERRER])
        report = send_due(app, app.open_sender())
        # The Business Manager's notice, refused too: in the digest, not told again.
        assert _drain(app, clock, 1) == SendReport(failed=1)
        for _ in range(3):
            assert _drain(app, clock, 60 * 24) == SendReport()
    assert (report, report.server_trouble) == (SendReport(failed=1), [])
    assert (handler.data_commands, notices(app)) == (2, 1)  # neither tried again
    assert only_status(app) == ("failed", 1)
    with app.sessions() as s:  # the digest's list, for the manager
        failing = _health(s, app, SINCE, app.clock.now())["outbox_failed"]
    (listed,) = [f for f in failing if f["id"] == rows(app)[0].id]
    assert listed["status"] == "failed"
    assert "554 5.7.1 Delivery not authorized" in listed["last_error"]
