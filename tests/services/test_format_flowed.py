"""A reply sent as `format=flowed` (RFC 3676: Thunderbird, Apple Mail, phone mail apps) has its
long lines broken softly, with a space left at the end of each; with `delsp=yes` the break may
fall inside a word. Read as sent, "Vote: local learning\\nreview" was a vote cut in two, and the
partner's sentence was shown to the Business Manager in pieces. Read as typed, the vote is
recorded and the sentence is whole.

Each reply is an .eml in tests/corpus, delivered through the Maildir inbox and the real ingest
path, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.adapters.db.models import Vote
from tests.fixtures.app import ROOT
from tests.fixtures.mail import drop_into_maildir
from tests.services.test_lifecycle import POLICE, Bot, body_of, delivered

CORPUS = ROOT / "tests" / "corpus"
SENTENCE = (
    "Our DSL is on leave until 4 January; please send the invitation to the duty inspector "
    "meanwhile."
)


@pytest.mark.parametrize(
    "name",
    ["case-reply-thunderbird-format-flowed-vote.eml", "case-reply-format-flowed-delsp-vote.eml"],
)
def test_a_vote_broken_softly_over_two_lines_is_recorded_whole(bot: Bot, name: str) -> None:
    raw = delivered((CORPUS / name).read_bytes(), POLICE)
    drop_into_maildir(bot.tmp_path / "inbox", raw)
    bot.at("2026-12-16T13:45").run()
    with bot.app.sessions() as s:
        assert [v.choice for v in s.scalars(select(Vote))] == ["local_review"]
    assert bot.outbox("command_rejected") == []
    [alert] = bot.outbox("case_reply_alert")
    assert f"  | {SENTENCE}" in body_of(alert).replace("\r\n", "\n")
