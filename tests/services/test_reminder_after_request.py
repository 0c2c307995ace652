"""An Appendix B request whose return date is one working day away: the agency gets the
request alone, and the first reminder on its normal day, never both in one pass."""

from __future__ import annotations

from bot.adapters.db.models import OutboxMessage
from tests.services.test_lifecycle import BM, POLICE, Bot, body_of, decide_rapid_review, reply


def _to_gmp(bot: Bot) -> list[OutboxMessage]:
    """What GMP was sent about its Appendix B: the request and its chases."""
    return [
        r
        for r in bot.outbox()
        if POLICE in r.recipients
        and ("appendix_b" in r.idempotency_key or "Appendix B" in r.subject)
    ]


def test_no_reminder_goes_with_the_request_it_reminds_of(bot: Bot) -> None:
    decide_rapid_review(bot, "2026-12-17T09:00")
    # Thursday: the return is asked for by Friday, the next working day.
    bot.at("2026-12-17T09:30").mail(
        BM, reply("TSCP-2026-0001"), "Agencies: gmp\nReturn by: 18/12/2026"
    )
    bot.run()
    bot.at("2026-12-17T15:00").run()

    assert [r.event for r in _to_gmp(bot)] == ["appendix_b_request"]

    bot.at("2026-12-18T10:00").run()  # the return date: reminded that it is due today
    sent = _to_gmp(bot)
    assert [r.event for r in sent] == ["appendix_b_request", "deadline_reminder"]
    assert sent[1].idempotency_key.endswith(":due")


def test_a_request_whose_return_date_cannot_be_read_asks_no_agency(bot: Bot) -> None:
    """ "Return by: 5 Jan" (no year) used to leave the agencies asked by the default day, a
    day the Business Manager did not write; now nothing goes, and her reply says why."""
    decide_rapid_review(bot, "2026-12-17T09:00")
    bot.at("2026-12-17T09:30").mail(
        BM, reply("TSCP-2026-0001"), "Agencies: gmp, icb\nReturn by: 5 Jan"
    )
    bot.run()
    assert bot.outbox("appendix_b_request") == []
    assert "appendix_b:gmp" not in {d.name for d in bot.case().deadlines}
    reply_text = " ".join(body_of(bot.outbox()[-1]).split())
    assert '"Agencies: gmp, icb" was not carried out: nothing was asked of the agencies' in (
        reply_text
    )
    assert '"5 Jan" has no year' in reply_text
