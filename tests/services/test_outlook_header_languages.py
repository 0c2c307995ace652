"""A reply from Outlook set to Welsh (or German, French, Spanish, Dutch) quotes the email it
answers under a header in that language ("Oddi wrth:", "Anfonwyd:", "At:", "Pwnc:"). The quote
is not the sender's text: the example votes of a quoted vote reminder are never recorded as
their vote, and the Business Manager is shown what they wrote.

Mail goes in through the Maildir inbox and the real ingest path, on SQLite and PostgreSQL;
the assertions are on the votes recorded, the email back to the sender and the alert.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.adapters.db.models import Vote
from tests.services.test_lifecycle import BM, POLICE, Bot, body_of

WRITTEN = "Byddaf yn pleidleisio ar \u00f4l cyfarfod y bwrdd heno."
QUOTED_REMINDER = (
    "Oddi wrth: TSCP <tscp@tameside.gov.uk>\n"
    "Anfonwyd: 16 Rhagfyr 2026 12:00\n"
    "At: Police DSP <dsp.tameside@gmp.police.uk>\n"
    "Pwnc: [TSCP-2026-0001] Screening Panel: your vote is needed\n"
    "\n"
    "Dear Police representative,\n"
    "\n"
    "Reply to this email with one line:\n"
    "  Vote: rapid review\n"
    "  Vote: local learning review\n"
    "  Vote: no further action\n"
)


def _votes(bot: Bot) -> list[str]:
    with bot.app.sessions() as s:
        return [v.choice for v in s.scalars(select(Vote))]


def test_the_votes_quoted_under_a_welsh_outlook_header_are_not_the_partners(bot: Bot) -> None:
    bot.at("2026-12-16T13:45").mail(
        POLICE,
        "RE: [TSCP-2026-0001] Screening Panel: your vote is needed",
        f"{WRITTEN}\n\nDSP Heddlu\n\n{QUOTED_REMINDER}",
    )
    bot.run()
    assert _votes(bot) == []
    assert [o for o in bot.outbox() if o.event.startswith("command")] == []
    [alert] = bot.outbox("case_reply_alert")
    assert alert.recipients == [BM]
    shown = body_of(alert)
    assert f"  | {WRITTEN}" in shown
    assert "Vote: no further action" not in shown


def test_a_vote_above_a_welsh_outlook_header_is_the_one_recorded(bot: Bot) -> None:
    bot.at("2026-12-16T13:45").mail(
        POLICE,
        "RE: [TSCP-2026-0001] Screening Panel: your vote is needed",
        f"Vote: rapid review\n\n{QUOTED_REMINDER}",
    )
    bot.run()
    assert _votes(bot) == ["rapid_review"]
