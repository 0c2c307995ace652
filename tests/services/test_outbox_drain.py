"""The outbox emptied in one pass (`run --once`), and the bell that wakes the daemon's sender."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import select, update

from bot.adapters.db import notify
from bot.adapters.db.db_clock import database_now
from bot.adapters.db.models import OutboxMessage
from bot.app import App
from bot.services.approvals import approve
from bot.services.mailout import queue_email
from bot.services.outbox import SendReport, send_all
from bot.services.outbox_bell import CHANNEL, OutboxBell
from bot.services.process import process_many
from bot.services.store import store_raw
from tests.fixtures.app import AppFactory
from tests.fixtures.outbox_rows import invented_alert
from tests.fixtures.smtp import SmtpTestServer
from tests.reliability.mailgen import MailGenerator
from tests.services.test_outbox import queue, rows, smtp_app


def test_send_all_empties_an_outbox_larger_than_a_batch(
    make_app: AppFactory, smtp_server: SmtpTestServer
) -> None:
    app, clock = smtp_app(make_app, smtp_server)
    for n in range(1, 8):
        queue(app, clock, f"ack:{n}", ref=f"TSCP-2026-000{n}")
    assert send_all(app, app.open_sender(), batch=3) == SendReport(sent=7)
    assert len(smtp_server.messages) == 7
    assert [r.status for r in rows(app)] == ["sent"] * 7


def test_send_all_passes_over_rows_held_by_another_instance_once(
    make_app: AppFactory, smtp_server: SmtpTestServer
) -> None:
    # Rows another sender has claimed are skipped, not read again and again until they free up.
    app, clock = smtp_app(make_app, smtp_server)
    for n in range(1, 6):
        queue(app, clock, f"ack:{n}", ref=f"TSCP-2026-000{n}")
    held = [r.id for r in rows(app)][:2]
    with app.sessions() as s:
        s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(held))
            .values(claimed_until=database_now(s) + timedelta(minutes=10))
        )
        s.commit()
    assert send_all(app, app.open_sender(), batch=2) == SendReport(sent=3)
    assert [r.status for r in rows(app)] == ["pending"] * 2 + ["sent"] * 3


@contextmanager
def attached(app: App, *, listen: bool = False) -> Iterator[OutboxBell]:
    """A bell on app's sessions: by default this process's own rings only, as a command at
    the terminal has (across instances: test_daemon_wake_instances); listen=True, as another
    instance's sender hears them."""
    bell = OutboxBell()
    bell.attach(app.sessions, listen=listen)
    try:
        yield bell
    finally:
        bell.detach()


def test_bell_rings_after_a_commit_that_queued_mail(
    make_app: AppFactory, smtp_server: SmtpTestServer
) -> None:
    app, clock = smtp_app(make_app, smtp_server)
    with attached(app) as bell:
        assert not bell.wait(0)
        queue(app, clock, "ack:1")
        assert bell.wait(0), "queued and committed: the sender is woken"
        assert not bell.wait(0), "one ring per commit"

        with app.sessions() as s:  # the sender's own bookkeeping does not ring
            row = s.get(OutboxMessage, rows(app)[0].id)
            assert row is not None
            row.attempts, row.next_attempt_at = 1, clock.now().replace(year=2027)
            s.commit()
        assert not bell.wait(0)


def test_bell_stays_quiet_for_a_rollback_and_rings_for_an_approved_draft(
    make_app: AppFactory, smtp_server: SmtpTestServer
) -> None:
    app, clock = smtp_app(make_app, smtp_server)
    with attached(app) as bell:
        with app.sessions() as s:
            queue_email(
                s,
                app,
                key="ack:rolled-back",
                event="sin_acknowledgement",
                to=["casey.invented@gmp.police.uk"],
                context={
                    "case": {"ref": "TSCP-2026-0009", "initials": "XY"},
                    "received_at": clock.now(),
                    "screening": None,
                    "deadlines": [],
                    "screening_overdue": None,
                },
                now=clock.now(),
            )
            s.flush()
            s.rollback()
        assert not bell.wait(0), "nothing committed, nothing to send"

        queue(app, clock, "ack:1")
        bell.wait(0)
        with app.sessions() as s:
            row = s.get(OutboxMessage, rows(app)[0].id)
            assert row is not None
            row.status = "draft"
            s.commit()
        assert not bell.wait(0), "a draft waits for approval"
        with app.sessions() as s:
            approve(s, rows(app)[0].id, actor="bm", now=clock.now())
            s.commit()
        assert bell.wait(0), "approved: ready to go"
    queue(app, clock, "ack:2")
    assert not bell.wait(0), "detached: rings no more"


def test_bell_waits_for_the_whole_transaction_not_each_savepoint(
    make_app: AppFactory, smtp_server: SmtpTestServer
) -> None:
    # Catching up, a batch of mail is processed in one transaction, a savepoint per message. A
    # savepoint released is not a commit: a sender woken then reads the outbox in its own
    # session and cannot see the row yet, so it would sleep till its next tick.
    app, clock = smtp_app(make_app, smtp_server)
    bell_file = notify.bell_file(app.engine, CHANNEL)
    with attached(app) as bell:
        with app.sessions() as s:
            s.execute(select(OutboxMessage.id))  # the transaction opens before its savepoints
            for n in range(3):
                with s.begin_nested():
                    s.add(invented_alert(f"ack:{n}", clock.now()))
                assert not bell.wait(0), "a savepoint released: nothing another session can read"
                assert bell_file is None or not bell_file.exists(), "no other instance woken yet"
            s.commit()
        assert bell.wait(0), "committed: the sender is woken"
        assert not bell.wait(0), "one ring for the transaction, not one per savepoint"
        assert bell_file is None or bell_file.exists(), "and the other instances"


def test_other_instances_hear_mail_queued_after_a_savepoint_rolled_back(
    make_app: AppFactory, smtp_server: SmtpTestServer
) -> None:
    # One message of a batch fails after queueing its email: its savepoint is rolled back, and
    # on PostgreSQL the NOTIFY sent inside it with it. The next message's email must still
    # reach the other instances' senders when the batch commits.
    app, clock = smtp_app(make_app, smtp_server)
    other_app, _ = smtp_app(make_app, smtp_server)
    with attached(app) as writer, attached(other_app, listen=True) as other:
        assert other.wait(10), "the listener has started (it rings once as it starts)"
        with app.sessions() as s:
            s.execute(select(OutboxMessage.id))
            savepoint = s.begin_nested()
            s.add(invented_alert("ack:failed", clock.now()))
            s.flush()
            savepoint.rollback()
            with s.begin_nested():
                s.add(invented_alert("ack:next", clock.now()))
            s.commit()
        assert writer.wait(0)
        assert other.wait(10), "the other instance's sender is woken for ack:next"


def test_bell_rings_for_the_emails_of_a_case_a_sin_opened(make_app: AppFactory) -> None:
    # A new case's acknowledgement and invitation are written with its other rows as values
    # (bot.services.held_rows), not by the session's flush: the sender is woken all the same.
    app, _ = make_app()
    sin = MailGenerator(seed=12, prefix="bell").one("sin").raw
    with app.sessions() as s:
        row_id = store_raw(s, sin, "bell-1", app.clock.now()).id
        s.commit()
    with attached(app) as bell:
        assert process_many(app, [row_id]) == {row_id: True}
        assert len(rows(app)) == 2  # the acknowledgement and the invitation
        assert bell.wait(0), "queued with the case and committed: the sender is woken"
