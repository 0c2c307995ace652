"""The Screening Panel's outcome as the Business Manager and the Independent Scrutineer read it:
a partner voting against the decision afterwards is told to both, with every vote."""

from __future__ import annotations

from datetime import datetime

from tests.fixtures.app import LONDON
from tests.services.test_lifecycle import BM, HEALTH, LA, POLICE, SCRUTINEER, Bot, body_of, reply

REF = "TSCP-2026-0001"


def _vote(bot: Bot, when: str, sender: str, choice: str) -> None:
    bot.at(when).mail(sender, reply(REF), f"Vote: {choice}")
    bot.run()


def test_a_vote_against_the_decision_after_it_is_told_to_the_scrutineer(bot: Bot) -> None:
    _vote(bot, "2026-12-16T11:10", LA, "rapid review")
    _vote(bot, "2026-12-16T11:20", POLICE, "rapid review")
    [decided] = bot.outbox("screening_outcome")
    assert sorted(decided.recipients) == sorted([BM, SCRUTINEER])
    _vote(bot, "2026-12-16T13:00", HEALTH, "local review")
    _, later = bot.outbox("screening_outcome")
    assert later.subject == (
        f"[{REF}] Screening Panel decision: Rapid Review (a later vote; the decision stands)"
    )
    assert sorted(later.recipients) == sorted([BM, SCRUTINEER])
    text = " ".join(body_of(later).split())
    assert "A later vote on TSCP-2026-0001" in text and "against the decision" in text
    assert "The decision stands" in text
    assert text.count("Rapid Review, Wed 16 Dec 2026") == 2  # the first two votes, listed too
    assert text.count("Local learning review (audit, learning or assurance activity), Wed 16") == 2
    _vote(bot, "2026-12-16T14:00", HEALTH, "no further action")  # the same dissent, reworded
    assert len(bot.outbox("screening_outcome")) == 2


def test_a_later_vote_for_the_decision_sends_nothing_more(bot: Bot) -> None:
    _vote(bot, "2026-12-16T11:10", LA, "rapid review")
    _vote(bot, "2026-12-16T11:20", POLICE, "rapid review")
    _vote(bot, "2026-12-16T13:00", HEALTH, "rapid review")
    assert len(bot.outbox("screening_outcome")) == 1


def test_the_votes_are_listed_in_the_order_they_were_given_not_as_they_were_read(bot: Bot) -> None:
    # The police vote waited in the mailbox (the bot was down): read after the health vote.
    # The votes were listed as the database returned them, in no stated order.
    _vote(bot, "2026-12-16T11:10", LA, "rapid review")
    _vote(bot, "2026-12-16T13:00", HEALTH, "local review")
    given = datetime(2026, 12, 16, 11, 20, tzinfo=LONDON)
    bot.at("2026-12-16T13:30").mail(POLICE, reply(REF), "Vote: rapid review", arrived=given)
    bot.run()
    [decided] = bot.outbox("screening_outcome")
    votes = body_of(decided).split("VOTES")[1]
    listed = [votes.index(f"{role} (") for role in ("Local authority", "Police", "Health")]
    assert listed == sorted(listed)
