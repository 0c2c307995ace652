"""A relay's refusal carries its words into what is recorded, not its code alone: "(450)" does
not tell the Business Manager or IT greylisting from a full mailbox. Against real (aiosmtpd)
relays; the words come on one short line, with no email address and not the recipient's own
mailbox name, which some servers echo."""

from __future__ import annotations

import pytest

from bot.adapters.outgoing import SendError
from bot.adapters.smtp_sender import RecipientsRefusedError, SmtpSender
from bot.core.refusal_words import LONGEST_WORDS
from tests.fixtures.smtp_data import DataRefusing, DataRefusingRelay
from tests.fixtures.smtp_put_off import GREYLISTED, PUT_OFF, putting_off_relay

SENDER = "tscp@example.org"
TO = "sam.sample@example.org"
RAW = (
    f"From: {SENDER}\r\nTo: {PUT_OFF}\r\nSubject: [TSCP-2026-0007] Test\r\n"
    "Message-ID: <w1@example.org>\r\n\r\nHello.\r\n"
).encode()


def _refused(reply: str, recipients: list[str]) -> RecipientsRefusedError:
    with putting_off_relay(reply=reply) as relay:
        sender = SmtpSender(relay.host, relay.port, security="plain")
        with pytest.raises(RecipientsRefusedError) as caught:
            sender.send(RAW, SENDER, recipients)
    return caught.value


def test_a_greylisting_relay_is_recorded_in_its_own_words() -> None:
    refusal = _refused(GREYLISTED, [PUT_OFF])
    assert str(refusal).endswith(
        f": recipient(s) refused: {PUT_OFF} (450 4.7.1 Greylisted, try again later)"
    )
    assert refusal.replies == {PUT_OFF: "450 4.7.1 Greylisted, try again later"}
    assert refusal.refused == {PUT_OFF: 450} and not refusal.permanent


@pytest.mark.parametrize(
    ("reply", "said"),
    [
        (
            f"550 5.1.1 <{PUT_OFF}>: Recipient address rejected: User unknown",
            "550 5.1.1 <address>: Recipient address rejected: User unknown",
        ),
        ("452 4.2.2 dsp.invented: mailbox full", "452 4.2.2 <address>: mailbox full"),
        ("550 5.7.1 Relaying denied for Sam.Sample@Example.org", "550 5.7.1 Relaying denied for "
         "<address>"),
    ],
)  # fmt: skip
def test_no_address_nor_the_recipients_name_is_kept_from_the_servers_words(
    reply: str, said: str
) -> None:
    refusal = _refused(reply, [TO, PUT_OFF])
    assert refusal.replies == {PUT_OFF: said}
    # The refused recipient is named once, where the record says whom; the words name nobody.
    assert str(refusal).endswith(f": recipient(s) refused: {PUT_OFF} ({said})")
    assert str(refusal).count("invented") == 1 and "sam.sample" not in str(refusal).lower()


def test_long_words_are_cut_to_one_short_line() -> None:
    reply = "450 4.7.1 Service unavailable; client host blocked using zen.example.org " * 5
    words = _refused(reply.strip(), [PUT_OFF]).replies[PUT_OFF]
    assert len(words) == LONGEST_WORDS and words.endswith("…") and "\n" not in words
    assert words.startswith("450 4.7.1 Service unavailable; client host blocked")


def test_a_message_refused_whole_says_the_servers_words_without_an_address() -> None:
    handler = DataRefusing(f"554 5.7.1 Message from {SENDER} rejected: content policy")
    with DataRefusingRelay(handler) as relay:
        sender = SmtpSender(relay.host, relay.port, security="plain")
        with pytest.raises(SendError) as caught:
            sender.send(RAW, SENDER, [TO])
    assert str(caught.value).endswith(
        "the server refused the message (554 5.7.1 Message from <address> rejected: content policy)"
    )
    assert caught.value.permanent
