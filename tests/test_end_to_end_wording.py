"""Through real Dovecot and SMTP, and again through the local Microsoft Graph: the referrer
is told the panel's decision, as promised, and every email delivered reads cleanly (subjects
without a leading space, right plurals)."""

from __future__ import annotations

import email
from email import policy
from typing import Any

import pytest

from tests.fixtures.backends import Mailbox, Outbox
from tests.fixtures.mail import sin
from tests.test_end_to_end import _by_subject, _vote
from tests.wording_lint import subject_faults, text_faults

REFERRER = "casey.invented@gmp.police.uk"


@pytest.fixture
def bot(backend_bot: Any) -> Any:
    """`tscp-bot` on each backend in turn (IMAP and SMTP, then Microsoft Graph)."""
    return backend_bot


def test_referrer_is_told_the_decision_through_real_servers(
    bot: Any,
    mailbox: Mailbox,
    outbox: Outbox,
) -> None:
    mailbox.append(sin())
    bot("--now", "2026-12-23T07:05", "run", "--once")
    [ack] = _by_subject(outbox, "Serious incident notification received")
    assert "We will email you its decision on the review" in " ".join(
        str(ack.get_body(preferencelist=("plain",)).get_content()).split()  # type: ignore[union-attr]
    )
    _vote(mailbox, "dsp.tameside@gmp.police.uk", "Vote: rapid review", 1)
    _vote(mailbox, "dsp.children@tameside.gov.uk", "Vote: Rapid Review", 2)
    bot("--now", "2026-12-23T07:40", "run", "--once")

    [outcome] = _by_subject(outbox, "Outcome of your serious incident notification")
    assert outcome["To"] == REFERRER and outcome["In-Reply-To"] == ack["Message-ID"]
    rcpts = next(r.rcpt_tos for r in outbox.messages if b"Outcome of your" in r.raw)
    assert rcpts == [REFERRER]
    text = " ".join(str(outcome.get_body(preferencelist=("plain",)).get_content()).split())  # type: ignore[union-attr]
    assert "logged as TSCP-2026-0001." in text  # no initials in this plain-text SIN
    assert "Its decision: Rapid Review" in text
    for detail in ("Police", "Local authority", "votes", "dsp."):
        assert detail not in text

    for record in outbox.messages:
        msg = email.message_from_bytes(record.raw, policy=policy.default)
        assert subject_faults(str(msg["Subject"])) == []
        assert text_faults(str(msg.get_body(preferencelist=("plain",)).get_content())) == []  # type: ignore[union-attr]
