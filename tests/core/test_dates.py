from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.core.dates import DateError, format_uk_date, nearest_weekday, parse_uk_date

TODAY = date(2026, 11, 19)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12/11/2026", date(2026, 11, 12)),
        ("12-11-2026", date(2026, 11, 12)),
        ("12.11.2026", date(2026, 11, 12)),
        ("12.11.26", date(2026, 11, 12)),
        ("1/6/25", date(2025, 6, 1)),
        ("01/06/2025", date(2025, 6, 1)),
        ("12 / 11 / 2026", date(2026, 11, 12)),
        ("12 November 2026", date(2026, 11, 12)),
        ("12 november 2026.", date(2026, 11, 12)),
        ("12th Nov 2026", date(2026, 11, 12)),
        ("1st of June 2025", date(2025, 6, 1)),
        ("the 1st of June 2025", date(2025, 6, 1)),
        ("The 12th of November 2026", date(2026, 11, 12)),
        ("Thursday the 12th of November 2026", date(2026, 11, 12)),
        ("22nd Dec. 2026", date(2026, 12, 22)),
        ("3rd Sept 2026", date(2026, 9, 3)),
        ("12-Nov-26", date(2026, 11, 12)),
        ("Thursday 12 November 2026", date(2026, 11, 12)),
        ("Thursday, 12th November 2026", date(2026, 11, 12)),
        ("Thu 12 Nov 2026", date(2026, 11, 12)),
        ("November 12, 2026", date(2026, 11, 12)),
        # An ordinal after the month first: once "th" read as the month and refused.
        ("November 12th, 2026", date(2026, 11, 12)),
        # As health records and a hurried hand write it: once not a date at all.
        ("12/Nov/2026", date(2026, 11, 12)),
        ("12.Nov.2026", date(2026, 11, 12)),
        ("12th Nov '26", date(2026, 11, 12)),
        ("Thursday November 12th 2026", date(2026, 11, 12)),
        ("Thursday, November 12th 2026", date(2026, 11, 12)),
        ("2026-11-12", date(2026, 11, 12)),
        ("  12   November   2026  ", date(2026, 11, 12)),
        ("29/02/2028", date(2028, 2, 29)),
        ("29 February 2028", date(2028, 2, 29)),
        ("31/12/2026", date(2026, 12, 31)),
        ("today", TODAY),
        ("Today", TODAY),
        ("yesterday", date(2026, 11, 18)),
    ],
)
def test_parse_uk_date_reads_day_first(text: str, expected: date) -> None:
    assert parse_uk_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31/02/2026", "31/02/2026 is not a real date"),
        ("29/02/2026", "29/02/2026 is not a real date"),
        ("29 February 2027", "29 February 2027 is not a real date"),
        ("2026-02-30", "2026-02-30 is not a real date"),
        ("11/13/2026", "11/13/2026 is not a real date (dates are read day first"),
        ("0/11/2026", "0/11/2026 is not a real date"),
        ("", "no date given"),
        ("   ", "no date given"),
        ("next week", '"next week" is not a date I can read'),
        ("soon", '"soon" is not a date I can read'),
        ("12/11", '"12/11" is not a date I can read'),
        ("12/11-2026", '"12/11-2026" is not a date I can read'),
        ("12 Novembr 2026", '"Novembr" is not a month'),
        ("12 November", '"12 November" has no year'),
        ("Funday 12 November 2026", '"Funday" is not a day'),
        ("Friday 12 November 2026", "12 November 2026 is a Thursday, not a Friday"),
        ("12/11/2026 and 13/11/2026", "is not a date I can read"),
    ],
)
def test_parse_uk_date_refuses_with_a_readable_message(text: str, message: str) -> None:
    with pytest.raises(DateError) as excinfo:
        parse_uk_date(text, today=TODAY)
    assert message in str(excinfo.value)


def test_date_error_is_a_value_error() -> None:
    assert issubclass(DateError, ValueError)


@pytest.mark.parametrize("word", ["today", "yesterday"])
def test_relative_words_need_the_date_of_the_email(word: str) -> None:
    with pytest.raises(DateError, match="date of the email"):
        parse_uk_date(word)


def test_absolute_dates_need_no_today() -> None:
    assert parse_uk_date("12/11/2026") == date(2026, 11, 12)


def test_format_uk_date_is_unambiguous() -> None:
    assert format_uk_date(date(2027, 1, 2)) == "2 January 2027"


def test_the_nearest_weekday_is_that_weekday_within_three_days_either_side() -> None:
    day = date(2026, 1, 1)
    while day.year == 2026:
        for weekday in range(7):
            other = nearest_weekday(day, weekday)
            assert other.weekday() == weekday and abs((other - day).days) <= 3, (day, weekday)
        day += timedelta(days=1)
    assert nearest_weekday(date(2026, 12, 22), 0) == date(2026, 12, 21)  # "Monday 22 December"
