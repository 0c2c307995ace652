"""Properties of reading a date as written in an email (bot.core.dates.parse_uk_date), over
every day from 1950 to 2099 and every way the module says it reads one: each form gives back
the day it names, a weekday that does not match is refused, and any other text is one
DateError (a clear line for the sender), never another exception and never a guess."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import example, given
from hypothesis import strategies as st

from bot.core.dates import MONTH_NAMES, DateError, parse_uk_date, weekday_name
from tests.fixtures.written_dates import WRITTEN, WRITTEN_SHORT

TODAY = date(2026, 11, 19)
days = st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 31))


@given(days, st.sampled_from(sorted(WRITTEN)))
@example(date(2028, 2, 29), "d Month yyyy")
@example(date(2026, 12, 31), "dd/mm/yyyy")
def test_every_form_gives_back_the_day_it_names(day: date, form: str) -> None:
    assert parse_uk_date(WRITTEN[form](day), today=TODAY) == day


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_a_two_digit_year_is_this_century(day: date) -> None:
    for form, write in WRITTEN_SHORT.items():
        assert parse_uk_date(write(day), today=TODAY) == day, form


@given(days, st.integers(min_value=1, max_value=6))
def test_a_weekday_that_does_not_match_the_day_is_refused(day: date, off: int) -> None:
    wrong = weekday_name((day.weekday() + off) % 7)
    text = f"{wrong} {day.day} {MONTH_NAMES[day.month - 1]} {day.year}"
    try:
        parse_uk_date(text, today=TODAY)
    except DateError as exc:
        assert "does not add up" in str(exc)
    else:
        raise AssertionError(f"{text!r} was read as a day")


@given(days)
def test_a_numeric_date_is_read_day_first_or_refused(day: date) -> None:
    """Written month first (as in the United States), a date is either the other day, read
    day first, or refused as not a real date: it never silently becomes the day meant."""
    text = f"{day.month}/{day.day}/{day.year}"
    try:
        read = parse_uk_date(text, today=TODAY)
    except DateError:
        assert day.day > 12
    else:
        assert read == date(day.year, day.day, day.month)


_PIECES = st.sampled_from(
    [
        "12", "1", "31", "2026", "26", "0", "00", "99", "/", "-", ".", " ", ",", "th", "of",
        "the", "Nov", "November", "May", "Thu", "Thursday", "Sept", "today", "yesterday",
        "\u00a0", "\u2013", "\u0661\u0662", "\uff11", "K", "\u017f", "29", "02", "Feb",
    ]
)  # fmt: skip


@given(st.one_of(st.text(max_size=40), st.lists(_PIECES, max_size=8).map("".join)))
@example("0/0/0000")
@example("31/12/9999")
@example("99/99/99")
def test_any_text_is_a_day_or_one_clear_refusal(text: str) -> None:
    """Whatever a sender writes after a command's colon: a day, or a DateError whose words
    say what to do; never another exception, which would stop the message's processing."""
    try:
        read = parse_uk_date(text, today=TODAY)
    except DateError as exc:
        assert str(exc)
    else:
        # Read from the text, never made up: a year (or its last two digits) the text gives,
        # unless it said "today" or "yesterday".
        said = " ".join(text.split()).strip(" .,;!").lower()
        if said not in ("today", "yesterday"):
            assert str(read.year) in _ascii_digits(text) or f"{read.year % 100:02}" in (
                _ascii_digits(text)
            ), (text, read)
        else:
            assert read in (TODAY, TODAY - timedelta(days=1))


def _ascii_digits(text: str) -> str:
    """The text with every decimal digit written as 0-9 (int() reads any script's digits)."""
    return "".join(str(int(ch)) if ch.isdecimal() else ch for ch in text)
