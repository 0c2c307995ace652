"""A drain of the outbox on one kept SMTP connection, through a real (aiosmtpd) relay with and
without PIPELINING, on SQLite and PostgreSQL: a recipient the relay puts off (450
greylisting) mid-drain is not asked again at once, as if the relay had closed the connection,
but waits for the outbox's back-off; a relay that really drops the connection costs a
reconnect, and the email still goes in the same drain."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from bot.app import App
from bot.services.mailout import queue_email
from bot.services.outbox import SendReport, send_all
from tests.fixtures.app import AppFactory, Clock
from tests.fixtures.smtp_put_off import PUT_OFF, PuttingOffRelay, putting_off_relay
from tests.services.test_outbox import REFERRER, rows

OTHER = "alex.invented@tameside.gov.uk"


@pytest.fixture(params=[True, False], ids=["pipelining", "one-by-one"])
def pipelining(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


@pytest.fixture
def relay(pipelining: bool) -> Iterator[PuttingOffRelay]:
    with putting_off_relay(pipelining=pipelining) as relay:
        yield relay


def _app(make_app: AppFactory, relay: PuttingOffRelay) -> tuple[App, Clock]:
    return make_app(
        outgoing={
            "backend": "smtp",
            "max_attempts": 3,
            "retry_base_seconds": 60,
            "smtp": {"host": relay.host, "port": relay.port, "security": "plain"},
        }
    )


def _queue(app: App, clock: Clock, n: int, to: list[str]) -> None:
    context: dict[str, Any] = {
        "case": {"ref": f"TSCP-2026-000{n}", "initials": "XY"},
        "received_at": clock.now(),
        "screening": None,
        "deadlines": [],
        "screening_overdue": None,
    }
    with app.sessions() as s:
        queue_email(
            s, app, key=f"ack:{n}", event="sin_acknowledgement", to=to, context=context,
            now=clock.now(),
        )  # fmt: skip
        s.commit()


def test_a_recipient_greylisted_mid_drain_waits_for_the_back_off_then_goes(
    make_app: AppFactory, relay: PuttingOffRelay
) -> None:
    app, clock = _app(make_app, relay)
    _queue(app, clock, 1, [REFERRER])
    _queue(app, clock, 2, [PUT_OFF])
    assert send_all(app, app.open_sender()) == SendReport(sent=1, retrying=1)
    assert relay.asked == [REFERRER, PUT_OFF]  # once: a greylist wants minutes, not a second
    first, put_off = rows(app)
    assert first.status == "sent"
    assert (put_off.status, put_off.attempts) == ("pending", 1)
    assert put_off.next_attempt_at == clock.now() + timedelta(seconds=60)
    assert f"{PUT_OFF} (450 4.7.1 Greylisted, try again later)" in (put_off.last_error or "")

    assert send_all(app, app.open_sender()) == SendReport()  # not due yet
    clock.moment += timedelta(minutes=2)
    assert send_all(app, app.open_sender()) == SendReport(sent=1)
    assert relay.asked == [REFERRER, PUT_OFF, PUT_OFF]
    assert [m.rcpt_tos for m in relay.wait_for(2)] == [[REFERRER], [PUT_OFF]]
    assert [(r.status, r.last_error) for r in rows(app)] == [("sent", None), ("sent", None)]


def test_a_recipient_put_off_beside_one_who_accepted_mid_drain_gets_a_copy_later(
    make_app: AppFactory, relay: PuttingOffRelay
) -> None:
    app, clock = _app(make_app, relay)
    _queue(app, clock, 1, [REFERRER])
    _queue(app, clock, 2, [OTHER, PUT_OFF])
    assert send_all(app, app.open_sender()) == SendReport(sent=2)
    assert relay.asked == [REFERRER, OTHER, PUT_OFF]
    assert [m.rcpt_tos for m in relay.wait_for(2)] == [[REFERRER], [OTHER]]
    assert relay.connections() == 1  # the refusal cost the connection nothing
    *_, copy = rows(app)
    assert (copy.recipients, copy.status, copy.attempts) == ([PUT_OFF], "pending", 1)
    assert copy.next_attempt_at > clock.now()  # on the back-off, not at once

    clock.moment += timedelta(minutes=2)
    assert send_all(app, app.open_sender()) == SendReport(sent=1)
    assert relay.asked == [REFERRER, OTHER, PUT_OFF, PUT_OFF]
    assert [m.rcpt_tos for m in relay.wait_for(3)] == [[REFERRER], [OTHER], [PUT_OFF]]


def test_a_relay_dropping_the_kept_connection_mid_drain_costs_a_reconnect_not_a_retry(
    make_app: AppFactory, pipelining: bool
) -> None:
    with putting_off_relay(pipelining=pipelining, drop_second_mail=True) as relay:
        app, clock = _app(make_app, relay)
        for n in (1, 2, 3):
            _queue(app, clock, n, [REFERRER])
        assert send_all(app, app.open_sender()) == SendReport(sent=3)
        relay.wait_for(3)
    assert relay.connections() == 3  # dropped as each connection's second email began
    assert [r.attempts for r in rows(app)] == [0, 0, 0]
