"""A subject over 1,000 characters, through real Dovecot (IMAP) and aiosmtpd (SMTP): the
message keeps it cut, and wherever a person reads it (the triage list, the digest, `tscp-bot
case`) the cut is marked, "…" and how long it was; the stored raw message keeps it whole.
Invented people.
"""

from __future__ import annotations

import email
import json
from email import policy
from typing import Any

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from bot.adapters.db.models import StoredMessage
from bot.adapters.db.raw import read_raw
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.mail import authenticated, sin
from tests.fixtures.smtp import SmtpTestServer, sent_texts

REF = "TSCP-2026-0001"
OUTSIDE = "someone@example.org"
# 1,500 characters, the last words beyond what is kept.
LONG = "Question about " + "the Screening Panel arrangements " * 44 + "and the END WORDS"
MARK = f"… (subject cut: {len(LONG):,} characters)"


def _raw_subject(database_url: str, message_id: int) -> str:
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            size = session.scalar(select(StoredMessage.size).where(StoredMessage.id == message_id))
            assert size is not None
            raw = read_raw(session, message_id, size)
    finally:
        engine.dispose()
    msg = email.message_from_bytes(raw, policy=policy.default)
    return " ".join(str(msg["Subject"]).split())


def test_a_subject_over_1000_characters_is_shown_cut_and_marked(
    bot: Any, dovecot: DovecotServer, smtp_server: SmtpTestServer, migrated_database_url: str
) -> None:
    assert len(LONG) > 1400
    dovecot.append(sin())
    assert bot("--now", "2026-12-23T09:05", "run", "--once")[0] == 0
    dovecot.append(authenticated(LONG, "Can we talk?\n\nRegards\n", sender=OUTSIDE, n=1))
    dovecot.append(authenticated(f"RE: [{REF}] {LONG}", "Noted.\n", sender=OUTSIDE, n=2))
    assert bot("--now", "2026-12-23T10:05", "run", "--once")[0] == 0

    triage = json.loads(bot("--now", "2026-12-23T10:10", "triage", "list", "--json")[1])
    [row] = [r for r in triage if r["subject"].startswith("Question about")]
    shown = row["subject"]
    assert len(shown) <= 1000 and shown.endswith(MARK)
    assert "END WORDS" not in shown
    assert _raw_subject(migrated_database_url, row["id"]) == LONG  # kept whole

    case = json.loads(bot("--now", "2026-12-23T10:10", "case", REF, "--json")[1])
    on_case = [m["subject"] for m in case["messages"] if LONG[:40] in m["subject"]]
    whole = len(f"RE: [{REF}] {LONG}")
    assert on_case and all(s.endswith(f"… (subject cut: {whole:,} characters)") for s in on_case)

    assert bot("--now", "2026-12-24T08:01", "run", "--once")[0] == 0
    _, digest = sent_texts(smtp_server, "digest")[-1]
    assert " ".join(MARK.split()) in " ".join(digest.split())
