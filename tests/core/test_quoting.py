"""What of a reply is shown to a person, against what is read for commands."""

from __future__ import annotations

import pytest

from bot.core.commands.quoting import UNCHECKED, new_text, quotes_unmarked, text_to_show

ATTRIBUTION = "On Wed, 16 Dec 2026 at 09:05, TSCP <tscp@tameside.gov.uk> wrote:"


def test_text_below_a_quoted_email_is_shown_but_never_read_for_commands() -> None:
    body = f"{ATTRIBUTION}\n> Vote: rapid review\n\nThe child has died.\nVote: audit\n"
    assert text_to_show(body) == "The child has died.\nVote: audit"
    assert new_text(body) == ""


def test_a_reply_above_between_and_below_the_quote_is_all_shown() -> None:
    wrapped = "On Wed, 16 Dec 2026 at 09:05, Tameside Safeguarding Children Partnership <\n"
    body = (
        f"Top line.\n\n{wrapped}tscp@tameside.gov.uk> wrote:\n> Question one?\n"
        "Answer one.\n> Question two?\nAnswer two.\n\nKind regards\nJo\n"
    )
    assert text_to_show(body).split("\n") == ["Top line.", "", "Answer one.", "Answer two."]
    assert new_text(body) == "Top line."


OUTLOOK_HEADER = (
    "From: Tameside Safeguarding Children Partnership <tscp@tameside.gov.uk>\n"
    "Sent: 16 December 2026 09:05\n"
    "To: DC Morgan Invented <morgan.invented@gmp.police.uk>\n"
    "Subject: [TSCP-2026-0001] Screening Panel\n"
)
# What the bot sent, as it holds it: the quoted email below is this, rewrapped by Outlook.
INVITATION = (
    "Dear Screening Panel members,\n\nYou are invited to the Screening Panel, which will\n"
    "decide whether the case needs a Rapid Review.\n\nStatutory partners: reply with one line:\n"
    "Vote: rapid review, or Vote: no further action.\n\nKind regards\nTSCP\n"
)
QUOTED = (
    "Dear Screening Panel members,\n\n"
    "You are invited to the *Screening Panel*, which will decide whether the case needs a "
    "Rapid Review.\n\nStatutory partners: reply with one line:\nVote: rapid review, or Vote: "
    "no\nfurther action.\n\nKind regards\nTSCP\n"
)


def test_text_below_an_outlook_quote_of_a_known_email_is_shown_without_the_quote() -> None:
    body = f"See below.\n\n{OUTLOOK_HEADER}\n{QUOTED}\nThe child died in hospital last night.\n"
    assert (
        text_to_show(body, [INVITATION]) == "See below.\n\nThe child died in hospital last night."
    )
    assert new_text(body) == "See below."


@pytest.mark.parametrize("signed", ["", "\nKind regards\nMorgan\n"])
def test_the_senders_own_line_opening_with_from_is_not_taken_for_the_quotes_header(
    signed: str,
) -> None:
    """A "From:" of the sender's own above a quoted email a few lines down was read as that
    email's header, and left out of what a person is shown (found probing replies)."""
    mine = "From: the health visitor's notes, the baby had a bruise."
    body = f"Hi,\n\n{mine}\n{signed}\n{OUTLOOK_HEADER}\n{QUOTED}"
    assert mine in text_to_show(body, [INVITATION])
    assert mine in new_text(body)


def test_answers_between_the_lines_of_an_original_message_are_shown_not_obeyed() -> None:
    quoted = QUOTED.replace("Rapid Review.\n", "Rapid Review.\nMum has been arrested.\n")
    body = f"Vote: rapid review\n\n-----Original Message-----\n{OUTLOOK_HEADER}\n{quoted}"
    body += "Vote: no further action\n"
    shown = text_to_show(body, [INVITATION])
    assert shown == "Vote: rapid review\n\nMum has been arrested.\n\nVote: no further action"
    assert new_text(body) == "Vote: rapid review"


def test_answers_below_a_sign_off_and_an_outlook_rule_are_shown() -> None:
    # "Please see my answers below": signed off above the quote, answered inside it.
    body = (
        f"Please see my answers below.\n\nKind regards\nDana Whitlow\nPolice DSP\n\n"
        f"{'_' * 32}\n{OUTLOOK_HEADER}\n{QUOTED}\nChild Deceased\n"
    )
    assert text_to_show(body, [INVITATION]) == "Please see my answers below.\n\nChild Deceased"
    assert new_text(body) == "Please see my answers below."


def test_below_a_quote_the_bot_does_not_hold_everything_is_shown_and_said_to_be_so() -> None:
    body = f"Noted.\n\n{OUTLOOK_HEADER}\n{QUOTED}\nThe child died in hospital last night.\n"
    shown = text_to_show(body).split("\n")
    assert shown[:3] == ["Noted.", "", UNCHECKED]
    assert "Dear Screening Panel members," in shown  # a person sees the quote: better than nothing
    assert shown[-1] == "The child died in hospital last night."
    assert "Sent: 16 December 2026 09:05" not in shown
    assert new_text(body) == "Noted."


def test_a_quote_not_marked_with_chevrons_is_read_on_as_outlooks_is() -> None:
    body = f"Noted.\n\n{ATTRIBUTION}\n\nThe Screening Panel meets on Friday.\nChild now in ICU.\n"
    assert text_to_show(body, ["The Screening Panel meets on Friday."]) == (
        "Noted.\n\nChild now in ICU."
    )
    assert new_text(body) == "Noted."
    outlook = "Noted.\n\nFrom: TSCP <tscp@tameside.gov.uk>\nSent: today\n\n> quoted\nMore\n"
    assert text_to_show(outlook, ["quoted"]) == "Noted.\n\nMore"


def test_a_short_line_is_the_quotes_only_where_the_quote_has_it() -> None:
    # "no further action." is the end of a quoted line Outlook wrapped; "Yes" is not quoted.
    body = f"{OUTLOOK_HEADER}\n{QUOTED}\nYes\nVote\n"
    assert text_to_show(body, [INVITATION]) == "Yes\nVote"


def test_only_a_quote_without_marks_needs_the_answered_email() -> None:
    assert quotes_unmarked("Agreed.\n\nFrom: TSCP <tscp@x>\nSent: 1 Dec\nSubject: S\n\nBody")
    assert quotes_unmarked("Agreed.\n-----Original Message-----\nBody")
    assert not quotes_unmarked("Agreed.\n\n> quoted\n> lines")
    assert not quotes_unmarked("Vote: rapid review\n\nThanks, Health DSP")


BANNER = (
    "CAUTION: This email originated from outside of the organisation. Do not click links or "
    "open attachments unless you recognise the sender and know the content is safe."
)


def test_a_gateways_banner_above_the_reply_is_no_ones_words() -> None:
    # Tameside's gateway writes it above every external email, wrapped as it likes.
    wrapped = BANNER.replace(" Do not", "\nDo not")
    body = f"{wrapped}\n\nVote: rapid review\n\nThanks, Police DSP\n"
    assert text_to_show(body, banners=[BANNER]) == "Vote: rapid review\n\nThanks, Police DSP"
    assert text_to_show(body).startswith("CAUTION: This email originated")  # none configured


def test_a_line_with_any_word_of_the_senders_own_is_shown_beside_a_banner() -> None:
    body = (
        "CAUTION: This email originated from outside of the organisation.\n"
        "Do not click the link in the last email: it was wrong.\n"
        "Caution: the child is back in hospital.\n"
    )
    assert text_to_show(body, banners=[BANNER]).split("\n") == [
        "Do not click the link in the last email: it was wrong.",
        "Caution: the child is back in hospital.",
    ]


def test_a_banner_a_partners_gateway_put_in_the_quote_is_not_shown_as_new() -> None:
    body = (
        f"Noted.\n\n{OUTLOOK_HEADER}\n{BANNER}\n\n{QUOTED}\n"
        "The child died in hospital last night.\n"
    )
    assert text_to_show(body, [INVITATION], [BANNER]) == (
        "Noted.\n\nThe child died in hospital last night."
    )
    assert BANNER in text_to_show(body, [INVITATION])  # what the bot sent had no banner


def test_below_a_quote_the_bot_does_not_hold_a_banner_alone_says_nothing() -> None:
    body = f"Noted.\n\n{ATTRIBUTION}\n\n{BANNER}\n"
    assert text_to_show(body, banners=[BANNER]) == "Noted."
    assert text_to_show(body).split("\n")[2] == UNCHECKED


GREETED_THANKS = [
    ("Hi Jo,\n\nThanks.\n\nVote: rapid review", "Vote: rapid review"),
    ("Hi Jo,\n\nThank you.\n\nThe child died in hospital this morning.", "The child died"),
    ("Hello,\nMany thanks\nWe have a new safeguarding concern about the sibling.", "We have"),
    ("Morning,\nThank you\nAware: 14/12/2026", "Aware: 14/12/2026"),
]


def test_thanks_below_a_greeting_opens_the_reply_and_all_of_it_is_read() -> None:
    for body, written in GREETED_THANKS:
        assert written in new_text(body), body
        assert written in text_to_show(body), body


def test_thanks_below_text_closes_the_reply_only_when_a_signature_or_nothing_follows() -> None:
    signed = "Noted.\n\nThanks\n\nSam Example\nDetective Inspector\nTel: 0161 496 0000\n"
    assert new_text(signed) == text_to_show(signed) == "Noted."
    # After a name, a hospital is the signature's employer, not news.
    employer = "Noted.\n\nThanks\n\nDana Whitlow\nNamed Nurse\nHartley Vale Hospital"
    assert text_to_show(employer) == "Noted."
    assert new_text("Noted.\nThanks") == "Noted."
    more = "Noted.\nMany thanks\nWe have a new safeguarding concern about the sibling."
    assert new_text(more) == text_to_show(more) == more
    assert new_text("Agreed.\n\nThanks\n\nChild Deceased") == "Agreed.\n\nThanks\n\nChild Deceased"


def test_a_postscript_below_the_signature_is_the_senders_again() -> None:
    body = (
        "Noted, I will attend.\n\nKind regards\nDC Morgan Invented\nPublic Protection\n\n"
        "PS the mother was arrested this morning"
    )
    assert text_to_show(body) == "Noted, I will attend.\n\nPS the mother was arrested this morning"
    assert new_text(body) == text_to_show(body)
    vote = "Vote: rapid review\n\nRegards\nDana\n\nP.S. Sibling Now Missing From Home"
    assert text_to_show(vote) == "Vote: rapid review\n\nP.S. Sibling Now Missing From Home"


def test_a_police_sergeant_signing_is_no_postscript_and_a_disclaimer_stays_out() -> None:
    body = (
        "Vote: rapid review\n\nKind regards\nPS 1234 Dana Whitlow\nGreater Manchester Police\n\n"
        "This email and any attachments are confidential.\n"
    )
    assert text_to_show(body) == new_text(body) == "Vote: rapid review"


def test_news_or_a_command_below_a_signature_is_shown_but_never_obeyed() -> None:
    news = "Noted.\n\nKind regards\nDana\n\nForgot to say: mum was arrested this morning."
    assert text_to_show(news) == "Noted.\n\nForgot to say: mum was arrested this morning."
    assert new_text(news) == "Noted."
    command = "Thanks.\n\nVote: NFA\n\nThanks\nJo\nVote: rapid review"
    assert text_to_show(command) == "Thanks.\n\nVote: NFA\n\nVote: rapid review"
    assert new_text(command) == "Thanks.\n\nVote: NFA"


def test_a_line_opening_with_hi_that_says_something_is_text_a_sign_off_can_close() -> None:
    body = "Hi all, chronology attached.\n\nKind regards\nDana\n\nAware: 14/12/2026"
    assert new_text(body) == "Hi all, chronology attached."  # the Aware: line is not obeyed
    assert text_to_show(body) == "Hi all, chronology attached.\n\nAware: 14/12/2026"


EMERGENCY_DUTY = "Out of hours: Emergency Duty Team 0161 496 0999"


@pytest.mark.parametrize(
    "detail",
    [
        EMERGENCY_DUTY,
        "Base: Tameside General Hospital",
        "Out of hours: Emergency Duty Team on 0161 496 0999 (24 hours)",
        "Team: Missing From Home",
    ],
)
def test_a_labelled_detail_below_a_closing_is_the_signatures(detail: str) -> None:
    body = f"Vote: rapid review\n\nKind regards\nDana\nNamed Nurse\n{detail}\n"
    assert text_to_show(body) == new_text(body) == "Vote: rapid review"


def test_a_labelled_detail_lets_thanks_close_the_reply() -> None:
    body = f"Noted.\n\nThanks\n\nDana Whitlow\nNamed Nurse\n{EMERGENCY_DUTY}"
    assert text_to_show(body) == new_text(body) == "Noted."


@pytest.mark.parametrize(
    "written",
    [
        "Update: Mother Arrested",
        "Forgot to say: mum was arrested this morning",
        "Hospital: Child Admitted Overnight",
        "Date of death: 14/12/2026",
        "Vote: rapid review",
    ],
)
def test_news_or_a_command_with_a_colon_below_a_signature_is_still_shown(written: str) -> None:
    body = f"Noted.\n\nKind regards\nDana\n{EMERGENCY_DUTY}\n{written}"
    assert text_to_show(body) == f"Noted.\n\n{written}"
    assert new_text(body) == "Noted."
