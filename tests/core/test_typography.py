"""Typography read as keyboard characters before rules see the text."""

from __future__ import annotations

import pytest

from bot.core.message import AttachmentInfo, MailMessage
from bot.core.typography import for_matching, plain_text, unaccented, unaccented_at


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        (
            "Serious Incident Notification \u2013 GM SIN form",
            "Serious Incident Notification - GM SIN form",
        ),
        ("SIN \u2014 urgent", "SIN - urgent"),
        ("[TSCP\u20112026\u20110001]", "[TSCP-2026-0001]"),  # non-breaking hyphens from Word
        ("TSCP\u22122026\u22120001", "TSCP-2026-0001"),  # minus sign
        ("child\u2019s school", "child's school"),
        ("\u2018SIN\u2019 form", "'SIN' form"),
        ("\u201cSIN\u201d form", '"SIN" form'),
        ("\u201eSIN\u201c", '"SIN"'),
        ("Serious\u00a0Incident\u202fNotification", "Serious Incident Notification"),
        ("GM\u2009SIN\u3000form", "GM SIN form"),
        ("Notifi\u00adcation", "Notification"),  # soft hyphen
        ("\ufeffSIN\u200b form", "SIN form"),  # byte-order mark, zero-width space
        ("Serious Incident Noti\ufb01cation", "Serious Incident Notification"),  # PDF ligature
        ("Screening \uff06 Notification", "Screening & Notification"),
        ("more to follow\u2026", "more to follow..."),
        ("plain ASCII - 'quotes' \"too\"", "plain ASCII - 'quotes' \"too\""),
        ("", ""),
    ],
)
def test_plain_text(typed: str, plain: str) -> None:
    assert plain_text(typed) == plain


def test_the_message_the_rules_see_is_plain_and_keeps_the_rest() -> None:
    msg = MailMessage(
        message_id="m@x",
        subject="SIN \u2013 J.B.",
        from_addr="a@gmp.police.uk",
        from_name="Dana O\u2019Neill",
        text="child\u2019s\u00a0school",
        attachments=(AttachmentInfo("SIN\u2013form.docx", "application/msword", 3, b"abc"),),
    )
    seen = for_matching(msg)
    assert (seen.subject, seen.from_name, seen.text) == (
        "SIN - J.B.",
        "Dana O'Neill",
        "child's school",
    )
    assert seen.attachments[0].filename == "SIN-form.docx"
    assert seen.attachments[0].payload == b"abc" and seen.from_addr == msg.from_addr


@pytest.mark.parametrize(
    ("typed", "bare"),
    [
        ("Zo\u00eb O\u2019Brien", "Zoe O'Brien"),
        ("\u0141ucja N\u00fa\u00f1ez", "Lucja Nunez"),  # Ł has no accent to strip: its own row
        ("S\u00d8REN \u00c9lodie \u0106wik", "SOREN Elodie Cwik"),  # case kept
        ("Zoe\u0308", "Zoe"),  # the accent typed as a character of its own
        ("Noti\ufb01cation\u00a0form", "Notification form"),
        ("plain", "plain"),
    ],
)
def test_unaccented_reads_a_name_as_a_keyboard_without_accents_types_it(
    typed: str, bare: str
) -> None:
    assert unaccented(typed) == bare


def test_a_span_of_the_unaccented_text_is_the_same_span_of_what_was_typed() -> None:
    typed = "Zoe\u0308 \ufb01ne O\u2019Brien"
    bare, where = unaccented_at(typed)
    assert bare == "Zoe fine O'Brien"
    start = bare.index("O'Brien")
    assert typed[where[start] : where[start + len("O'Brien")]] == "O\u2019Brien"
    # The accent typed after the e belongs to the name: cut with it, not left behind.
    assert typed[where[0] : where[3]] == "Zoe\u0308"
    # The ligature is two letters of the one character.
    assert (where[4], where[5], where[6]) == (5, 5, 6)
