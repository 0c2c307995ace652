"""What the digest keeps in view until it is dealt with: an item under "Needs your attention"
until the bot sees it put right (or, where it cannot, for weeks with its age shown); and each
agency's Appendix B deadline named by its agency."""

from __future__ import annotations

from sqlalchemy import select

from bot.adapters.db.models import Case
from bot.services.cases import add_event
from tests.services.test_digest_panel_votes import digest_html, section
from tests.services.test_lifecycle import (
    BM,
    Bot,
    body_of,
    gmp_asked_for_a_return,
    reply,
)
from tests.services.test_outside_bodies import digest_text


def _attention(text: str) -> str:
    return section(text, "NEEDS YOUR ATTENTION", "AWAITING YOUR APPROVAL")


# --- Appendix B deadlines name their agency ------------------------------------------------


def test_an_appendix_b_deadline_row_names_its_agency_in_its_title(bot: Bot) -> None:
    gmp_asked_for_a_return(bot)
    text = digest_text(bot, "2026-12-18T08:05")
    soon = section(text, "DUE WITHIN 5 WORKING DAYS", "NEEDS YOUR ATTENTION")
    [row] = [x for x in soon.splitlines() if "Appendix B" in x and "TSCP-2026-0001" in x]
    assert row.rstrip().endswith("(Greater Manchester Police)")
    html = digest_html(bot, "2026-12-21T08:05")
    assert "<strong>Agency returns its Appendix B information by the date set in the " in html
    assert "request (Greater Manchester Police)</strong>" in html


# --- Needs your attention ------------------------------------------------------------------


def test_an_item_the_bot_cannot_see_put_right_stays_weeks_with_its_age_then_is_counted(
    bot: Bot,
) -> None:
    bot.at("2026-12-16T11:00").mail(BM, reply("TSCP-2026-0001"), "Published: 14/12/2026")
    bot.run()
    bot.at("2026-12-16T11:30").mail(BM, reply("TSCP-2026-0001"), "Published: 14/12/2026")
    bot.run()
    # Eight working days on (Christmas between): once, 5 working days, it was gone.
    later = _attention(digest_text(bot, "2026-12-30T08:05"))
    [line] = [x for x in later.splitlines() if "Published: 14/12/2026" in x]
    assert "(raised 8 working days ago, 2 times)" in line  # one line, not one a time
    gone = _attention(digest_text(bot, "2027-01-19T08:05"))  # 21 working days after
    assert "Published: 14/12/2026" not in gone
    assert "1 item on open cases raised more than 20 working days ago" in gone


def test_a_closed_cases_flags_go_with_it_but_its_closing_flag_stays(bot: Bot) -> None:
    bot.at("2026-12-16T11:00").mail(BM, reply("TSCP-2026-0001"), "Published: 14/12/2026")
    bot.run()
    bot.at("2026-12-17T10:00").mail(
        BM,
        reply("TSCP-2026-0001"),
        "Notifiable: no because an invented test incident\nClose: no further action",
    )
    bot.run()
    text = _attention(digest_text(bot, "2026-12-31T08:05"))  # 8 working days on
    assert "Published: 14/12/2026" not in text  # the closing overtook it
    assert "closed with clocks open" in text and "raised 8 working days ago" in text


def test_an_item_stays_until_the_deadline_it_is_about_is_met(bot: Bot) -> None:
    with bot.app.sessions() as s:
        case = s.scalars(select(Case)).one()
        add_event(s, case, bot.app.clock.now(), "screening_not_booked", "no slot was free")
        s.commit()
    late = _attention(digest_text(bot, "2027-01-20T08:05"))  # 22 working days on
    assert "screening not booked" in late and "raised 22 working days ago" in late
    bot.at("2027-01-20T09:00").mail(BM, reply("TSCP-2026-0001"), "Decision: rapid review")
    bot.run()
    assert "screening not booked" not in _attention(digest_text(bot, "2027-01-21T08:05"))
    assert body_of(bot.outbox("daily_digest")[-1])  # the digest went
