"""`Reopen:` through the command line against real servers (tests/fixtures/backends.py: Dovecot
and aiosmtpd, then the local Microsoft Graph): a case the Screening Panel decided needs no
further action is closed at the terminal, the National Panel then expects a Rapid Review, the
Business Manager reopens it by email, and `Notified:` at the terminal starts the Rapid Review's
15 working days over Christmas and New Year.
"""

from __future__ import annotations

import email
from email import policy
from typing import Any

import pytest

from tests.fixtures.backends import Mailbox, Outbox
from tests.fixtures.mail import dmarc_passed, sin
from tests.fixtures.mail import email as make_email

REF = "TSCP-2026-0001"
BM = "tscp.business.manager@tameside.gov.uk"
REASON = "the National Panel replied that it expects a Rapid Review"


@pytest.fixture
def bot(backend_bot: Any) -> Any:
    """`tscp-bot` on each backend in turn (IMAP and SMTP, then Microsoft Graph)."""
    return backend_bot


def _reply(mailbox: Mailbox, sender: str, text: str, n: int) -> None:
    domain = sender.partition("@")[2]
    raw = make_email(
        f"RE: [{REF}] Screening Panel",
        f"{text}\n\nRegards\n",
        sender=sender,
        message_id=f"<reopen{n}@{domain}>",
    )
    # As delivered by the council's receiving server, whose authserv-id the config trusts.
    mailbox.append(dmarc_passed(raw, sender, host="tameside.gov.uk"))


def _flat(raw: bytes) -> str:
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(msg, email.message.EmailMessage)
    part = msg.get_body(preferencelist=("plain",))
    assert part is not None
    return " ".join(str(part.get_content()).split())


def test_a_closed_case_reopened_by_email_then_notified_starts_its_rapid_review(
    bot: Any, mailbox: Mailbox, outbox: Outbox
) -> None:
    mailbox.append(sin())
    bot("--now", "2026-12-23T07:05", "run", "--once")
    _reply(mailbox, "dsp.tameside@gmp.police.uk", "Vote: no further action", 1)
    _reply(mailbox, "dsp.children@tameside.gov.uk", "Vote: no further action", 2)
    bot("--now", "2026-12-23T07:30", "run", "--once")
    code, out = bot(
        "--now",
        "2026-12-23T08:00",
        "command",
        REF,
        "Notifiable: no because the panel judged it not serious",
        "Close: no further action agreed",
    )
    assert code == 0 and "case closed" in out

    _reply(mailbox, BM, f"Reopen: {REASON}", 3)
    bot("--now", "2026-12-29T10:00", "run", "--once")
    [answer] = [_flat(r.raw) for r in outbox.messages if r.rcpt_tos == [BM] and b"Reopen:" in r.raw]
    assert (
        f"Reopen: {REASON} case reopened at stage no further action (the stage it was closed "
        "at); no deadline was left unmet, so nothing is chased again"
    ) in answer

    code, out = bot("--now", "2026-12-29T10:30", "command", REF, "Notified: 29/12/2026")
    # 15 working days from Tue 29 Dec 2026, New Year's Day skipped.
    assert code == 0 and "Rapid Review due Wed 20 Jan 2027" in out
    code, out = bot("--now", "2026-12-29T10:40", "case", REF)
    assert code == 0
    assert f"{REF}  (open," in out and "Stage: no_further_action" in out
    assert "rapid_review        Wed 20 Jan 2027  open" in out
    reopened = next(line for line in out.splitlines() if "case_reopened" in line)
    assert BM in reopened and REASON in reopened
