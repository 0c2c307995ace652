"""Properties of reading an email's commands (bot.core.commands.parser): whatever a person
writes, each line is a command, an error that quotes it, or prose; reading never fails, and
no command carries a day its line does not give."""

from __future__ import annotations

import dataclasses
from datetime import date, time, timedelta

from hypothesis import assume, example, given
from hypothesis import strategies as st

from bot.core.commands.keywords import KEYWORDS
from bot.core.commands.model import Reschedule
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


# The lines mail programs put above the email a reply quotes.
QUOTE_HEADERS = [
    "From: TSCP Bot <tscp@tameside.gov.uk>\nSent: 23 December 2026 09:05\nTo: Casey Invented"
    "\nSubject: [TSCP-2026-0001] Screening Panel",
    "-----Original Message-----\nFrom: TSCP Bot <tscp@tameside.gov.uk>\nSent: Wednesday, "
    "December 23, 2026 9:05 AM\nSubject: [TSCP-2026-0001] Screening Panel",
    "On Wed, 23 Dec 2026 at 09:05, TSCP Bot <tscp@tameside.gov.uk> wrote:",
    "On 23 Dec 2026, at 09:05, TSCP Bot <tscp@tameside.gov.uk> wrote:",
    "________________________________\nFrom: TSCP Bot <tscp@tameside.gov.uk>\nSent: 23 "
    "December 2026 09:05",
]
# Commands the bot's own emails show as examples, and an earlier reply may have given.
QUOTED_COMMANDS = [
    "Vote: no further action", "Notified: 01/12/2026", "Aware: 20/12/2026",
    "Close: duplicate", "Decision: local review", "CSPR: no", "Withdraw request: police",
]  # fmt: skip
prose = st.sampled_from(
    ["Thanks for this.", "See you at the meeting.", "", "Kind regards", "Casey", "Police DSP"]
)


@given(
    st.sampled_from(["Vote: rapid review", "Notified: 22/12/2026", ""]),
    st.lists(prose, max_size=4),
    st.sampled_from(QUOTE_HEADERS),
    st.lists(st.sampled_from(QUOTED_COMMANDS), min_size=1, max_size=3),
    st.booleans(),
)
def test_a_command_in_the_quoted_email_is_never_obeyed(
    command: str, below: list[str], header: str, quoted: list[str], marked: bool
) -> None:
    mark = "> " if marked else ""
    old = "\n".join(f"{mark}{line}" for line in ["Please reply with one line:", *quoted])
    body = "\n".join([command, *below, "", header, "", old])
    parsed = parse_commands(body, today=TODAY)
    lines = [getattr(c, "line", "") for c in parsed.commands]
    assert lines == ([command] if command else []), body
    assert not parsed.errors, body


def _h12(at: time) -> str:
    minutes = f".{at.minute:02}" if at.minute else ""
    return f"{(at.hour - 1) % 12 + 1}{minutes}{'am' if at.hour < 12 else 'pm'}"


@given(
    st.dates(min_value=date(2026, 1, 1), max_value=date(2099, 12, 31)),
    st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    st.sampled_from(sorted(_WAYS)),
    st.sampled_from(["{d} {t:%H:%M}", "{d} at {t:%H.%M}", "{d}, {h12}", "{d} at {h12}"]),
)
def test_a_meeting_moved_is_the_day_and_time_written(
    day: date, at: time, way: str, layout: str
) -> None:
    line = "Reschedule: " + layout.format(d=_WAYS[way](day), t=at, h12=_h12(at))
    parsed = parse_commands(line, today=TODAY)
    assert not parsed.errors, (line, parsed.errors)
    [moved] = parsed.commands
    assert isinstance(moved, Reschedule) and (moved.on, moved.at) == (day, at), line


READ_VALUES = (
    "16/12/2026", "rapid review", "yes", "no", "yes 15/12/2026", "12", "gmp, icb",
    "no further action", "the family asked for more time", "Sam Invented", "1",
    "10:00 18/12/2026", "22/01/2027 agreed with the complainant on 16/12/2026",
)  # fmt: skip


@given(
    st.sampled_from(sorted(KEYWORDS)),
    st.sampled_from(READ_VALUES),
    st.sampled_from([str.lower, str.title, str.upper, str.capitalize]),
    st.sampled_from([":", " :", " - ", "=", " \u2013 ", " \u2014 ", ":  ", " -"]),
    st.sampled_from(["", "- ", "* ", "\u2022 ", "1. ", "  "]),
)
def test_a_command_is_read_the_same_whatever_its_case_separator_or_bullet(
    keyword: str, value: str, case: object, sep: str, bullet: str
) -> None:
    plain = parse_commands(f"{keyword}: {value}", today=TODAY)
    assume(len(plain.commands) == 1 and not plain.errors)
    written = f"{bullet}{case(keyword)}{sep} {value}"  # type: ignore[operator]
    found = parse_commands(written, today=TODAY)
    assert not found.errors, written
    assert [_unlined(c) for c in found.commands] == [_unlined(c) for c in plain.commands]


def _unlined(command: object) -> object:
    """The command without the line it was written on, which each way of writing changes."""
    return dataclasses.replace(command, line="")  # type: ignore[type-var]
