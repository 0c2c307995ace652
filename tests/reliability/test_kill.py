"""Kill harness, short seeded form: real daemons SIGKILLed at random moments while mail
arrives; afterwards nothing is lost, nothing is processed, moved or sent twice."""

from __future__ import annotations

import pytest

from tests.reliability import harness as h
from tests.reliability.conftest import SEED, RunHarness

KILLS, MESSAGES = 5, 25


@pytest.fixture
def findings(run_harness: RunHarness) -> h.Findings:
    return run_harness(lambda s: h.kill_harness(s, seed=SEED, kills=KILLS, messages=MESSAGES))


def test_kills_lose_no_message_and_store_none_twice(findings: h.Findings) -> None:
    assert findings.figures["kills"] == KILLS
    # Every kill lands on a daemon at work, not one still importing.
    assert findings.figures["kills_while_running"] == KILLS
    assert findings.figures["messages_checked"] == MESSAGES
    assert findings.figures["large_messages"] >= 1  # stored in pieces, beside SQLAlchemy
    assert findings.held(h.STORED_ONCE), findings.about(h.STORED_ONCE)
    assert findings.held(h.ALL_DONE), findings.about(h.ALL_DONE)


def test_kills_open_one_case_per_sin(findings: h.Findings) -> None:
    assert findings.figures["sins"] > 0
    assert findings.held(h.ONE_CASE), findings.about(h.ONE_CASE)


def test_kills_move_each_message_once(findings: h.Findings) -> None:
    assert findings.held(h.MOVED_ONCE), findings.about(h.MOVED_ONCE)


def test_kills_leave_one_outbox_row_per_key_and_send_them_all(findings: h.Findings) -> None:
    assert findings.figures["outbox_rows"] > 0
    assert findings.held(h.OUTBOX_KEYS), findings.about(h.OUTBOX_KEYS)
    assert findings.held(h.OUTBOX_DRAINED), findings.about(h.OUTBOX_DRAINED)
    assert findings.held(h.PASS_COMPLETES), findings.about(h.PASS_COMPLETES)


# The SMTP server files what it accepts in Sent Items (as Exchange does), and the outbox
# looks there before re-sending an email whose attempt a kill cut short.
def test_kills_send_each_email_at_most_once(findings: h.Findings) -> None:
    assert findings.figures["smtp_duplicates"] == 0, findings.about(h.SENT_ONCE)


def test_kills_leave_no_childs_details_in_the_logs_or_in_mail_to_agencies(
    findings: h.Findings,
) -> None:
    assert findings.figures["log_bytes_checked"] > 0
    assert findings.figures["emails_checked_for_personal_data"] > 0
    assert findings.held(h.NO_PERSONAL_DATA), findings.about(h.NO_PERSONAL_DATA)


def test_kills_leave_every_job_of_the_restarted_daemons_running(findings: h.Findings) -> None:
    assert findings.held(h.JOBS_ALIVE), findings.about(h.JOBS_ALIVE)
