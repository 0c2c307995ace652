"""What a person wrote reaches the Business Manager wherever their email puts it: in an HTML
part behind a blank plain one, in the subject alone, in an image attached, or in the body of
a calendar answer.

Mail goes in through the Maildir inbox and the real ingest path; the assertions are on the
alert she is emailed and on the next digest.
"""

from __future__ import annotations

from bot.services.daily_digest import send_digest_if_due
from tests.fixtures.app import ROOT
from tests.fixtures.mail import drop_into_maildir
from tests.services.test_lifecycle import BM, POLICE, Bot, body_of

CORPUS = ROOT / "tests" / "corpus"


def _arrives(bot: Bot, name: str, when: str = "2026-12-16T13:45") -> None:
    drop_into_maildir(bot.tmp_path / "inbox", (CORPUS / name).read_bytes())
    bot.at(when).run()


def _new_on_case(bot: Bot, when: str = "2026-12-17T08:05") -> str:
    bot.at(when)
    assert send_digest_if_due(bot.app)
    text = body_of(bot.outbox("daily_digest")[-1]).replace("\r\n", "\n")
    return text.split("NEW ON YOUR CASES", 1)[1].split("OVERDUE DEADLINES", 1)[0]


def test_news_in_html_behind_a_blank_plain_part_alerts_her(bot: Bot) -> None:
    # Outlook and phone mail apps send a plain part of one empty line beside the HTML the
    # person actually typed in.
    _arrives(bot, "case-reply-blank-plain-part-news-in-html.eml")
    [alert] = bot.outbox("case_reply_alert")
    assert alert.recipients == [BM]
    assert "  | The child died in hospital this morning." in body_of(alert)
    section = _new_on_case(bot)
    assert "      | The child died in hospital this morning." in section
    assert "nothing written" not in section


def test_a_screenshot_attached_with_no_text_is_named_in_the_alert_and_the_digest(bot: Bot) -> None:
    # A small image a person attached (a screenshot of a form, a photo of a handwritten note)
    # is what they sent, not a signature's logo.
    _arrives(bot, "case-reply-screenshot-attached-no-text.eml")
    [alert] = bot.outbox("case_reply_alert")
    assert "  | Attached: Screenshot 2026-12-16 134012.png" in body_of(alert)
    section = _new_on_case(bot)
    assert "      | Attached: Screenshot 2026-12-16 134012.png" in section
    assert "nothing written" not in section


SUBJECT_NEWS = "URGENT child died overnight, call me"


def test_news_typed_only_in_the_subject_alerts_her_with_the_subject(bot: Bot) -> None:
    # No In-Reply-To: the words of the case's own subjects ("Screening Panel") are not news.
    _arrives(bot, "case-reply-news-only-in-subject.eml")
    [alert] = bot.outbox("case_reply_alert")
    assert f"  | Subject: {SUBJECT_NEWS}" in body_of(alert)
    section = _new_on_case(bot)
    assert f"      | Subject: {SUBJECT_NEWS}" in section
    assert "nothing written" not in section


def test_words_added_to_the_subject_of_the_email_answered_are_shown(bot: Bot) -> None:
    [invitation] = bot.outbox("screening_invitation")
    bot.at("2026-12-16T13:45").mail(
        POLICE,
        f"RE: {invitation.subject} - mother arrested",
        "Vote: rapid review",
        headers={"In-Reply-To": f"<{invitation.message_id}>"},
    )
    bot.run()
    [alert] = bot.outbox("case_reply_alert")  # the vote counts all the same
    assert "  | Subject: mother arrested" in body_of(alert)
    assert len(bot.outbox("command_result")) == 1


def test_a_reply_keeping_the_subject_it_answers_says_nothing_by_it(bot: Bot) -> None:
    [invitation] = bot.outbox("screening_invitation")
    bot.at("2026-12-16T13:45").mail(
        POLICE,
        f"RE: {invitation.subject}",
        "Vote: rapid review",
        headers={"In-Reply-To": f"<{invitation.message_id}>"},
    )
    bot.run()
    assert bot.outbox("case_reply_alert") == [] and len(bot.outbox("command_result")) == 1
