"""A planned publication day gone by with nothing recorded as published is put to the Business
Manager: either the record lacks the day it went up, or the National Panel, the Secretary of
State and Ofsted hold a publication day that is no longer true."""

from __future__ import annotations

from tests.services.test_lifecycle import Bot
from tests.services.test_outside_bodies import digest_text
from tests.services.test_publication_lifecycle import say

PASSED = (
    "The CSPR report for TSCP-2026-0001 was to be published on Thu 1 Jul 2027, and nothing is "
    "recorded as published."
)


def _planned(cspr: Bot) -> Bot:
    say(cspr, "2027-06-01T10:00", "Report sent: 01/06/2027")
    say(cspr, "2027-06-01T11:00", "Publication: 01/07/2027")
    return cspr


def _attention(bot: Bot, when: str) -> str:
    return " ".join(digest_text(bot, when).split("NEEDS YOUR ATTENTION")[1].split())


def test_a_planned_day_gone_by_unpublished_is_put_to_the_business_manager(cspr: Bot) -> None:
    bot = _planned(cspr)
    assert PASSED not in _attention(bot, "2027-07-01T08:05")  # it may go up later that day
    attention = _attention(bot, "2027-07-02T08:05")
    assert f"TSCP-2026-0001 planned publication passed {PASSED}" in attention
    assert "(Publication delayed: <reason>)" in attention


def test_recording_it_published_settles_it(cspr: Bot) -> None:
    bot = _planned(cspr)
    say(bot, "2027-07-02T10:00", "Published: 01/07/2027")
    assert PASSED not in _attention(bot, "2027-07-05T08:05")


def test_telling_the_bodies_of_a_delay_settles_it(cspr: Bot) -> None:
    bot = _planned(cspr)
    say(bot, "2027-07-02T10:00", "Publication delayed: the inquest has been adjourned")
    assert PASSED not in _attention(bot, "2027-07-05T08:05")
