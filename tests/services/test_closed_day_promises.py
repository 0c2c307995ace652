"""Dates the bot tells outside bodies over Christmas 2026, the council closed 29-31 Dec: the
Business Manager sees a closed day before she approves anything, and the National Panel, the
Secretary of State and Ofsted are never told a report will reach them on a day nobody is in."""

from __future__ import annotations

from datetime import date
from itertools import takewhile
from pathlib import Path

import pytest

from tests.fixtures.app import AppFactory, example_data
from tests.services.test_lifecycle import BM, Bot, body_of, reply

REF = "TSCP-2026-0001"


@pytest.fixture
def closed(make_app: AppFactory, tmp_path: Path) -> Bot:
    """A Rapid Review on a SIN of Tue 1 Dec 2026, the National Panel notified on Wed 2 Dec:
    due Wed 23 Dec. The council is closed 29-31 Dec."""
    partnership = example_data()["partnership"]
    partnership["local_closures"] = [
        {"date": date(2026, 12, day), "name": "Council office closure"} for day in (29, 30, 31)
    ]
    bot = Bot(make_app, tmp_path, "2026-12-01T09:00", partnership=partnership)
    bot.mail("casey.invented@gmp.police.uk", "Serious Incident Notification - GM SIN form", "Form.")
    bot.run()
    bot.at("2026-12-01T15:00").mail(BM, reply(REF), "Decision: rapid review")
    bot.at("2026-12-02T10:00").mail(BM, reply(REF), "Notified: 02/12/2026")
    bot.run()
    assert bot.due("rapid_review") == date(2026, 12, 23)
    return bot


def _told(bot: Bot) -> str:
    return " ".join(body_of(bot.outbox("command_result")[-1]).split())


def _asked(bot: Bot) -> str:
    return " ".join(body_of(bot.outbox("approval_request")[-1]).split())


@pytest.mark.parametrize(
    ("expected", "closure", "longdate"),
    [
        ("25/12/2026", "Christmas Day", "Fri 25 Dec 2026"),
        ("30/12/2026", "Council office closure", "Wed 30 Dec 2026"),
    ],
)
def test_a_delay_expected_on_a_closed_day_is_kept_and_said_before_approval(
    closed: Bot, expected: str, closure: str, longdate: str
) -> None:
    closed.at("2026-12-22T10:00").mail(BM, reply(REF), f"Delay: records late; expected {expected}")
    closed.run()

    said = f"({closure}: not a working day)"
    assert f"delay notice drafted for your approval; expected {longdate} {said}" in _told(closed)
    asked = _asked(closed)
    check = f"the notice tells the National Panel the Rapid Review is expected by {longdate}"
    assert f"CHECK BEFORE APPROVING: {check} {said}" in asked
    assert "write Delay: <reason>; expected <date> again" in asked
    [draft] = closed.outbox("panel_delay_notice")
    assert draft.status == "draft"  # kept, as Return by: keeps one; nothing goes unapproved

    closed.at("2026-12-22T10:30").mail(BM, reply(REF), "Delay: records late; expected 24/12/2026")
    closed.run()  # a working day: nothing more to check
    assert "not a working day" not in _told(closed)
    assert "CHECK BEFORE APPROVING" not in _asked(closed)


def test_a_delay_given_two_expected_dates_drafts_nothing_and_says_why(closed: Bot) -> None:
    """The second date may be the Business Manager's correction of the first: drafted with
    either, the National Panel could be told a day she did not mean."""
    closed.at("2026-12-22T10:00").mail(
        BM, reply(REF), "Delay reason: records late\nExpected: 24/12/2026\nExpected: 08/01/2027"
    )
    closed.run()
    assert closed.outbox("panel_delay_notice") == []
    assert closed.outbox("approval_request") == []
    told = _told(closed)
    assert '"Delay reason: records late" was not carried out: no delay notice was drafted' in told
    assert '"Expected: 08/01/2027" could not be used' in told


def _publication_planned(bot: Bot, on: str) -> None:
    bot.at("2026-12-22T11:00").mail(
        BM, reply(REF), "Meeting held: 22/12/2026\nReport submitted: 22/12/2026\nCSPR: yes"
    )
    bot.run()
    bot.at("2026-12-22T11:30").mail(BM, reply(REF), f"Publication: {on}")
    bot.run()


def test_a_notice_due_on_a_closure_day_gives_the_bodies_the_last_working_day(closed: Bot) -> None:
    _publication_planned(closed, "11/01/2027")  # 7 national working days before: Wed 30 Dec

    assert closed.due("publication_notice") == date(2026, 12, 30)  # the clock is unchanged
    said = (
        "the report is due to the three bodies by Wed 30 Dec 2026 (Council office closure: not "
        "a working day): send it by Thu 24 Dec 2026, the partnership's last working day"
    )
    assert f"notice drafted, due by Wed 30 Dec 2026; {said}" in _told(closed)
    assert f"CHECK BEFORE APPROVING: {said}" in _asked(closed)
    [draft] = closed.outbox("publication_notice")
    words = " ".join(body_of(draft).split())
    assert "Report sent to you by: Thursday 24 December 2026" in words
    assert "If you have not received it by Thursday 24 December 2026" in words
    assert "30 December" not in words  # a day nobody is in


def test_a_notice_approved_next_day_is_restated_with_the_same_working_day(closed: Bot) -> None:
    _publication_planned(closed, "11/01/2027")
    draft = closed.outbox("publication_notice")[0].id
    closed.at("2026-12-23T10:00").mail(BM, reply(REF), f"Approve {draft}")
    closed.run()  # a day's less notice: written again, and offered again

    asked = _asked(closed)
    assert "its words were no longer true" in asked
    assert "CHECK BEFORE APPROVING: the report is due to the three bodies by Wed 30 Dec" in asked
    [notice] = closed.outbox("publication_notice")
    assert notice.status == "draft"
    assert "Report sent to you by: Thursday 24 December 2026" in " ".join(body_of(notice).split())


def test_a_default_return_date_explains_its_rule_and_the_days_skipped(closed: Bot) -> None:
    closed.at("2026-12-22T10:00").mail(BM, reply(REF), "Agencies: gmp")
    closed.at("2026-12-22T10:05").mail(BM, reply(REF), "Agencies: icb\nReturn by: 05/01/2027")
    closed.run()

    gmp, icb = (
        next(d.explanation for d in closed.case().deadlines if d.name == f"appendix_b:{key}")
        for key in ("gmp", "icb")
    )
    assert gmp.startswith(
        "Due Fri 8 Jan 2027: 7 working days after Appendix B requested from Greater Manchester "
        "Police on Tue 22 Dec 2026, the default return when no Return by: is given"
    )
    assert "Skipped: Fri 25 Dec 2026 Christmas Day" in gmp
    assert "Tue 29 Dec 2026 Council office closure" in gmp and gmp.endswith("and weekends.")
    assert "return date set when the request was made" in icb  # her own date: no rule to give


def test_what_to_check_before_approving_is_wrapped_as_the_letter_is(closed: Bot) -> None:
    closed.at("2026-12-22T10:00").mail(BM, reply(REF), "Delay: records late; expected 25/12/2026")
    closed.run()

    text = body_of(closed.outbox("approval_request")[-1])
    paragraph = "CHECK BEFORE APPROVING:" + text.split("CHECK BEFORE APPROVING:")[1]
    lines = list(takewhile(bool, paragraph.splitlines()))
    # One long line reads as a single run-on line in a plain-text mail reader.
    assert len(lines) > 2 and all(len(line) <= 72 for line in lines), lines
    # The words are all there, a date or a case reference never split across lines.
    assert "expected by Fri 25 Dec 2026 (Christmas Day: not a working day)" in " ".join(lines)
    assert all(not line.endswith("-") for line in lines)
