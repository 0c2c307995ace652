"""The attribution above a quoted email, in the languages partners' mail programs write it."""

from __future__ import annotations

import pytest

from bot.core.commands.attribution import attribution_lines
from bot.core.commands.quoting import new_text, text_to_show

ATTRIBUTIONS = (
    "Ar ddydd Llun, 7 Rhag 2026 am 10:00, Jo Example <jo@example.org> ysgrifennodd:",
    "Am Mo., 7. Dez. 2026 um 10:00 Uhr schrieb Jo Example <jo@example.org>:",
    "Le lun. 7 d\u00e9c. 2026 \u00e0 10:00, Jo Example <jo@example.org> a \u00e9crit\u00a0:",
    "El lun, 7 dic 2026 a las 10:00, Jo Example (<jo@example.org>) escribi\u00f3:",
    "Op ma 7 dec. 2026 om 10:00 schreef Jo Example <jo@example.org>:",
    # Apple Mail's
    "Am 07.12.2026 um 10:00 schrieb Jo Example <jo@example.org>:",
    "Op 7 dec. 2026 om 10:00 heeft Jo Example <jo@example.org> het volgende geschreven:",
    # Italian: Gmail's, Apple Mail's, Thunderbird's
    "Il giorno lun 7 dic 2026 alle ore 10:00 Jo Example <jo@example.org> ha scritto:",
    "Il giorno 7 dic 2026, alle ore 10:00, Jo Example <jo@example.org> ha scritto:",
    "Il 07/12/26 10:00, Jo Example ha scritto:",
    # Portuguese: Brazil's Gmail, Apple Mail, Thunderbird; Portugal's Apple Mail
    "Em seg., 7 de dez. de 2026 \u00e0s 10:00, Jo Example <jo@example.org> escreveu:",
    "Em 7 de dez. de 2026, \u00e0(s) 10:00, Jo Example <jo@example.org> escreveu:",
    "Em 07/12/2026 10:00, Jo Example escreveu:",
    "A 07/12/2026, \u00e0s 10:00, Jo Example <jo@example.org> escreveu:",
    # Polish: Gmail's, opening with the weekday
    "pon., 7 gru 2026 o 10:00 Jo Example <jo@example.org> napisa\u0142(a):",
    "\u015br., 9 gru 2026 o 10:00 Jo Example <jo@example.org> napisa\u0142(a):",
)
# Written on one line, never cut by Gmail where the test below cuts: Portugal's Gmail (whose
# own cut is tested further down), Thunderbird's and Apple Mail's, with no date, or the date
# last.
ONE_LINE = (
    "Jo Example <jo@example.org> escreveu no dia segunda, 7/12/2026 \u00e0(s) 10:00:",
    "W dniu 7.12.2026 o 10:00, Jo Example pisze:",
    "Dnia 7.12.2026 o 10:00 Jo Example napisa\u0142:",
    "Wiadomo\u015b\u0107 napisana przez Jo Example <jo@example.org> w dniu 7.12.2026, o godz."
    " 10:00:",
    "Jo Example <jo@example.org> ha scritto:",
    "Jo Example <jo@example.org> escreveu:",
    "Jo Example <jo@example.org> napisa\u0142(a):",
)
QUOTE = "Reply with one line:\n  Vote: rapid review\n  Vote: no further action\n"


@pytest.mark.parametrize("line", ATTRIBUTIONS + ONE_LINE)
def test_an_attribution_in_another_language_starts_the_quote(line: str) -> None:
    assert attribution_lines([line], 0) == 1
    body = f"The chronology is attached.\n\n{line}\n{QUOTE}"
    assert new_text(body) == "The chronology is attached."
    assert "Vote" not in text_to_show(body, answered=[QUOTE])


@pytest.mark.parametrize("line", ATTRIBUTIONS)
def test_an_attribution_gmail_wrapped_over_two_lines_is_read_whole(line: str) -> None:
    # Gmail wraps at about 78 characters, inside the address ("<\njo@example.org>") or before
    # the last word ("a\nécrit :").
    cut = line.index("<") + 1 if "<" in line else len(line) // 2
    lines = [line[:cut], line[cut:]]
    assert attribution_lines(lines, 0) == 2
    body = "Vote: rapid review\n\n" + "\n".join(lines) + "\n" + QUOTE
    assert new_text(body) == "Vote: rapid review"


@pytest.mark.parametrize(
    "lines",
    [
        # Gmail's own cuts, as found in the mail it sends
        ["Il giorno lun 7 dic 2026 alle ore 10:00 Jo Example <jo@example.org> ha", "scritto:"],
        ["Jo Example <jo@example.org> escreveu no dia", "segunda, 7/12/2026 \u00e0(s) 10:00:"],
        ["Em Mon, 07 Dec 2026 10:00:11 +0000", "Jo Example <jo@example.org> escreveu:"],
    ],
)
def test_an_attribution_wrapped_where_its_words_fall_is_read_whole(lines: list[str]) -> None:
    assert attribution_lines(lines, 0) == 2
    body = "Vote: rapid review\n\n" + "\n".join(lines) + "\n" + QUOTE
    assert new_text(body) == "Vote: rapid review"


def test_an_address_line_above_an_attribution_is_the_partners_own() -> None:
    lines = ["Please copy jo@example.org in.", "Em 07/12/2026 10:00, Jo Example escreveu:"]
    assert attribution_lines(lines, 0) == 0
    assert new_text("\n".join([*lines, QUOTE])) == lines[0]


@pytest.mark.parametrize(
    "line",
    [
        "Le rapport a \u00e9crit :",  # no date: a sentence of the partner's own
        "Am I right that the panel meets on 7 December?",
        "Op 7 december is de bespreking.",
        "El plan: 7 days",
        # A date but no time of day: a sentence of the partner's own, in Italian, Portuguese
        # and Polish, whose mail programs all write the time.
        "Il 7 dicembre la scuola ha scritto:",
        "Il giorno 7 la madre ha scritto:",
        "Em 7 de dezembro a escola escreveu:",
        "A m\u00e3e escreveu no dia 7:",
        "A reuni\u00e3o das 14:00 correu bem; a m\u00e3e escreveu:",
        "W dniu 7 grudnia matka pisze:",
        "pt., 7 grudnia szko\u0142a napisa\u0142a:",
        "Wiadomo\u015b\u0107 napisana przez szko\u0142\u0119 w dniu 7 grudnia:",
        # One language's opening with another's "wrote"
        "Le 7 d\u00e9c. 2026 \u00e0 10:00 schrieb Jo Example:",
    ],
)
def test_a_partners_own_line_is_no_attribution(line: str) -> None:
    assert attribution_lines([line, "Vote: rapid review"], 0) == 0
    assert "Vote: rapid review" in new_text(f"{line}\nVote: rapid review")


def test_a_partners_own_dated_line_above_an_attribution_is_not_its_first_half() -> None:
    """ "On 12 Dec 2026, the social worker wrote: ..." is the partner's, not a Gmail wrap of
    the attribution under it, which opens afresh (found by tests/core/test_quoting_properties)."""
    lines = [
        "On 12 Dec 2026, the social worker wrote: concerns remain.",
        "On Wed, 23 Dec 2026 at 09:05, TSCP Bot <tscp@tameside.gov.uk> wrote:",
    ]
    assert attribution_lines(lines, 0) == 0
    assert attribution_lines(lines, 1) == 1
