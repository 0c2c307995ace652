"""A fresh complaint from someone whose complaint is still open may be a new complaint, owed
its own written response within 20 working days of its arrival: the Business Manager is asked,
with the day it would be due and the command that opens it. A reply on the complaint's thread
is more of the same, and is not asked about.

Time: the first complaint arrives on Tuesday 1 December 2026 (its response due Thursday 31
December); the second, a fresh email, on Tuesday 8 December. Twenty working days from then,
Christmas Day, the Boxing Day substitute (28 December) and New Year's Day skipped, is Friday 8
January 2027.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.adapters.db.models import Case, StoredMessage
from bot.core.triage_new_case import AlreadyOpened
from bot.services.triage_new_complaint import Opened, open_new_complaint
from tests.fixtures.app import AppFactory
from tests.services.test_complaint_intake import COMPLAINT, PUBLIC, digest, triage_section
from tests.services.test_lifecycle import Bot

SECOND = "I also wish to make a formal complaint about the partnership's review decision."
WOULD_BE_DUE = "if it is, its written response is due Fri 8 Jan 2027"
NAMED = "I wish to make a formal complaint about the partnership's review decision."
ARRIVAL = "20 working days from its arrival on Tue 8 Dec 2026"


@pytest.fixture
def bot(make_app: AppFactory, tmp_path: Path) -> Bot:
    return Bot(make_app, tmp_path, "2026-12-01T10:00")


def attention(text: str) -> str:
    return text.split("NEEDS YOUR ATTENTION", 1)[1].split("AWAITING YOUR APPROVAL", 1)[0]


def flat(text: str) -> str:
    return " ".join(text.split())


def _first_then_fresh(bot: Bot) -> int:
    """The first complaint, then a fresh email from the same address: the second's number."""
    bot.mail(PUBLIC, "Complaint", COMPLAINT, auth=False)
    bot.run()
    bot.at("2026-12-08T10:00").mail(PUBLIC, "Another complaint", SECOND, auth=False)
    bot.run()
    with bot.app.sessions() as s:
        return s.scalar(select(func.max(StoredMessage.id))) or 0


def test_a_fresh_complaint_while_one_is_open_is_flagged_with_its_would_be_due_day(
    bot: Bot,
) -> None:
    n = _first_then_fresh(bot)
    text = digest(bot, "2026-12-09T08:05")
    flags = flat(attention(text))
    assert "TSCP-2026-0001" in flags and "may be a new complaint" in flags
    assert WOULD_BE_DUE in flags and ARRIVAL in flags
    assert f"tscp-bot triage new-case {n}" in flags and f"tscp-bot triage done {n}" in flags
    # On the triage list too, so that both commands act on it; still filed on the complaint,
    # shown under New on your cases, and nothing said to the complainant.
    assert f"tscp-bot triage new-case {n}" in flat(triage_section(text))
    assert "partnership's review decision" in text.split("NEW ON YOUR CASES", 1)[1]
    assert len(bot.outbox("complaint_acknowledgement")) == 1


def test_opened_as_its_own_complaint_it_counts_from_its_arrival_and_the_flag_goes(
    bot: Bot,
) -> None:
    n = _first_then_fresh(bot)
    bot.at("2026-12-15T10:00")  # she decides a week later: the clock is not moved to today
    done = open_new_complaint(bot.app, n, "terminal:bm")
    assert isinstance(done, Opened)
    assert (done.ref, str(done.due), done.acknowledged) == ("TSCP-2026-0002", "2027-01-08", True)
    new = bot.case("TSCP-2026-0002")
    assert new.kind == "complaint" and str(new.sin_received_on) == "2026-12-08"
    acks = bot.outbox("complaint_acknowledgement")
    assert len(acks) == 2 and acks[1].recipients == [PUBLIC]
    text = digest(bot, "2026-12-16T08:05")
    assert "may be a new complaint" not in text
    again = AlreadyOpened(f"message #{n} already opened TSCP-2026-0002: nothing more done")
    assert open_new_complaint(bot.app, n, "terminal:bm") == again
    with bot.app.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 2


def test_a_reply_on_the_complaints_thread_is_not_asked_about(bot: Bot) -> None:
    bot.mail(PUBLIC, "Complaint", COMPLAINT, auth=False)
    bot.run()
    [ack] = bot.outbox("complaint_acknowledgement")
    threaded = {"In-Reply-To": f"<{ack.message_id}>", "References": f"<{ack.message_id}>"}
    bot.at("2026-12-08T10:00").mail(
        PUBLIC, "Re: my complaint", SECOND, auth=False, headers=threaded
    )
    bot.run()
    text = digest(bot, "2026-12-09T08:05")
    assert "may be a new complaint" not in text
    assert "partnership's review decision" in text.split("NEW ON YOUR CASES", 1)[1]


def test_a_complaint_naming_a_reference_we_do_not_hold_says_so_and_starts_no_clock(
    bot: Bot,
) -> None:
    """ "Complaint about TSCP-2026-0099", no such case, from someone whose complaint is open:
    she is told the reference is not one the bot holds, with the open complaint as a possible
    home, the would-be due day and the two commands; no record opened, no clock run."""
    bot.mail(PUBLIC, "Complaint", COMPLAINT, auth=False)
    bot.run()
    bot.at("2026-12-08T10:00").mail(PUBLIC, "Complaint about TSCP-2026-0099", NAMED, auth=False)
    bot.run()
    with bot.app.sessions() as s:
        n = s.scalar(select(func.max(StoredMessage.id))) or 0
        assert s.scalar(select(func.count()).select_from(Case)) == 1
    text = digest(bot, "2026-12-09T08:05")
    flags, waiting = flat(attention(text)), flat(triage_section(text))
    for said in (flags, waiting):
        assert f"message #{n} refers to TSCP-2026-0099, which is not a known case" in said
        assert "from the complainant of TSCP-2026-0001, which is open" in said
        assert WOULD_BE_DUE in said and ARRIVAL in said
        assert f"tscp-bot triage new-case {n}" in said and f"tscp-bot triage done {n}" in said
    assert len(bot.outbox("complaint_acknowledgement")) == 1
    assert isinstance(open_new_complaint(bot.app, n, "terminal:bm"), Opened)
