"""A mail server's words refusing a recipient or a message, fit to record on the email and show
to the Business Manager and IT (`outbox list`, the digest, the notice of an email not
delivered): the reply code and its text on one short line, with no email address in it and
not the recipient's own mailbox name either, which a server may echo without its domain
("450 4.2.2 jo.bloggs: mailbox full"). "(450)" alone would not say greylisting from a full
mailbox from a relay refusing to relay. Pure."""

from __future__ import annotations

import re

from bot.core.undelivered import ADDRESS_SAID, one_line, without_addresses

# Long enough for an enhanced status code and the server's sentence ("550 5.7.1 Recipient
# address rejected: Access denied. AS(201806281) [DB5EUR03FT012.eop-EUR03.prod.protection
# .outlook.com]"); short enough that several recipients' words fit the email's record.
LONGEST_WORDS = 120


def refusal_words(code: int, text: str, recipient: str = "") -> str:
    """`code` and the server's `text` for people, without addresses or `recipient`'s name."""
    words = without_addresses(text)
    local = recipient.rpartition("@")[0]
    if local and not local.isalpha():
        # A mailbox name like jo.bloggs or jbloggs2, as a whole word; one of letters alone
        # ("busy", "info") is as likely a word of the reply, and the record names the
        # recipient beside these words in any case.
        words = re.sub(
            rf"(?<![\w.+-]){re.escape(local)}(?![\w.+-])", ADDRESS_SAID, words, flags=re.I
        )
    return one_line(f"{code} {words}".strip(), limit=LONGEST_WORDS)


def refused_list(replies: dict[str, str]) -> str:
    """The refused recipients with the server's words after them, those refused in the same
    words together: "a@x.org, b@y.org (450 4.7.1 Greylisted, try again later)"."""
    by_words: dict[str, list[str]] = {}
    for address, words in replies.items():
        by_words.setdefault(words, []).append(address)
    return ", ".join(f"{', '.join(who)} ({words})" for words, who in by_words.items())


def said_for(recipient: str, code: int, reply: str | None) -> str:
    """What to record of `recipient` refused with `code`: the server's `reply` scrubbed as
    refusal_words does, whichever sender recorded it, or the code alone where it said none."""
    text = (reply or "").strip()
    head, _, rest = text.partition(" ")
    return refusal_words(code, rest if head == str(code) else text, recipient)


# How an outbox email's last error records a refusal, written here and read back by
# server_said, so that the two cannot drift apart.
REFUSED_HEAD = "recipient(s) refused: "
MESSAGE_REFUSED = "the server refused the message"
_PUT_OFF_COPY = re.compile(r"^put off by the mail server \((?P<said>.+)\) when email #\d+")
_MESSAGE_WORDS = re.compile(rf"{MESSAGE_REFUSED} \((?P<said>.+)\)$")


def put_off_copy_error(said: str, first_id: int) -> str:
    """The last error of a copy queued for the recipients put off while `first_id` went."""
    went = f"when email #{first_id} went to the others"
    return f"put off by the mail server ({said}) {went}; trying again"


def server_said(error: str | None) -> str | None:
    """The mail server's words in an outbox email's last error, where it recorded a refusal:
    "a@x.org (450 4.7.1 Greylisted, try again later)", a put-off copy's words, a message
    refused whole; None for any other error (a timeout, a login refused)."""
    if not error:
        return None
    _, head, refused = error.partition(REFUSED_HEAD)
    if head:
        return refused
    found = _PUT_OFF_COPY.match(error) or _MESSAGE_WORDS.search(error)
    return found["said"] if found else None
