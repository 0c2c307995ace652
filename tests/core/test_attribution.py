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
)
QUOTE = "Reply with one line:\n  Vote: rapid review\n  Vote: no further action\n"


@pytest.mark.parametrize("line", ATTRIBUTIONS)
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
    "line",
    [
        "Le rapport a \u00e9crit :",  # no date: a sentence of the partner's own
        "Am I right that the panel meets on 7 December?",
        "Op 7 december is de bespreking.",
        "El plan: 7 days",
    ],
)
def test_a_partners_own_line_is_no_attribution(line: str) -> None:
    assert attribution_lines([line, "Vote: rapid review"], 0) == 0
    assert "Vote: rapid review" in new_text(f"{line}\nVote: rapid review")
