"""Poison harness: hostile messages between good ones, through real `run --once` passes.
One bad message never blocks the rest, and every pass finishes its other steps."""

from __future__ import annotations

import pytest

from tests.reliability import harness as h
from tests.reliability.conftest import SEED, RunHarness


@pytest.fixture
def findings(run_harness: RunHarness) -> h.Findings:
    return run_harness(lambda s: h.poison_harness(s, seed=SEED))


def test_poison_every_pass_completes(findings: h.Findings) -> None:
    assert findings.figures["passes"] >= 1
    assert findings.held(h.PASS_COMPLETES), findings.about(h.PASS_COMPLETES)


def test_poison_good_neighbours_are_processed(findings: h.Findings) -> None:
    assert findings.figures["good_neighbours"] > 0
    assert findings.held(h.GOOD_PROCESSED), findings.about(h.GOOD_PROCESSED)


def test_poison_hostile_mail_is_stored_and_processed_or_triaged(findings: h.Findings) -> None:
    assert findings.figures["hostile_messages"] == len(h.HOSTILE_KINDS)
    assert findings.held(h.HOSTILE_HANDLED), findings.about(h.HOSTILE_HANDLED)


def test_poison_our_own_headers_never_quarantine(findings: h.Findings) -> None:
    assert findings.held(h.OWN_HEADERS), findings.about(h.OWN_HEADERS)
