"""The digest's "since the last digest" sections list each thing once: counted by when the bot
recorded it, from the last digest's moment up to this one's.

A return that reached the mailbox before a digest but was read after it (the mailbox could not
be read that morning) is in the next digest's list of returns received, not counted as
"received earlier"; a case opened, or a reply read, in the very moment of a digest is in one
digest, not in two. Every email goes in through the Maildir inbox and the real ingest path.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.services.daily_digest import send_digest_if_due
from tests.fixtures.mail import drop_into_maildir
from tests.fixtures.mail import email as make_email
from tests.services.test_case_warnings import digest_on
from tests.services.test_lifecycle import (
    HEALTH,
    POLICE,
    Bot,
    body_of,
    gmp_asked_for_a_return,
    reply,
)
from tests.services.test_returns_asked_again import gmp_returns

REF = "TSCP-2026-0001"
GMP = "Greater Manchester Police"
NEWS = "The mother phoned: the family are moving to Leeds on Friday."


def _section(digest: str, title: str, after: str) -> str:
    text = digest.replace("\r\n", "\n")
    return text[text.index(title) : text.index(after, text.index(title))]


def _returns(digest: str) -> str:
    return _section(digest, "APPENDIX B RETURNS", "ACTIONS")


def test_a_return_that_arrived_before_a_digest_but_was_read_after_it_is_in_the_next(
    bot: Bot,
) -> None:
    gmp_asked_for_a_return(bot)
    # GMP's return reaches the mailbox at 07:00 on Friday; the mailbox is not read till 11:00,
    # after the digest went at 08:30.
    raw = make_email(
        f"Appendix B return for {REF}",
        "Return attached.",
        sender="casey.invented@gmp.police.uk",
        message_id="<gmp-return-1@gmp.police.uk>",
        attachment=("Appendix B GMP.docx", b"PK\x03\x04 dummy"),
    )
    drop_into_maildir(bot.tmp_path / "inbox", raw, arrived=datetime(2026, 12, 18, 7, tzinfo=UTC))
    assert send_digest_if_due(bot.at("2026-12-18T08:30").app)
    friday = body_of(bot.outbox("daily_digest")[-1])
    assert "received" not in _returns(friday) and "received earlier" not in friday
    bot.at("2026-12-18T11:00").run()
    [request] = [d for d in bot.case().deadlines if d.name == "appendix_b:gmp"]
    assert request.met_at == datetime(2026, 12, 18, 7, tzinfo=UTC)  # its clock: the arrival

    monday = digest_on(bot, "2026-12-21")
    returns = " ".join(_returns(monday).split())
    assert f"{REF} Thu 24 Dec 2026 received {GMP}" in returns
    assert "received earlier, not listed" not in monday


def test_a_case_opened_and_a_reply_read_in_the_moment_of_a_digest_are_in_one_digest(
    bot: Bot,
) -> None:
    # Read in the pass that then writes Thursday's digest, on the same clock reading.
    bot.at("2026-12-17T08:30").mail(POLICE, reply(REF), NEWS)
    bot.mail(
        HEALTH,
        "Serious Incident Notification - GM SIN form",
        "Please find the GM SIN form for the Screening Panel.",
    )
    thursday = digest_on(bot, "2026-12-17")
    assert bot.case("TSCP-2026-0002").opened_at == datetime(2026, 12, 17, 8, 30, tzinfo=UTC)
    friday = digest_on(bot, "2026-12-18")
    listed = [
        _section(d, "NEW ON YOUR CASES", "SCREENING PANELS").count("moving to Leeds")
        + _section(d, "NEW CASES", "MESSAGES TO TRIAGE").count("TSCP-2026-0002")
        for d in (thursday, friday)
    ]
    assert sum(listed) == 2, listed  # the reply and the case, each in one digest
    assert listed in ([2, 0], [0, 2])


def test_a_second_return_from_an_agency_is_listed_in_the_next_digest(bot: Bot) -> None:
    gmp_asked_for_a_return(bot)
    gmp_returns(bot, "2026-12-18T10:00", 1)
    monday = " ".join(_returns(digest_on(bot, "2026-12-21")).split())
    assert f"{REF} Thu 24 Dec 2026 received {GMP}" in monday
    # GMP sends a corrected return on Monday: it changes the chronology, so she hears of it.
    gmp_returns(bot, "2026-12-21T10:00", 2)
    assert [e for e in bot.case().events if e.what == "return_updated"]
    tuesday = digest_on(bot, "2026-12-22")
    assert f"{REF} Thu 24 Dec 2026 received {GMP}" in " ".join(_returns(tuesday).split())
    assert "received earlier, not listed" not in tuesday
