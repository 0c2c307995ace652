"""The server's words refusing a recipient, as recorded and shown: pure."""

from __future__ import annotations

import pytest

from bot.core.refusal_words import (
    LONGEST_WORDS,
    MESSAGE_REFUSED,
    REFUSED_HEAD,
    put_off_copy_error,
    refusal_words,
    refused_list,
    said_for,
    server_said,
)


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


def test_a_reply_already_recorded_is_scrubbed_again_to_the_same_words() -> None:
    to = "jo.invented@example.org"
    assert said_for(to, 450, "450 4.7.1 Greylisted, try again later") == (
        "450 4.7.1 Greylisted, try again later"
    )
    # A sender that recorded the server's words unscrubbed: no address, nor the mailbox name.
    assert said_for(to, 452, "452 4.2.2 jo.invented: mailbox full <jo.invented@example.org>") == (
        "452 4.2.2 <address>: mailbox full <address>"
    )
    assert said_for(to, 450, None) == said_for(to, 450, "") == "450"


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (
            f"SMTP relay.example.org:25: {REFUSED_HEAD}a@x.org (450 4.7.1 Greylisted), b@y.org "
            "(550 5.1.1 No such user)",
            "a@x.org (450 4.7.1 Greylisted), b@y.org (550 5.1.1 No such user)",
        ),
        (put_off_copy_error("450 4.7.1 Greylisted (see x)", 12), "450 4.7.1 Greylisted (see x)"),
        (
            f"SMTP relay.example.org:25: {MESSAGE_REFUSED} (451 4.3.0 Try later)",
            "451 4.3.0 Try later",
        ),
        ("SMTP relay.example.org:25: timed out", None),
        (None, None),
    ],
)
def test_the_servers_words_are_read_back_from_an_emails_last_error(
    error: str | None, said: str | None
) -> None:
    assert server_said(error) == said
