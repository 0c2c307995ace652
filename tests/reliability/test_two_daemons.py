"""Two real daemons on one database and one mailbox: each message processed, moved and
answered once, whichever daemon takes it."""

from __future__ import annotations

import pytest

from tests.reliability import harness as h
from tests.reliability.conftest import SEED, RunHarness

MESSAGES = 40


@pytest.fixture
def findings(run_harness: RunHarness) -> h.Findings:
    return run_harness(lambda s: h.two_daemon_harness(s, seed=SEED, messages=MESSAGES))


def test_two_daemons_store_every_message_once_and_finish_it(findings: h.Findings) -> None:
    assert findings.figures["messages_checked"] == MESSAGES
    assert findings.held(h.STORED_ONCE), findings.about(h.STORED_ONCE)
    assert findings.held(h.ALL_DONE), findings.about(h.ALL_DONE)


# One test for both: at this size either alone could pass by chance on SQLite.
def test_two_daemons_process_and_move_each_message_once(findings: h.Findings) -> None:
    assert findings.held(h.ONE_CASE), findings.about(h.ONE_CASE)
    assert findings.held(h.MOVED_ONCE), findings.about(h.MOVED_ONCE)


def test_two_daemons_write_one_outbox_row_per_key(findings: h.Findings) -> None:
    assert findings.held(h.OUTBOX_KEYS), findings.about(h.OUTBOX_KEYS)


def test_two_daemons_keep_both_mail_jobs_running(findings: h.Findings) -> None:
    assert findings.held(h.JOBS_ALIVE), findings.about(h.JOBS_ALIVE)
