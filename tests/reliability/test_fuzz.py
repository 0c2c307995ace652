"""Fuzz harness, short seeded form: mutated corpus mail through real passes; no pass breaks
and every message is stored once and ends processed or quarantined."""

from __future__ import annotations

import pytest

from tests.reliability import harness as h
from tests.reliability.conftest import SEED, RunHarness

CASES = 40


@pytest.fixture
def findings(run_harness: RunHarness) -> h.Findings:
    return run_harness(lambda s: h.fuzz_harness(s, seed=SEED, cases=CASES, per_pass=40))


def test_fuzz_never_breaks_a_pass(findings: h.Findings) -> None:
    assert findings.figures["fuzz_cases"] == CASES
    assert findings.held(h.PASS_COMPLETES), findings.about(h.PASS_COMPLETES)


def test_fuzz_stores_every_message_once_and_finishes_it(findings: h.Findings) -> None:
    assert findings.held(h.STORED_ONCE), findings.about(h.STORED_ONCE)
    assert findings.held(h.ALL_DONE), findings.about(h.ALL_DONE)
