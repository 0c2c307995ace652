"""Two daemons started at the same moment on a database with no mailbox state yet, as on
first installation: both mail jobs must survive the race to create the state row."""

from __future__ import annotations

import pytest

from tests.reliability import harness as h
from tests.reliability.conftest import RunHarness

TRIES = 3


@pytest.fixture
def findings(run_harness: RunHarness) -> h.Findings:
    return run_harness(lambda s: h.fresh_start_harness(s, tries=TRIES))


# Not strict: the race is lost in about one start in three (measured 1 of 3 on each
# database), so at this size it sometimes passes today. scripts/soak counts it at size.
@pytest.mark.xfail(
    strict=False,
    reason="issue 9: two daemons racing to create the mailbox-state row kill the loser's "
    "mail job; fixed by ingest/jobs helper",
)
def test_two_daemons_starting_together_keep_both_mail_jobs(findings: h.Findings) -> None:
    assert findings.figures["fresh_starts"] == TRIES
    assert findings.held(h.JOBS_ALIVE), findings.about(h.JOBS_ALIVE)
