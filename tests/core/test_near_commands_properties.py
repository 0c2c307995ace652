"""Properties of answering a command mistyped (bot.core.near_commands) over every command's
keywords and every one-letter slip in them (a letter dropped, added, changed, or two swapped):
a slip in a command's word, with a value that command reads, is always answered with that
command among the nearest, so nobody is left believing a mistyped line was recorded."""

from __future__ import annotations

import string
from datetime import date

from hypothesis import assume, given
from hypothesis import strategies as st

from bot.core.commands.keywords import KEYWORDS, reads_value, takes_free_text
from bot.core.near_commands import SHORTEST, command_like

TODAY = date(2026, 12, 17)
# A value of each shape the commands read; each keyword is tried with those it reads.
VALUES = (
    "16/12/2026", "rapid review", "yes", "no", "yes 15/12/2026", "12", "gmp, icb",
    "no further action", "agree", "10:00 18/12/2026", "the family asked for more time",
    "Sam Invented", "TSCP-2026-0001", "22/01/2027 agreed with the complainant on 16/12/2026",
    "22/06/2027 agreed with the National Panel on 16/12/2026", "1",
)  # fmt: skip
WORDS = tuple(k for k in KEYWORDS if len(k.replace(" ", "")) >= SHORTEST)
LETTERS = string.ascii_lowercase


@st.composite
def slips(draw: st.DrawFn, keyword: str) -> str:
    """`keyword` with one slip a person makes typing it, in a letter of its words."""
    places = [i for i, ch in enumerate(keyword) if ch != " "]
    at = draw(st.sampled_from(places))
    how = draw(st.sampled_from(["drop", "add", "change", "swap"]))
    letter = draw(st.sampled_from(LETTERS))
    if how == "drop":
        return keyword[:at] + keyword[at + 1 :]
    if how == "add":
        return keyword[:at] + letter + keyword[at:]
    if how == "change":
        return keyword[:at] + letter + keyword[at + 1 :]
    assume(at + 1 < len(keyword) and keyword[at + 1] != " ")
    return keyword[:at] + keyword[at + 1] + keyword[at] + keyword[at + 2 :]


@st.composite
def mistyped_lines(draw: st.DrawFn) -> tuple[str, str, str]:
    keyword = draw(st.sampled_from(WORDS))
    label = draw(slips(keyword))
    values = [v for v in VALUES if reads_value(keyword, v, TODAY)]
    assume(values)
    said = " ".join(label.split())
    assume(said not in KEYWORDS and len(said.replace(" ", "")) >= SHORTEST)
    # A free-text command's word with letters added at its end is a word of its own
    # ("Closed", "Actions"): by the rule, never taken for the command.
    assume(not (takes_free_text(keyword) and said.startswith(keyword)))
    case = draw(st.sampled_from([str.lower, str.title, str.upper, str.capitalize]))
    return keyword, case(label), draw(st.sampled_from(values))


@given(mistyped_lines(), st.sampled_from([":", " :", " -", " =", " \u2013"]))
def test_a_slip_in_a_command_s_word_is_answered_with_that_command(
    line: tuple[str, str, str], sep: str
) -> None:
    keyword, label, value = line
    found = command_like(f"{label}{sep} {value}", TODAY)
    assert found, f"{label}{sep} {value}"
    assert any(KEYWORDS[keyword] in near.commands for near in found)
