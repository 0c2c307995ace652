"""Properties of reading an email's commands (bot.core.commands.parser): whatever a person
writes, each line is a command, an error that quotes it, or prose; reading never fails, and
no command carries a day its line does not give."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from hypothesis import example, given
from hypothesis import strategies as st

from bot.core.commands.keywords import KEYWORDS
from bot.core.commands.parser import parse_commands
from tests.fixtures.written_dates import WRITTEN, WRITTEN_SHORT

TODAY = date(2026, 12, 23)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
_WAYS = {**WRITTEN, **WRITTEN_SHORT}

values = st.one_of(
    st.text(max_size=30),
    st.builds(lambda d, way: _WAYS[way](d), days, st.sampled_from(sorted(_WAYS))),
    st.sampled_from(
        [
            "", "yes", "no", "rapid review", "local review", "no further action", "police",
            "health, police", "today", "yesterday", "not required - no notice needed",
            "24/12/2026 because the form was late", "the reason; expected 29/01/2027",
            "14:00", "10:30 on 24/12/2026", "#3", "12", "agree", "disagree: late",
        ]
    ),
)  # fmt: skip
lines = st.one_of(
    st.text(max_size=50),
    st.builds(
        lambda kw, sep, value: f"{kw}{sep}{value}",
        st.sampled_from(sorted(KEYWORDS)).map(str.title),
        st.sampled_from([": ", ":", " - ", "=", " ", ""]),
        values,
    ),
)


@given(st.lists(lines, max_size=6))
@example(["Notified: the 1st of December 2026"])
@example(["Aware: 22/12/2026 because", "Delay: reason", "Expected:"])
def test_any_email_reads_as_commands_errors_and_prose(body_lines: list[str]) -> None:
    body = "\n".join(body_lines)
    parsed = parse_commands(body, today=TODAY)
    for error in parsed.errors:
        assert error.message.startswith(f'Could not read "{error.line}"'), error
        assert " ".join(error.line.split()) in " ".join(body.split()), error
    for command in parsed.commands:
        for day in _days_of(command):
            assert _gives(" ".join(body.split()), day), (command, day)


def _days_of(command: object) -> list[date]:
    return [
        value
        for f in dataclasses.fields(command)  # type: ignore[arg-type]
        if isinstance(value := getattr(command, f.name), date)
    ]


def _gives(text: str, day: date) -> bool:
    """Whether `text` names `day`: its year, in full or its last two digits, or "today" or
    "yesterday" for those days."""
    words = {TODAY: "today", TODAY - timedelta(days=1): "yesterday"}
    if day in words and words[day] in text.lower():
        return True
    return str(day.year) in text or f"{day.year % 100:02}" in text
