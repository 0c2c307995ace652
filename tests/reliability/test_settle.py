"""The harnesses' settling, for the one email a kill can leave that no retry wait covers: cut
short before the server took it, so it is not in Sent. The bot looks for it there for half an
hour before putting it to a person; settling must run as late as that, or the email is left
pending and a harness reports "sendable emails still pending" at random, when a kill happens
to land inside an SMTP transaction."""

from __future__ import annotations

from datetime import UTC, datetime
from email.parser import BytesParser
from email.policy import default
from typing import Any

from sqlalchemy import create_engine, text

from bot.bootstrap import build_app
from bot.clock import FixedClock
from bot.config.loader import load_config
from bot.services.mailout import queue_email
from tests.fixtures.smtp import Recorded
from tests.reliability import harness as h
from tests.reliability.conftest import RunHarness

AGENCY = "casey.invented@gmp.police.uk"
PUT_TO_A_PERSON = "an email that may have gone is put to a person, not sent again"


def _cut_short(servers: h.Servers) -> h.Findings:
    """An acknowledgement whose attempt a kill left open before a byte reached the server,
    then the harnesses' settling."""
    config = h.write_harness_config(servers)
    h.init_database(servers, config)
    now = datetime.now(UTC)
    app = build_app(load_config(config, servers.env()), FixedClock(now))
    try:
        with app.sessions() as session:
            row = queue_email(
                session, app, key="ack:cut-short", event="sin_acknowledgement", to=[AGENCY],
                context=_context(now), now=now,
            )  # fmt: skip
            assert row is not None
            row.attempt_started_at = now  # committed before the send, which never began
            session.commit()
    finally:
        app.close()
    findings = h.Findings()
    h.settle(servers, config, findings)
    world = h.read_world(servers)
    if world.outbox_due:
        findings.problem(h.OUTBOX_DRAINED, "; ".join(world.outbox_waiting))
    if (status := _status(servers, "ack:cut-short")) != "failed":
        findings.problem(PUT_TO_A_PERSON, f"left {status}")
    if any(AGENCY in r.rcpt_tos for r in servers.smtp.messages):
        findings.problem(PUT_TO_A_PERSON, "sent again though it may have gone")
    if not any(_asks_the_business_manager(r) for r in servers.smtp.messages):
        findings.problem(PUT_TO_A_PERSON, "the Business Manager was not emailed about it")
    return findings


def _asks_the_business_manager(received: Recorded) -> bool:
    subject = str(BytesParser(policy=default).parsebytes(received.raw)["Subject"] or "")
    return h.BUSINESS_MANAGER in received.rcpt_tos and "May have been sent:" in subject


def _status(servers: h.Servers, key: str) -> str:
    engine = create_engine(servers.database_url)
    try:
        with engine.connect() as conn:
            query = text("SELECT status FROM outbox WHERE idempotency_key = :key")
            return str(conn.execute(query, {"key": key}).scalar_one())
    finally:
        engine.dispose()


def _context(now: datetime) -> dict[str, Any]:
    return {
        "case": {"ref": "TSCP-2026-0001", "initials": "XY"},
        "received_at": now,
        "screening": None,
        "deadlines": [],
        "screening_overdue": None,
    }


def test_an_email_cut_short_before_the_server_took_it_is_put_to_a_person_not_left_pending(
    run_harness: RunHarness,
) -> None:
    findings = run_harness(_cut_short)
    assert findings.held(h.OUTBOX_DRAINED), findings.about(h.OUTBOX_DRAINED)
    assert findings.held(PUT_TO_A_PERSON), findings.about(PUT_TO_A_PERSON)
