"""Through real Dovecot and aiosmtpd: a line that only looks like a command ("Vote: maybe
later"), from someone who gives no commands, is never silent. On a case, no one answers it
(only those who give commands are told a line could not be read), so the Business Manager is
alerted with it and the digest shows it under New on your cases; naming no case, or from an
organisation not configured, it also waits in the inbox on the triage list. Invented people.
"""

from __future__ import annotations

import json
from typing import Any

from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.mail import authenticated, sin
from tests.fixtures.smtp import SmtpTestServer, sent_texts

REF = "TSCP-2026-0001"
BM = "tscp.business.manager@tameside.gov.uk"
# At a partner's domain, authenticated, but no configured person: gives no commands.
PARTNER_STRANGER = "someone.else@gmp.police.uk"
OUTSIDE = "someone@example.org"
UNREADABLE = "Vote: maybe later"


def _email(sender: str, subject: str, n: int) -> bytes:
    return authenticated(subject, f"{UNREADABLE}\n\nRegards\n", sender=sender, n=n)


def test_an_unreadable_command_from_one_who_gives_none_reaches_the_business_manager(
    bot: Any, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> None:
    dovecot.append(sin())
    assert bot("--now", "2026-12-23T09:05", "run", "--once")[0] == 0
    on_case = f"RE: [{REF}] Screening Panel"
    dovecot.append(_email(PARTNER_STRANGER, on_case, 1))
    dovecot.append(_email(PARTNER_STRANGER, "Screening question", 2))  # names no case
    dovecot.append(_email(OUTSIDE, on_case, 3))
    assert bot("--now", "2026-12-23T10:05", "run", "--once")[0] == 0

    # Nobody answers the strangers; the Business Manager hears of both lines on the case now.
    assert not any(PARTNER_STRANGER in to or OUTSIDE in to for to, _ in sent_texts(smtp_server, ""))
    alerts = sent_texts(smtp_server, f"[{REF}] New on your case")
    assert [to for to, _ in alerts] == [[BM], [BM]]
    assert all(UNREADABLE in text for _, text in alerts)
    assert any(PARTNER_STRANGER in text for _, text in alerts)

    # Naming no case, or from an organisation not configured: also kept in the inbox.
    triage = json.loads(bot("--now", "2026-12-23T10:10", "triage", "list", "--json")[1])
    assert sorted((row["from"], row["subject"]) for row in triage) == [
        (PARTNER_STRANGER, "Screening question"),
        (OUTSIDE, on_case),
    ]
    assert len(dovecot.list_uids("INBOX")) == 2

    assert bot("--now", "2026-12-24T08:01", "run", "--once")[0] == 0
    to, digest = sent_texts(smtp_server, "digest")[-1]  # the 23rd's went before they wrote
    assert to == [BM] and "Thursday 24 December 2026" in digest
    news = digest.split("NEW ON YOUR CASES", 1)[1].split("SCREENING PANELS", 1)[0]
    assert news.count(f"| {UNREADABLE}") == 2
    assert PARTNER_STRANGER in news and OUTSIDE in news
