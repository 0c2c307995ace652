"""The server's words refusing a recipient, as recorded and shown: pure."""

from __future__ import annotations

from bot.core.refusal_words import LONGEST_WORDS, refusal_words, refused_list


def test_the_words_keep_the_code_and_lose_addresses_and_the_recipients_mailbox_name() -> None:
    to = "jo.invented@example.org"
    said = "550 5.1.1 <jo.invented@example.org>: user Jo.Invented unknown; see a@b.org"
    assert refusal_words(550, said[4:], to) == (
        "550 5.1.1 <address>: user <address> unknown; see <address>"
    )
    # A name made of letters alone is as likely a word of the reply: kept.
    assert refusal_words(450, "4.2.1 Mailbox busy", "busy@example.org") == "450 4.2.1 Mailbox busy"
    assert refusal_words(450, "", "jo.invented@example.org") == "450"
    assert refusal_words(554, "5.7.1 no\r\n  thanks") == "554 5.7.1 no thanks"
    assert len(refusal_words(450, "x " * 200)) == LONGEST_WORDS


def test_recipients_refused_in_the_same_words_are_listed_together() -> None:
    replies = {"a@x.org": "450 4.7.1 Greylisted", "b@y.org": "550 5.1.1 No such user",
               "c@z.org": "450 4.7.1 Greylisted"}  # fmt: skip
    assert refused_list(replies) == (
        "a@x.org, c@z.org (450 4.7.1 Greylisted), b@y.org (550 5.1.1 No such user)"
    )
