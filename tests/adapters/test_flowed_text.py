"""format=flowed text (RFC 3676) is read as its sender typed it, by bot.adapters.parsing."""

from __future__ import annotations

from bot.adapters.flowed_text import unflowed
from bot.adapters.parsing import parse_message

HEAD = b"From: Dana Invented <dana@example.org>\nTo: tscp@tameside.gov.uk\nSubject: Re: x\n"


def test_soft_breaks_are_undone_and_hard_ones_kept() -> None:
    text = "Reviewer: Sam Example, Independent \nReviewer\nVote: rapid review\n"
    assert unflowed(text, delsp=False) == "Reviewer: Sam Example, Independent Reviewer\n" + (
        "Vote: rapid review\n"
    )


def test_with_delsp_the_space_of_a_soft_break_is_none_of_the_text() -> None:
    assert unflowed("Vote: rapid re \nview\nNext  \nline\n", delsp=True) == (
        "Vote: rapid review\nNext line\n"
    )


def test_quote_depth_stuffing_and_the_signature_separator_are_kept() -> None:
    text = " >not a quote, stuffed\n-- \nDana\n> a quoted \n> line\n>> deeper \n> shallower\n"
    assert unflowed(text, delsp=False) == (
        ">not a quote, stuffed\n-- \nDana\n> a quoted line\n>> deeper \n> shallower\n"
    )


def test_a_flowed_plain_part_beside_html_and_beside_an_attached_email_is_unwrapped() -> None:
    alternative = HEAD + (
        b'Content-Type: multipart/alternative; boundary="b"\n\n--b\n'
        b"Content-Type: text/plain; charset=utf-8; format=flowed\n\n"
        b"Vote: local learning \nreview\n--b\nContent-Type: text/html\n\n<p>x</p>\n--b--\n"
    )
    assert parse_message(alternative).text.strip() == "Vote: local learning review"
    attached = HEAD + (
        b'Content-Type: multipart/mixed; boundary="m"\n\n--m\n'
        b"Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes\n\n"
        b"Vote: rapid re \nview\n--m\nContent-Type: message/rfc822\n\n"
        b"From: a@example.org\nSubject: old\n\nVote: no further action\n--m--\n"
    )
    message = parse_message(attached)
    assert message.own_text is not None
    assert message.own_text.strip() == "Vote: rapid review"
    assert message.text.startswith("Vote: rapid review")


def test_text_not_flowed_is_left_as_sent() -> None:
    raw = HEAD + b"Content-Type: text/plain; charset=utf-8\n\nVote: local learning \nreview\n"
    assert parse_message(raw).text == "Vote: local learning \nreview\n"
