"""Emails and events a periodic job writes as values at its end (bot.services.batch) are the
rows queue_email and add_event would have written, and the outbox still refuses a key twice."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, CaseEvent, OutboxMessage
from bot.app import App
from bot.services.batch import Batch
from bot.services.cases import add_event
from bot.services.mailout import queue_email, queue_email_later
from bot.services.outbox_bell import OutboxBell
from tests.fixtures.app import LONDON, AppFactory

NOW = datetime(2026, 12, 23, 9, tzinfo=LONDON)
OUTSIDE = "panel.invented@example.gov.uk"  # needs the Business Manager's approval here
CONTEXT: dict[str, Any] = {
    "case": {"ref": "TSCP-2026-0001", "initials": "XY"},
    "received_at": NOW,
    "screening": None,
    "deadlines": [],
    "screening_overdue": None,
}


def _case(session: Session) -> Case:
    case = Case(
        kind="review",
        stage="screening",
        status="open",
        ref="TSCP-2026-0001",
        year=2026,
        number=1,
        opened_at=NOW,
        sin_received_on=date(2026, 12, 23),
        referrer_email="robin@example.org",
    )
    session.add(case)
    session.flush()
    return case


def _later(session: Session, app: App, batch: Batch, case: Case, key: str, to: str) -> None:
    queue_email_later(
        session,
        app,
        batch,
        key=key,
        event="sin_acknowledgement",
        to=[to, "Robin@Example.org "],
        cc=["robin@example.org", "sam.invented@example.org"],
        context=CONTEXT,
        now=NOW,
        case=case,
    )


COLUMNS = [c.key for c in OutboxMessage.__table__.columns if c.key != "id"]
EVENT_COLUMNS = [c.key for c in CaseEvent.__table__.columns if c.key != "id"]


def _outbox(session: Session) -> list[dict[str, Any]]:
    found = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
    rows = [{k: getattr(row, k) for k in COLUMNS} for row in found]
    for row in rows:  # the MIME boundary is random in every email built
        row["raw"] = re.sub(rb"={15}\d+==", b"BOUNDARY", row["raw"])
    return rows


def _events(session: Session) -> list[dict[str, Any]]:
    found = session.scalars(select(CaseEvent).order_by(CaseEvent.id))
    return [{k: getattr(row, k) for k in EVENT_COLUMNS} for row in found]


def test_a_batch_writes_the_rows_queue_email_and_add_event_write(make_app: AppFactory) -> None:
    app, _ = make_app(review={"approval_required_for": [OUTSIDE]})
    with app.sessions() as s:
        case = _case(s)
        s.commit()
        for n, to in enumerate(["casey.invented@gmp.police.uk", OUTSIDE]):
            queue_email(
                s,
                app,
                key=f"k:{n}",
                event="sin_acknowledgement",
                to=[to, "Robin@Example.org "],
                cc=["robin@example.org", "sam.invented@example.org"],
                context=CONTEXT,
                now=NOW,
                case=case,
            )
            add_event(s, case, NOW, "reminded", f"step {n}", why="because")
        s.flush()
        expected, expected_events = _outbox(s), _events(s)
        s.rollback()

        batch = Batch()
        for n, to in enumerate(["casey.invented@gmp.police.uk", OUTSIDE]):
            _later(s, app, batch, case, f"k:{n}", to)
            batch.add_event(case, NOW, "reminded", f"step {n}", why="because")
        batch.write(s)
        s.commit()
        got = _outbox(s)
        assert _events(s) == expected_events
    # The approval request names the draft's id, PostgreSQL's next one after the rollback.
    assert got[:2] == expected[:2]
    # The draft waits for approval as before, after the email queued before it.
    for rows in (got, expected):
        assert [r["idempotency_key"] for r in rows] == ["k:0", "k:1", "approval-request:k:1"]
        assert [r["status"] for r in rows] == ["pending", "draft", "pending"]


def test_a_batch_refuses_a_key_already_in_the_outbox(make_app: AppFactory) -> None:
    app, _ = make_app()
    with app.sessions() as s:
        case = _case(s)
        batch = Batch()
        _later(s, app, batch, case, "k:1", "casey.invented@gmp.police.uk")
        batch.write(s)
        s.commit()
        # Another instance queued it meanwhile: the whole transaction is refused.
        _later(s, app, batch, case, "k:1", "casey.invented@gmp.police.uk")
        batch.add_event(case, NOW, "reminded", "again")
        with pytest.raises(IntegrityError):
            batch.write(s)
        s.rollback()
        assert len(_outbox(s)) == 1
        assert _events(s) == []


def test_the_bell_rings_for_emails_written_by_a_batch(make_app: AppFactory) -> None:
    app, _ = make_app()
    bell = OutboxBell()
    bell.attach(
        app.sessions, listen=False
    )  # this process's rings (across instances: test_daemon_wake_instances)
    try:
        with app.sessions() as s:
            case = _case(s)
            batch = Batch()
            batch.add_event(case, NOW, "reminded", "events alone do not ring")
            batch.write(s)
            s.commit()
            assert not bell.wait(0)
            _later(s, app, batch, case, "k:1", "casey.invented@gmp.police.uk")
            batch.write(s)
            s.commit()
        assert bell.wait(0), "queued and committed: the sender is woken"
        assert not bell.wait(0), "one ring per commit"
    finally:
        bell.detach()
