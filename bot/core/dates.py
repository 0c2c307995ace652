"""Reading dates as people in England write them in emails: day first, never guessed.

Pure string handling. "today" and "yesterday" are read against a date the caller supplies;
this module never looks at the clock.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

_MONTHS: dict[str, int] = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}

_WEEKDAYS: dict[str, int] = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tues": 1,
    "tue": 1,
    "wednesday": 2,
    "weds": 2,
    "wed": 2,
    "thursday": 3,
    "thurs": 3,
    "thur": 3,
    "thu": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}

# Every way of writing a day of the week that dates are read with, longest first for patterns.
WEEKDAY_WORDS = tuple(sorted(_WEEKDAYS, key=len, reverse=True))
# ... and of a month.
MONTH_WORDS = tuple(sorted(_MONTHS, key=len, reverse=True))
# A day with its month, however a line may begin one ("17/12", "17th Dec", "17 of December"):
# for telling a date someone tried to write from words, not for reading it.
DAY_AND_MONTH = (
    r"\b\d{1,2}(?:st|nd|rd|th)?\s*[/.\-]\s*\d{1,2}"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{'|'.join(MONTH_WORDS)})\b"
)

_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def fmt_date(d: date) -> str:
    """The one way the bot writes a date for people, locale-independent: "Tue 29 Dec 2026", as
    the digest does. A numeric date (11/01/2027) is read as 1 November by some readers."""
    return f"{_WEEKDAY_NAMES[d.weekday()][:3]} {d.day} {MONTH_NAMES[d.month - 1][:3]} {d.year}"


def fmt_at(at: datetime) -> str:
    """A moment, already in local time, as the bot writes it: "Thu 24 Dec 2026 10:00"."""
    return f"{fmt_date(at.date())} {at:%H:%M}"


_HINT = "write it like 12/11/2026 or 12 November 2026"

# 12/11/2026, 12-11-2026, 12.11.26: day first, the same separator twice.
_NUMERIC = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})")
# 2026-11-12 (ISO), also 2026/11/12.
_YEAR_FIRST = re.compile(r"(\d{4})([/.\-])(\d{1,2})\2(\d{1,2})")
# "the" is never the weekday: "the 12th of November 2026".
_WEEKDAY = r"(?:(?!the\s)(?P<wd>[a-z]+)\.?,?\s+)?"
# [Thursday] 12th [of] November 2026, 12-Nov-26, 12/Nov/2026 (as health records write it),
# 12th Nov '26
_DAY_MONTH = re.compile(
    _WEEKDAY + r"(?:the\s+)?(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?(?:[\s\-]*|/|\.)"
    r"(?P<m>[a-z]+)\.?,?(?:(?:[\s\-]*|/)'?(?P<y>\d{4}|\d{2}))?",
    re.IGNORECASE,
)
# [Thursday] November 12th, 2026
_MONTH_DAY = re.compile(
    _WEEKDAY + r"(?P<m>[a-z]+)\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?(?:\s+(?P<y>\d{4}))?",
    re.IGNORECASE,
)


class DateError(ValueError):
    """A date that cannot be read, or that does not exist; the message is for people."""


class NoSuchDate(DateError):
    """A date read clearly that the calendar does not have (31/02/2026): asking the user to
    write it differently would not help."""


class AmbiguousTime(DateError):
    """A local time the clocks show twice (autumn's 01:30 in London): the message says which
    offsets tell them apart."""


def parse_uk_date(text: str, *, today: date | None = None) -> date:
    """The date in `text`, read day first ("12/11/2026" is 12 November 2026).

    Accepts 12/11/2026, 12-11-2026, 12.11.26 (two-digit years are 20yy), 12 November 2026,
    12th Nov 2026, Thursday 12 November 2026, November 12, 2026, and 2026-11-12. "today" and
    "yesterday" need `today`. Raises DateError for anything else, for dates that do not exist,
    and for a weekday that does not match the date.
    """
    shown = " ".join(text.split()).strip(" .,;!")
    s = shown
    if not s:
        raise DateError(f"no date given; {_HINT}")
    if s.lower() in ("today", "yesterday"):
        if today is None:
            raise DateError(f'"{shown}" can only be read against the date of the email')
        return today if s.lower() == "today" else today - timedelta(days=1)
    # Tolerate spaces around numeric separators: "12 / 11 / 2026".
    s = re.sub(r"(?<=\d)\s*([/.])\s*(?=\d)", r"\1", s)

    if m := _NUMERIC.fullmatch(s):
        day, month, year = int(m.group(1)), int(m.group(3)), _year(m.group(4))
        return _make(shown, year, month, day, day_first=True)
    if m := _YEAR_FIRST.fullmatch(s):
        return _make(shown, int(m.group(1)), int(m.group(3)), int(m.group(4)))
    # "December 14th, 2026" also fits day-month, as weekday "December", day 14, month "th":
    # the reading whose month is a month is the date's.
    found = [m for p in (_DAY_MONTH, _MONTH_DAY) if (m := p.fullmatch(s))]
    if found:
        return _from_words(shown, min(found, key=lambda m: m.group("m").lower() not in _MONTHS))
    raise DateError(f'"{shown}" is not a date I can read; {_HINT}')


def _year(digits: str) -> int:
    return 2000 + int(digits) if len(digits) == 2 else int(digits)


def _make(shown: str, year: int, month: int, day: int, *, day_first: bool = False) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        note = " (dates are read day first: day/month/year)" if day_first and month > 12 else ""
        raise NoSuchDate(f"{shown} is not a real date{note}") from None


def _from_words(shown: str, m: re.Match[str]) -> date:
    month_word = m.group("m")
    month = _MONTHS.get(month_word.lower())
    if month is None:
        raise DateError(f'"{shown}" is not a date I can read: "{month_word}" is not a month')
    if m.group("y") is None:
        raise DateError(f'"{shown}" has no year; {_HINT}')
    found = _make(shown, _year(m.group("y")), month, int(m.group("d")))
    weekday_word = m.group("wd")
    if weekday_word is not None:
        weekday = _WEEKDAYS.get(weekday_word.lower())
        if weekday is None:
            raise DateError(f'"{shown}" is not a date I can read: "{weekday_word}" is not a day')
        if weekday != found.weekday():
            actual = _WEEKDAY_NAMES[found.weekday()]
            raise DateError(
                f'"{shown}" does not add up: {format_uk_date(found)} is a {actual}, '
                f"not a {_WEEKDAY_NAMES[weekday]}"
            )
    return found


def named_weekday(word: str) -> int | None:
    """The weekday a word names ("Mon", "Thursday"; Monday is 0), or None."""
    return _WEEKDAYS.get(word.lower())


def weekday_name(weekday: int) -> str:
    return _WEEKDAY_NAMES[weekday]


def nearest_weekday(day: date, weekday: int) -> date:
    """The date of that weekday nearest `day`, three days either side at most: the other
    reading of "Monday 22 December 2026" (a Tuesday), if the weekday is the right part."""
    return day + timedelta(days=(weekday - day.weekday() + 3) % 7 - 3)


def format_uk_date(day: date) -> str:
    """ "12 November 2026": the unambiguous form the bot writes back to people."""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"
