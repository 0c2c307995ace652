"""Through real Dovecot and SMTP: the referrer is told the panel's decision, as promised, and
every email delivered reads cleanly (subjects without a leading space, right plurals)."""

from __future__ import annotations

import email
from email import policy
from typing import Any

from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.mail import sin
from tests.fixtures.smtp import SmtpTestServer
from tests.test_end_to_end import _by_subject, _vote
from tests.wording_lint import subject_faults, text_faults

REFERRER = "casey.invented@gmp.police.uk"


def test_referrer_is_told_the_decision_through_real_servers(
    bot: Any,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
) -> None:
    dovecot.append(sin())
    bot("--now", "2026-12-23T07:05", "run", "--once")
    [ack] = _by_subject(smtp_server, "Serious incident notification received")
    assert "We will email you its decision on the review" in " ".join(
        str(ack.get_body(preferencelist=("plain",)).get_content()).split()  # type: ignore[union-attr]
    )
    _vote(dovecot, "dsp.tameside@gmp.police.uk", "Vote: rapid review", 1)
    _vote(dovecot, "dsp.children@tameside.gov.uk", "Vote: Rapid Review", 2)
    bot("--now", "2026-12-23T07:40", "run", "--once")

    [outcome] = _by_subject(smtp_server, "Outcome of your serious incident notification")
    assert outcome["To"] == REFERRER and outcome["In-Reply-To"] == ack["Message-ID"]
    rcpts = next(r.rcpt_tos for r in smtp_server.messages if b"Outcome of your" in r.raw)
    assert rcpts == [REFERRER]
    text = " ".join(str(outcome.get_body(preferencelist=("plain",)).get_content()).split())  # type: ignore[union-attr]
    assert "logged as TSCP-2026-0001." in text  # no initials in this plain-text SIN
    assert "Its decision: Rapid Review" in text
    for detail in ("Police", "Local authority", "votes", "dsp."):
        assert detail not in text

    for record in smtp_server.messages:
        msg = email.message_from_bytes(record.raw, policy=policy.default)
        assert subject_faults(str(msg["Subject"])) == []
        assert text_faults(str(msg.get_body(preferencelist=("plain",)).get_content())) == []  # type: ignore[union-attr]
