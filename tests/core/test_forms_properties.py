"""Properties of a form's dates (bot.core.forms): over every day from 2000 to 2099 and every way
a person writes one, the day is read as written; and a day its weekday contradicts is read as
the earlier of its two readings, flagged, so no clock starts late."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from bot.core.dates import weekday_name
from tests.core.test_forms import REFERRER, form, run
from tests.fixtures.written_dates import WRITTEN, WRITTEN_SHORT

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
EVERY_WAY = {**WRITTEN, **WRITTEN_SHORT}
# The ways that name no weekday, for a weekday to be put before.
PLAIN = sorted(way for way in EVERY_WAY if not way.lower().startswith(("weekday", "wkd")))


@given(days, st.sampled_from(sorted(EVERY_WAY)))
def test_a_forms_date_is_the_day_written(day: date, way: str) -> None:
    found = run(form(*REFERRER, ("Date of incident", EVERY_WAY[way](day))))
    incident = found.fields["incident_date"]
    assert incident.value == day
    assert incident.problem is None and "incident_date" not in found.doubtful


@given(days, st.sampled_from(PLAIN), st.integers(min_value=1, max_value=6))
def test_a_day_its_weekday_contradicts_is_read_no_later_and_flagged(
    day: date, way: str, off: int
) -> None:
    weekday = weekday_name((day.weekday() + off) % 7)
    written = f"{weekday} {EVERY_WAY[way](day)}"
    aware = run(form(*REFERRER, ("Date the local authority became aware", written)))
    field = aware.fields["la_aware_date"]
    assert isinstance(field.value, date) and field.value <= day, written
    assert field.value.weekday() == day.weekday() or weekday_name(field.value.weekday()) == weekday
    assert field.problem is not None and "does not add up" in field.problem, written
    assert "la_aware_date" in aware.doubtful
