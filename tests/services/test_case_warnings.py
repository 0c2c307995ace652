"""Warnings the Business Manager needs, driven by email: in the reply to the command that causes
them, on the case, and in the digest's "needs your attention" list until they are put right."""

from __future__ import annotations

from bot.services.case_warnings import agency_names, sentences
from bot.services.cases import find_case
from bot.services.queries import case_detail
from tests.services.test_lifecycle import BM, Bot, body_of, reply

REF = "TSCP-2026-0001"
STILL_EXPECTED = (
    "The National Panel was notified on Thu 17 Dec 2026 but the case is closed: a Rapid Review "
    "is still expected (due Tue 12 Jan 2027)."
)


def command(bot: Bot, when: str, text: str) -> str:
    """Send the Business Manager's commands; the text of the bot's confirmation."""
    before = len(bot.outbox("command_result"))
    bot.at(when).mail(BM, reply(REF), text)
    bot.run()
    results = bot.outbox("command_result")
    assert len(results) == before + 1
    return body_of(results[-1])


def unwrap(text: str) -> str:
    return " ".join(text.split())


def digest_on(bot: Bot, day: str) -> str:
    bot.at(f"{day}T08:30").run()
    [digest] = [r for r in bot.outbox("daily_digest") if r.created_at.date().isoformat() == day]
    return body_of(digest)


def case_warnings_now(bot: Bot) -> list[str]:
    with bot.app.sessions() as s:
        case = find_case(s, REF)
        assert case is not None
        names = agency_names(bot.app.config)
        detail = case_detail(s, case, bot.clock.moment.date(), names)
        assert detail["warnings"] == sentences(s, case, names)
        return list(detail["warnings"])


def test_closing_after_the_panel_was_notified_warns_at_once_and_every_day(bot: Bot) -> None:
    command(bot, "2026-12-17T09:00", "Decision: rapid review\nNotified: 17/12/2026")
    reply_text = unwrap(command(bot, "2026-12-18T10:00", "Close: dealt with elsewhere"))
    assert "PLEASE CHECK" in reply_text and STILL_EXPECTED in reply_text
    assert "Record it with Report submitted: <date>" in reply_text
    [warning] = case_warnings_now(bot)
    assert warning.startswith(STILL_EXPECTED)
    digest = unwrap(digest_on(bot, "2026-12-21"))
    assert f"{REF} Rapid Review still expected {STILL_EXPECTED}" in digest
    # Put right: the report is recorded, and the warning goes.
    command(bot, "2026-12-21T10:00", "Report submitted: 21/12/2026")
    assert case_warnings_now(bot) == []
    assert "Rapid Review still expected" not in digest_on(bot, "2026-12-22")


def test_no_further_action_after_notification_warns(bot: Bot) -> None:
    command(bot, "2026-12-17T09:00", "Decision: rapid review\nNotified: 17/12/2026")
    text = unwrap(command(bot, "2026-12-17T11:00", "Decision: no further action"))
    assert (
        "The National Panel was notified on Thu 17 Dec 2026 but the case was decided "
        '"no further action": a Rapid Review is still expected (due Tue 12 Jan 2027).'
    ) in text
    assert "Rapid Review still expected" in digest_on(bot, "2026-12-18")
    # The advice is what the bot accepts: Report submitted: alone is refused at this stage...
    assert "the decision must first be a Rapid Review" in text
    refused = unwrap(command(bot, "2026-12-18T10:00", "Report submitted: 18/12/2026"))
    assert "not accepted" in refused
    # ...and taken once the decision is a Rapid Review, which puts the warning right.
    command(bot, "2026-12-18T11:00", "Decision: rapid review\nReport submitted: 18/12/2026")
    assert case_warnings_now(bot) == []


def test_rapid_review_marked_not_notifiable_warns(bot: Bot) -> None:
    text = unwrap(command(bot, "2026-12-17T09:00", "Decision: rapid review\nNotifiable: no"))
    assert (
        "The Screening Panel decided on a Rapid Review but the case is recorded as not "
        "notifiable to the National Panel"
    ) in text
    assert "Rapid Review but not notifiable" in digest_on(bot, "2026-12-18")
    # The other commands in a reply that adds no new warning carry no warning section.
    assert "PLEASE CHECK" not in command(bot, "2026-12-18T10:00", "Meeting held: 18/12/2026")


def test_appendix_b_due_after_the_rapid_review_deadline_warns(bot: Bot) -> None:
    command(bot, "2026-12-17T09:00", "Decision: rapid review\nNotified: 17/12/2026")
    text = unwrap(command(bot, "2026-12-17T10:00", "Agencies: gmp, icb\nReturn by: 20/01/2027"))
    # Named as the Business Manager reads them; the key only where she would type it.
    for name, key in (
        ("Greater Manchester Police", "gmp"),
        ("NHS Greater Manchester Integrated Care (Tameside)", "icb"),
    ):
        assert (
            f"The Appendix B return from {name} is due Wed 20 Jan 2027, after the Rapid Review "
            f"deadline of Tue 12 Jan 2027. Agree an earlier date (Agencies: {key} with Return by"
        ) in text
    assert len(case_warnings_now(bot)) == 2
    digest = digest_on(bot, "2026-12-18")
    assert digest.count("Appendix B due after the Rapid Review") == 2
    # An earlier date agreed with one agency clears its warning only.
    command(bot, "2026-12-18T10:00", "Agencies: gmp\nReturn by: 08/01/2027")
    [left] = case_warnings_now(bot)
    assert "from NHS Greater Manchester Integrated Care (Tameside)" in left
