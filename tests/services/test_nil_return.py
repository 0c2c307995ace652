"""`Return from: gmp nil`: an agency that answers its Appendix B request in words ("no
involvement with this family"), with no form, has given its return. The Business Manager says
so in one line, and the agency is not reminded or escalated for a return it gave.

Mail goes in through the Maildir inbox and the real ingest path; assertions are on the case's
deadline, the reply to her, the digest and the reminders the agency would get.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.adapters.db.models import Case
from bot.core.commands import parse_commands
from bot.services.commands import Outcome, run_command
from bot.services.review import Actor
from tests.services.test_case_warnings import digest_on
from tests.services.test_lifecycle import BM, POLICE, Bot, gmp_asked_for_a_return, reply
from tests.services.test_return_sent_on import gmp_deadline, told

REF = "TSCP-2026-0001"
ANSWER = "Hello,\n\nGMP have had no involvement with this child or family.\n\nDS Jo Invented"


def police_answer_in_words(bot: Bot) -> None:
    """GMP, asked on Thu 17 Dec 2026 for a return by Thu 24 Dec, answers on Fri 18 Dec."""
    gmp_asked_for_a_return(bot)
    bot.at("2026-12-18T10:00").mail(
        POLICE, f"RE: [{REF}] Rapid Review information request (Appendix B)", ANSWER
    )
    bot.run()


def bm_says(bot: Bot, line: str, when: str = "2026-12-21T09:00") -> None:
    bot.at(when).mail(BM, reply(REF), line)
    bot.run()


def _chased_after(bot: Bot, day: date) -> list[str]:
    return [
        r.subject
        for r in bot.outbox()
        if POLICE in r.recipients and "Appendix B" in r.subject and r.created_at.date() >= day
    ]


def test_the_digest_gives_the_line_that_records_a_reply_as_a_nil_return(bot: Bot) -> None:
    police_answer_in_words(bot)
    digest = " ".join(digest_on(bot, "2026-12-21").split())
    assert (
        "replied Fri 18 Dec 2026, no return yet (if the reply was a nil return: "
        "Return from: gmp nil 18/12/2026)" in digest
    )


def test_a_nil_return_meets_the_agency_s_clock_on_the_day_it_wrote(bot: Bot) -> None:
    police_answer_in_words(bot)
    bm_says(bot, "Return from: gmp nil 18/12/2026")
    assert gmp_deadline(bot) == ("met", date(2026, 12, 18))
    assert (
        "Appendix B from Greater Manchester Police recorded as a nil return, received on "
        "Fri 18 Dec 2026" in told(bot)
    )
    # Listed once among the returns recorded, no longer awaited.
    digest = " ".join(digest_on(bot, "2026-12-22").split())
    assert "Greater Manchester Police; replied" not in digest
    assert "received Greater Manchester Police" in digest
    for when in ("2026-12-23T10:00", "2026-12-24T10:00", "2026-12-29T10:00", "2027-01-05T10:00"):
        bot.at(when).run()
    assert _chased_after(bot, date(2026, 12, 21)) == []


def test_without_a_date_it_counts_from_the_day_she_wrote_and_says_so(bot: Bot) -> None:
    police_answer_in_words(bot)
    bm_says(bot, "Return from: GMP (nil return)")
    assert gmp_deadline(bot) == ("met", date(2026, 12, 21))
    assert (
        "(the day you gave this; if Greater Manchester Police wrote earlier, write Return "
        "from: gmp nil <date>)" in told(bot)
    )


def test_a_day_after_she_wrote_before_the_request_or_a_second_return_is_refused(
    bot: Bot,
) -> None:
    police_answer_in_words(bot)
    for said, why in (
        ("Return from: gmp nil 22/12/2026", "is after you gave this command"),
        ("Return from: gmp nil 16/12/2026", "is before the return was requested"),
        ("Return from: icb nil", "no Appendix B was requested from"),
    ):
        bm_says(bot, said)
        assert why in told(bot), said
        assert gmp_deadline(bot) == ("open", None)
    bm_says(bot, "Return from: gmp nil 18/12/2026")
    bm_says(bot, "Return from: gmp nil 21/12/2026")
    assert "return was already recorded; a nil return does not replace it" in told(bot)
    assert gmp_deadline(bot) == ("met", date(2026, 12, 18))


def test_a_forward_with_nothing_attached_names_the_nil_return_line(bot: Bot) -> None:
    police_answer_in_words(bot)
    bm_says(bot, f"Return from: gmp\n\n> {ANSWER}")
    assert "has no document attached" in told(bot)
    assert (
        "if Greater Manchester Police wrote that it had no involvement, write Return from: gmp nil"
        in told(bot)
    )
    assert gmp_deadline(bot) == ("open", None)


def test_at_the_terminal_a_nil_return_needs_no_email(bot: Bot) -> None:
    police_answer_in_words(bot)
    now = bot.at("2026-12-21T15:00").app.clock.now()
    outcome = Outcome()
    with bot.app.sessions() as s:
        case = s.scalars(select(Case)).one()
        [cmd] = parse_commands("Return from: gmp nil 18/12/2026", today=now.date()).commands
        actor = Actor("terminal:bm", "business_manager", "terminal", now)
        run_command(s, bot.app, case, cmd, actor, now, outcome)
        s.commit()
    assert not outcome.errors and not outcome.refused
    assert gmp_deadline(bot) == ("met", date(2026, 12, 18))
