"""`Withdraw request: gmp`: an Appendix B request made by mistake is taken back, so the agency
is never chased, nor escalated about, for a return it did not owe; where it had returned
before, that return stands as it was. Through the Maildir inbox and the real ingest path."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from bot.adapters.db.db_clock import database_now
from bot.adapters.db.models import AgencyRequest, OutboxMessage
from tests.services.test_case_warnings import digest_on
from tests.services.test_lifecycle import BM, POLICE, Bot, body_of, gmp_asked_for_a_return, reply
from tests.services.test_returns_asked_again import GMP, REF, asked_again

CHASES = ("deadline_reminder", "deadline_escalation")
REQUEST = "appendix_b_request"


def withdraw(bot: Bot, when: str, line: str = "Withdraw request: gmp") -> str:
    bot.at(when).mail(BM, reply(REF), line)
    bot.run()
    return " ".join(body_of(bot.outbox("command_result")[-1]).split())


def chases_to_gmp(bot: Bot) -> list[str]:
    return [
        r.idempotency_key
        for event in CHASES
        for r in bot.outbox(event)
        if POLICE in r.recipients and r.status == "sent"
    ]


def test_a_first_request_withdrawn_is_never_chased(bot: Bot) -> None:
    gmp_asked_for_a_return(bot)  # due Thu 24 Dec 2026

    said = withdraw(bot, "2026-12-17T11:00", "Withdraw request: gmp because the wrong case")

    assert f"Appendix B request to {GMP} (due Thu 24 Dec 2026) withdrawn" in said
    assert "The request email had already gone: tell the agency it is withdrawn." in said
    assert not any(d.name.startswith("appendix_b:gmp") for d in bot.case().deadlines)
    [event] = [e for e in bot.case().events if e.what == "return_request_withdrawn"]
    assert event.detail.endswith("because the wrong case")
    # Past its due day and long after: no reminder, no escalation, not in the digest.
    for day in ("2026-12-23", "2026-12-24", "2027-01-05", "2027-01-12"):
        bot.at(f"{day}T10:00").run()
    assert chases_to_gmp(bot) == []
    digest = digest_on(bot, "2027-01-13")
    assert GMP not in digest[digest.index("APPENDIX B RETURNS") : digest.index("ACTIONS")]


def test_asked_again_by_mistake_and_withdrawn_the_earlier_return_stands(bot: Bot) -> None:
    asked_again(bot)  # GMP returned on 18/12; asked again on 21/12 for Tue 5 Jan 2027

    said = withdraw(bot, "2026-12-21T12:00")

    assert "Its return of Fri 18 Dec 2026 stands as before." in said
    deadlines = {d.name: d for d in bot.case().deadlines if d.name.startswith("appendix_b:gmp")}
    [back] = deadlines.values()  # the earlier clock under its own name again, as it was met
    assert (back.name, back.due, back.state, back.met_on) == (
        "appendix_b:gmp",
        date(2026, 12, 24),
        "met",
        date(2026, 12, 18),
    )
    with bot.app.sessions() as s:
        request = s.scalars(select(AgencyRequest).where(AgencyRequest.agency_key == "gmp")).one()
        assert request.received_at is not None and request.return_by == date(2026, 12, 24)
    bot.at("2027-01-04T10:00").run()
    bot.at("2027-01-06T10:00").run()
    assert [k for k in chases_to_gmp(bot) if "2027-01-05" in k] == []


def test_a_request_already_met_or_never_made_is_not_withdrawn(bot: Bot) -> None:
    gmp_asked_for_a_return(bot)
    refused = withdraw(bot, "2026-12-17T11:00", "Withdraw request: icb")
    assert "no Appendix B was requested from" in refused and "not carried out" in refused.lower()
    assert bot.due("appendix_b:gmp") == date(2026, 12, 24)  # untouched


def test_a_request_email_that_has_not_gone_never_goes(bot: Bot) -> None:
    gmp_asked_for_a_return(bot)
    with bot.app.sessions() as s:  # as if the mail server had been down since
        [row] = s.scalars(select(OutboxMessage).where(OutboxMessage.event == REQUEST)).all()
        row.status, row.sent_at = "pending", None
        s.commit()

    said = withdraw(bot, "2026-12-17T11:00")

    assert "The request email had not gone, and will not." in said
    [row] = bot.outbox(REQUEST)
    assert row.status == "withdrawn" and row.sent_at is None


def test_a_request_email_another_instance_is_sending_is_left_and_the_reply_says_so(
    bot: Bot,
) -> None:
    """Claimed by a sender right now: it may already be at the mail server, so the bot
    neither withdraws it (a withdrawal the relay never heard of would be untrue) nor
    claims it went; the Business Manager is told to look."""
    gmp_asked_for_a_return(bot)
    with bot.app.sessions() as s:
        [row] = s.scalars(select(OutboxMessage).where(OutboxMessage.event == REQUEST)).all()
        row.status, row.sent_at = "pending", None
        row.claimed_until = database_now(s) + timedelta(minutes=10)  # the database's clock
        s.commit()

    said = withdraw(bot, "2026-12-17T11:00")

    assert "Check the request email in `tscp-bot outbox list`: it may be on its way." in said
    assert "had not gone" not in said and "had already gone" not in said
    [row] = bot.outbox(REQUEST)
    assert row.status == "pending"  # left to its sender
    assert not any(d.name.startswith("appendix_b:gmp") for d in bot.case().deadlines)
