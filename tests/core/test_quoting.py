"""What of a reply is shown to a person, against what is read for commands."""

from __future__ import annotations

from bot.core.commands.quoting import new_text, text_to_show

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


def test_a_quote_not_marked_with_chevrons_still_ends_what_is_shown() -> None:
    # Below an attribution over plain text, the quoted email cannot be told from the reply.
    body = f"Noted.\n\n{ATTRIBUTION}\n\nThe Screening Panel meets on Friday.\n"
    assert text_to_show(body) == "Noted."
    outlook = "Noted.\n\nFrom: TSCP <tscp@tameside.gov.uk>\nSent: today\n\n> quoted\nMore\n"
    assert text_to_show(outlook) == "Noted."
