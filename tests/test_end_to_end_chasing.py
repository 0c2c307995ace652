"""A late Appendix B return chased over Christmas, through the command line on every backend
(tests/fixtures/backends.py). Moved out of tests/test_end_to_end.py, whose biggest test it
was, so that the suite's workers (whole files each) share the end-to-end scenarios evenly."""

from __future__ import annotations

import email
from email import policy
from typing import Any

import pytest

from tests.fixtures.backends import Mailbox, Outbox
from tests.fixtures.mail import sin


@pytest.fixture
def bot(backend_bot: Any) -> Any:
    """`tscp-bot` on each backend in turn (IMAP and SMTP, then Microsoft Graph)."""
    return backend_bot


def test_late_return_chased_over_christmas_through_real_servers(
    bot: Any, mailbox: Mailbox, outbox: Outbox
) -> None:
    mailbox.append(sin())
    bot("--now", "2026-12-17T07:00", "run", "--once")
    code, _ = bot(
        "--now",
        "2026-12-17T07:05",
        "command",
        "TSCP-2026-0001",
        "Decision: rapid review",
        "Agencies: gmp",
        "Return by: 24/12/2026",
    )
    assert code == 0
    # The request goes the day it is asked for (sent days later, it would be re-dated).
    bot("--now", "2026-12-17T07:10", "run", "--once")
    days = (
        "2026-12-22",
        "2026-12-23",
        "2026-12-24",
        "2026-12-25",
        "2026-12-28",
        "2026-12-29",
        "2026-12-30",
        "2026-12-31",
        "2027-01-01",
        "2027-01-04",
        "2027-01-05",
    )
    received: dict[str, list[str]] = {}
    for day in days:
        before = len(outbox.messages)
        bot("--now", f"{day}T10:00", "run", "--once")
        bot(
            "--now", f"{day}T15:00", "run", "--once"
        )  # a second pass the same day sends nothing new
        new = outbox.messages[before:]
        received[day] = [
            str(email.message_from_bytes(r.raw, policy=policy.default)["Subject"])
            for r in new
            if (b"Reminder: Appendix B return" in r.raw or b"Escalation: Appendix B" in r.raw)
        ]
    chased = {day: subjects for day, subjects in received.items() if subjects}
    assert list(chased) == [
        "2026-12-23",
        "2026-12-24",
        "2026-12-29",
        "2026-12-30",
        "2026-12-31",
        "2027-01-04",
    ]
    assert all(len(s) == 1 for s in chased.values())
    assert "Escalation" in chased["2027-01-04"][0]
    escalation = next(r for r in outbox.messages if b"Escalation: Appendix B" in r.raw)
    assert sorted(escalation.rcpt_tos) == [
        "dsp.tameside@gmp.police.uk",
        "tscp.business.manager@tameside.gov.uk",
    ]
