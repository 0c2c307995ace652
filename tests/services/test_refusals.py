"""Commands refused by the lifecycle table: the sender and the Business Manager are told why,
line by line, in words a person can act on."""

from __future__ import annotations

from datetime import date

from tests.services.test_lifecycle import BM, HEALTH, LA, POLICE, Bot, body_of, reply

REF = "TSCP-2026-0001"


def unwrap(text: str) -> str:
    """The body as one line, so a sentence can be matched whatever the template's wrapping."""
    return " ".join(text.split())


def test_published_on_a_case_still_in_screening_is_refused_with_the_reason(bot: Bot) -> None:
    bot.at("2026-12-16T11:00").mail(BM, reply(REF), "Published: 01/07/2027")
    bot.run()
    case = bot.case()
    assert case.stage == "screening" and case.published_on is None
    [result] = bot.outbox("command_result")
    assert result.recipients == [BM]
    assert result.subject.endswith("Your commands: 0 recorded, 1 not carried out")
    assert (
        "Published: 01/07/2027 not accepted at this stage (screening): there is no CSPR on "
        "this case; record CSPR: yes first"
    ) in unwrap(body_of(result))
    assert "publication_period_end" not in {d.name for d in case.deadlines}


def test_a_vote_after_the_case_is_closed_is_refused_with_the_reason(bot: Bot) -> None:
    bot.at("2026-12-16T11:00").mail(
        BM, reply(REF), "Notifiable: no because a duplicate\nClose: duplicate of an earlier SIN"
    )
    bot.run()
    bot.at("2026-12-16T12:00").mail(POLICE, reply(REF), "Vote: rapid review")
    bot.run()
    case = bot.case()
    assert (case.stage, case.decision) == ("closed", None)
    [result] = [r for r in bot.outbox("command_result") if r.recipients == [POLICE]]
    assert (
        "Vote: rapid review not accepted at this stage (closed): the case is closed; nothing "
        "more is recorded on it"
    ) in unwrap(body_of(result))
    assert "command_refused" in [e.what for e in case.events]
    # The Business Manager sees it in the next digest, with the reason.
    bot.at("2026-12-17T08:30").run()
    [digest] = [r for r in bot.outbox("daily_digest") if "17 Dec" in r.subject]
    assert "Vote: rapid review: not accepted at this stage (closed)" in unwrap(body_of(digest))


def test_a_repeated_notified_never_moves_the_rapid_review_clock_later(bot: Bot) -> None:
    bot.at("2026-12-17T09:00").mail(BM, reply(REF), "Decision: rapid review")
    bot.run()
    bot.at("2026-12-18T10:00").mail(BM, reply(REF), "Notified: 18/12/2026")
    bot.run()
    due = bot.due("rapid_review")
    bot.at("2026-12-22T10:00").mail(BM, reply(REF), "Notified")
    bot.run()
    assert bot.due("rapid_review") == due == date(2027, 1, 13)
    last = bot.outbox("command_result")[-1]
    assert (
        "the rapid review clock already started on Fri 18 Dec 2026, and a recorded start is never "
        "moved later"
    ) in unwrap(body_of(last))


def test_refused_email_gives_the_real_reason_per_line(bot: Bot) -> None:
    bot.at("2026-12-16T11:00").mail(
        POLICE, reply(REF), "Vote: rapid review\nDecision: rapid review\nClose: done"
    )
    bot.run()
    [alert] = bot.outbox("command_rejected")
    assert alert.recipients == [BM]
    text = unwrap(body_of(alert))
    assert "is authorised for this command" not in text
    assert (
        "Decision: rapid review Refused: the police representative may not give `Decision:`: "
        "only the Business Manager may"
    ) in text
    assert (
        "Close: done Refused: the police representative may not give `Close:`: only the "
        "Business Manager may"
    ) in text
    assert "Vote: rapid review Refused" not in text  # the vote was the police's to give
    # The police representative is told too, not left to think it was done.
    [result] = bot.outbox("command_result")
    assert result.recipients == [POLICE]
    assert (
        "not carried out: the police representative may not give `Decision:`: only the "
        "Business Manager may. The Business Manager has been told."
    ) in unwrap(body_of(result))


def test_refused_email_for_an_unknown_sender_and_a_failed_authentication(bot: Bot) -> None:
    bot.at("2026-12-16T11:00").mail("someone.else@gmp.police.uk", reply(REF), "Vote: rapid review")
    bot.mail(HEALTH, reply(REF), "Vote: rapid review", auth=False)
    bot.run()
    unknown, forged = (unwrap(body_of(r)) for r in bot.outbox("command_rejected"))
    assert (
        "Refused: someone.else@gmp.police.uk is not a configured Business Manager, Independent "
        "Scrutineer or statutory partner representative"
    ) in unknown
    assert "Refused: authentication failed: " in forged
    assert "is authorised for this command" not in forged
    # Neither possibly-forged sender is answered.
    assert [r.recipients for r in bot.outbox("command_result")] == []


def test_the_la_may_record_awareness_and_notification(bot: Bot) -> None:
    bot.at("2026-12-16T11:00").mail(LA, reply(REF), "Aware: 15/12/2026\nNotified: 16/12/2026")
    bot.run()
    case = bot.case()
    assert case.la_aware_on == date(2026, 12, 15)
    assert case.notification_sent_on == date(2026, 12, 16)
    assert bot.outbox("command_rejected") == []
