"""A reply from Gmail, Apple Mail or Thunderbird set to Welsh, German, French, Spanish, Dutch,
Italian, Portuguese or Polish quotes the email it answers under an attribution line in that
language ("Ar ddydd Mercher, 16 Rhag 2026 am 12:00, X <x@y> ysgrifennodd:", "Am Mi., 16. Dez.
2026 um 12:00 Uhr schrieb X <x@y>:", "W dniu 16.12.2026 o 12:00, X pisze:"), sometimes wrapped
over two lines. The quote is not the sender's text: the example votes of a quoted vote
reminder are never recorded, nor is the line itself shown to the Business Manager as news
beside the vote. (Below a quote not marked with ">", as an HTML-only reply's is, the lines of
an email the bot does not hold are still shown, said to be perhaps the quote's.)

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
REPLIES = (
    "case-reply-gmail-welsh-attribution-wrapped.eml",
    "case-reply-gmail-german-attribution-html-only.eml",
    "case-reply-apple-mail-french-attribution-wrapped-html-only.eml",
    "case-reply-gmail-spanish-attribution.eml",
    "case-reply-gmail-dutch-attribution-html-only.eml",
    "case-reply-gmail-italian-attribution-wrapped.eml",
    "case-reply-gmail-portugal-attribution-wrapped.eml",
    "case-reply-gmail-brazil-attribution.eml",
    "case-reply-thunderbird-polish-attribution.eml",
)


@pytest.mark.parametrize("name", REPLIES)
def test_only_the_vote_above_a_foreign_attribution_is_recorded(bot: Bot, name: str) -> None:
    raw = delivered((CORPUS / name).read_bytes(), POLICE)
    drop_into_maildir(bot.tmp_path / "inbox", raw)
    bot.at("2026-12-16T13:45").run()
    with bot.app.sessions() as s:
        assert [v.choice for v in s.scalars(select(Vote))] == ["rapid_review"]
    assert bot.outbox("command_rejected") == []
    shown = "\n".join(body_of(alert) for alert in bot.outbox("case_reply_alert"))
    assert "2026" not in shown.split("THEY WROTE", 1)[-1]  # the attribution is no one's news
    if "html-only" not in name:
        # ">" marks the quote: nothing but the vote was written, so nothing to show.
        assert shown == ""
