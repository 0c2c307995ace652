"""Properties of a forwarded email's Sent line in another language (bot.core.quoted_dates): in
each language, for every day from 2000 to 2060 and every name of its month and weekday, the
line gives that day; with a weekday that is not that day's, it gives none."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from bot.core.quoted_dates import MONTHS, WEEKDAYS, named_month_day

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))
languages = st.sampled_from(sorted(MONTHS))
# As mail programs lay the line out: Outlook's "Freitag, 11. Dezember 2026 16:00", Gmail's
# "ven. 11 déc. 2026 à 16:00", Apple Mail's "11 de diciembre de 2026, 16:00:00 CET".
LAYOUTS = [
    "{wd}, {d}. {m} {y} {t}",
    "{wd} {d} {m} {y} {t}",
    "{wd}., {d} {m}. {y} at {t}",
    "{d} de {m} de {y}, {t}:00 CET",
    "{d} {m} {y} {t}",
]


@given(days, languages, st.sampled_from(LAYOUTS), st.data())
def test_a_sent_line_in_another_language_gives_its_day(
    day: date, language: str, layout: str, data: st.DataObject
) -> None:
    month = data.draw(st.sampled_from(MONTHS[language][day.month - 1].split()))
    weekday = data.draw(st.sampled_from(WEEKDAYS[language][day.weekday()].split()))
    line = layout.format(wd=weekday, d=day.day, m=month, y=day.year, t="16:05")
    read = named_month_day(line)
    assert read is not None and read[0] == day, line


@given(days, languages, st.integers(min_value=1, max_value=6), st.data())
def test_a_weekday_that_is_not_the_days_gives_no_day(
    day: date, language: str, off: int, data: st.DataObject
) -> None:
    month = data.draw(st.sampled_from(MONTHS[language][day.month - 1].split()))
    other = WEEKDAYS[language][(day.weekday() + off) % 7].split()
    weekday = data.draw(st.sampled_from(other))
    line = f"{weekday}, {day.day}. {month} {day.year} 16:05"
    assert named_month_day(line) is None, line
