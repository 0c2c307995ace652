"""A partner's reply on a case that its mail system labels automatic (Precedence: bulk,
Auto-Submitted from a secure-mail gateway) is never obeyed: its command lines may be anyone's.
But a person may have written them, so they are never dropped unseen either: the email stays
in the inbox and on the triage list, saying which lines were not carried out.

Every email goes in through the Maildir inbox and the real ingest path (run_once).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.adapters.db.models import StoredMessage, Vote
from bot.services.daily_digest import send_digest_if_due
from tests.services.test_lifecycle import POLICE, Bot, body_of, reply


def _waiting(bot: Bot) -> dict[str, str]:
    """Subject -> triage reason of every message on the triage list."""
    with bot.app.sessions() as s:
        rows = s.scalars(select(StoredMessage).where(StoredMessage.needs_triage.is_(True)))
        return {r.subject or "": r.triage_reason or "" for r in rows}


@pytest.mark.parametrize(
    "label",
    [{"Precedence": "bulk"}, {"Auto-Submitted": "auto-generated"}],
    ids=["precedence-bulk", "auto-submitted"],
)
def test_a_vote_in_a_reply_labelled_automatic_is_not_counted_and_goes_to_triage(
    bot: Bot, label: dict[str, str]
) -> None:
    bot.at("2026-12-16T11:00").mail(
        POLICE, reply("TSCP-2026-0001"), "Vote: rapid review\n\nRegards\nSam", headers=label
    )
    bot.run()
    with bot.app.sessions() as s:
        assert list(s.scalars(select(Vote))) == []  # never obeyed: a label may be a machine's
    reason = _waiting(bot)[reply("TSCP-2026-0001")]
    assert "labelled automatic" in reason
    assert '"Vote: rapid review"' in reason and "not carried out" in reason
    bot.at("2026-12-17T08:05")
    assert send_digest_if_due(bot.app)
    digest = body_of(bot.outbox("daily_digest")[-1]).replace("\r\n", "\n")
    triage = digest.split("MESSAGES TO TRIAGE", 1)[1].split("QUARANTINED MESSAGES", 1)[0]
    assert '"Vote: rapid review"' in triage


def test_an_out_of_office_on_a_case_stays_off_the_triage_list_whatever_its_lines_look_like(
    bot: Bot,
) -> None:
    bot.at("2026-12-16T11:00").mail(
        POLICE,
        "Automatic reply: [TSCP-2026-0001] Screening Panel",
        "I am out of the office until 4 January.\nAgencies: please contact the MASH.",
        headers={"Auto-Submitted": "auto-replied"},
    )
    bot.run()
    assert _waiting(bot) == {}
