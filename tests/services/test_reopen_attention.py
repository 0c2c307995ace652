"""`Reopen: <reason>` brings back under "Needs your attention" every item raised before it that
is still not put right, and its reply counts and names them; what the closing truly settled
(its own items, the calendar of the meeting it called off) stays gone.

Through the Maildir inbox and the real ingest path, on SQLite and PostgreSQL. The complaint
arrives on Tue 1 Dec 2026, a fresh one from the same person on Tue 8 Dec (flagged as maybe a
new complaint and put on the triage list); the complaint is closed on Wed 9 Dec with that
question unanswered, and reopened on Thu 10 Dec. The review case (the `bot` fixture of
tests/services/test_reopen.py) arrived on Wed 16 Dec 2026.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.services.daily_digest import send_digest_if_due
from tests.fixtures.app import AppFactory
from tests.services.test_complaint_again import SECOND, attention, flat
from tests.services.test_complaint_intake import COMPLAINT, PUBLIC
from tests.services.test_lifecycle import BM, SCRUTINEER, Bot, body_of, reply
from tests.services.test_notice_owed_when_closed import last_reply
from tests.services.test_notification_owed import REF, decided_no_further_action, unwrap

ON_COMPLAINT = "RE: [TSCP-2026-0001] Your complaint"
TWO_ITEMS = (
    "2 items raised before it closed still need your attention (listed again under Needs your "
    "attention in the digest)"
)
ONE_ITEM = (
    "1 item raised before it closed still needs your attention (listed again under Needs your "
    "attention in the digest)"
)


@pytest.fixture
def complaint(make_app: AppFactory, tmp_path: Path) -> Bot:
    return Bot(make_app, tmp_path, "2026-12-01T10:00")


def digest_attention(bot: Bot, when: str) -> str:
    bot.at(when)
    assert send_digest_if_due(bot.app)
    return flat(attention(body_of(bot.outbox("daily_digest")[-1])))


def test_a_question_still_on_the_triage_list_is_back_after_reopen_and_the_reply_says_so(
    complaint: Bot,
) -> None:
    complaint.mail(PUBLIC, "Complaint", COMPLAINT, auth=False)
    complaint.run()
    complaint.at("2026-12-08T10:00").mail(PUBLIC, "Another complaint", SECOND, auth=False)
    complaint.run()
    complaint.at("2026-12-09T10:00").mail(BM, ON_COMPLAINT, "Close: dealt with by telephone")
    complaint.run()
    assert complaint.case().status == "closed"
    assert "may be a new complaint" not in digest_attention(complaint, "2026-12-10T08:05")

    complaint.at("2026-12-10T10:00").mail(BM, ON_COMPLAINT, "Reopen: closed by mistake")
    complaint.run()
    said = flat(last_reply(complaint))
    assert f"{ONE_ITEM}: complaint maybe new: " in said
    assert "message #2, a fresh email from the complainant while TSCP-2026-0001 is open" in said
    flags = digest_attention(complaint, "2026-12-11T08:05")
    assert "complaint maybe new" in flags and "tscp-bot triage new-case 2" in flags
    # The closing's own item is settled by the reopening: the reply names the clocks afresh.
    assert "closed with clocks open" not in flags


def test_the_scrutineers_disagreement_is_back_after_reopen_with_the_forms_gaps(
    bot: Bot,
) -> None:
    decided_no_further_action(bot)
    bot.at("2026-12-17T11:00").mail(
        SCRUTINEER, reply(REF), "Disagree: the school's concerns were not considered"
    )
    bot.at("2026-12-17T12:00").mail(
        BM, reply(REF), "Notifiable: no because not serious after all\nClose: NFA"
    )
    bot.run()
    assert bot.case().status == "closed"
    bot.at("2026-12-18T10:00").mail(BM, reply(REF), "Reopen: the Scrutineer's point stands")
    bot.run()
    said = flat(unwrap(last_reply(bot)))
    # The SIN form's missing facts, read from the case, are back in the digest too: counted.
    assert f"{TWO_ITEMS}: scrutineer disagrees: The Independent Scrutineer disagrees" in said
    assert "; form gaps: missing: name of referrer" in said
    flags = digest_attention(bot, "2026-12-21T08:05")
    assert "scrutineer disagrees" in flags and "school's concerns were not considered" in flags


def test_a_reopened_complaint_with_nothing_left_says_nothing_of_items(complaint: Bot) -> None:
    complaint.mail(PUBLIC, "Complaint", COMPLAINT, auth=False)
    complaint.run()
    complaint.at("2026-12-09T10:00").mail(BM, ON_COMPLAINT, "Close: dealt with by telephone")
    complaint.run()
    complaint.at("2026-12-10T10:00").mail(BM, ON_COMPLAINT, "Reopen: closed by mistake")
    complaint.run()
    said = flat(last_reply(complaint))
    assert "case reopened at stage complaint" in said and "still need" not in said
