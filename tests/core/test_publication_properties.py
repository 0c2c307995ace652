"""Properties of the notice of publication (bot.core.publication, bot.core.send_by) over any
planned day, any day the report goes, and any days the partnership closes: the notice never
claims more working days than the three bodies will count, and the day they are told the
report reaches them never lets it reach them late."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import assume, given
from hypothesis import strategies as st

from bot.adapters.bank_holidays import working_calendar
from bot.core.deadlines import publication_notice
from bot.core.publication import (
    REQUIRED,
    check_notice,
    notice_given,
    report_send_by,
    report_sent_words,
    short_notice,
)
from bot.core.send_by import cspr_send_by
from bot.core.working_days import WorkingCalendar

YEARS = range(2026, 2031)
FIRST, LAST = date(2027, 1, 4), date(2029, 12, 31)
days = st.dates(min_value=FIRST, max_value=LAST)
around = st.integers(min_value=-40, max_value=10).map(timedelta)


@st.composite
def calendars(draw: st.DrawFn) -> WorkingCalendar:
    """Bank holidays, and any weekdays the partnership closes: single days and runs of them."""
    starts = draw(st.lists(days, max_size=12))
    closed: dict[date, str] = {}
    for start in starts:
        for n in range(draw(st.integers(min_value=1, max_value=8))):
            closed[start + timedelta(n)] = "Office closure"
    return working_calendar(YEARS, closed)


@given(calendars(), days)
def test_a_report_sent_on_the_notice_s_due_day_gives_exactly_the_days_required(
    cal: WorkingCalendar, planned: date
) -> None:
    due = publication_notice(planned, cal).due
    assert due < planned
    assert notice_given(due, planned, cal) == REQUIRED
    assert short_notice(due, planned, cal) is None


@given(calendars(), days, around, st.integers(min_value=1, max_value=30).map(timedelta))
def test_sending_earlier_never_gives_less_notice(
    cal: WorkingCalendar, planned: date, offset: timedelta, earlier: timedelta
) -> None:
    sent = planned + offset
    assert notice_given(sent - earlier, planned, cal) >= notice_given(sent, planned, cal)


@given(calendars(), days, around)
def test_short_notice_is_said_exactly_when_fewer_days_were_given(
    cal: WorkingCalendar, planned: date, offset: timedelta
) -> None:
    sent = planned + offset
    given_days = notice_given(sent, planned, cal)
    said = short_notice(sent, planned, cal)
    assert (said is None) == (given_days >= REQUIRED)
    if said is not None and given_days > 0:
        assert f"{given_days} working day" in said
    if said is not None and given_days <= 0:
        assert "not before publication" in said


@given(calendars(), days, st.integers(min_value=-15, max_value=15).map(timedelta))
def test_the_day_the_bodies_are_told_is_never_after_the_notice_s_due_day(
    cal: WorkingCalendar, planned: date, before: timedelta
) -> None:
    due = publication_notice(planned, cal).due
    today = due + before
    told = report_send_by(due, today, cal)
    assert told.day <= due
    # Sent on the day they are told, the report gives them every day it must.
    assert notice_given(told.day, planned, cal) >= REQUIRED
    if told.day != due:
        assert cal.is_working_day(told.day) and told.day >= today
        assert told.check is not None  # the Business Manager is told why it is earlier
    elif not cal.is_working_day(due):
        assert told.check is not None and "has passed" in told.check


@given(calendars(), days, st.integers(min_value=-200, max_value=0).map(timedelta))
def test_the_cspr_report_s_send_by_day_lets_it_publish_on_its_due_day(
    cal: WorkingCalendar, report_due: date, before: timedelta
) -> None:
    today = report_due + before
    by = cspr_send_by(report_due, today, cal)
    assert by < report_due
    assert notice_given(by, report_due, cal) >= REQUIRED


@given(calendars(), days, around, st.booleans(), st.booleans())
def test_an_accepted_date_gives_the_notice_or_is_confirmed_late(
    cal: WorkingCalendar, planned: date, offset: timedelta, late_ok: bool, sent_already: bool
) -> None:
    today = planned + offset
    sent = today - timedelta(3) if sent_already else None
    assume(sent is None or sent >= FIRST)
    check = check_notice(today, planned, late_ok, cal, report_sent_on=sent)
    assert check.given == notice_given(sent or today, planned, cal)
    assert check.late == (check.given < REQUIRED)
    if check.refusal is None:
        assert planned >= today
        assert check.given >= REQUIRED or late_ok


@given(calendars(), days, around)
def test_the_reply_to_report_sent_never_claims_notice_it_did_not_give(
    cal: WorkingCalendar, planned: date, offset: timedelta
) -> None:
    sent = planned + offset
    words = report_sent_words(sent, planned, cal)
    if planned <= sent:
        assert "gives no notice" in words
        return
    given_days = notice_given(sent, planned, cal)
    assert words.startswith(f"{given_days} working day")
    assert ("fewer than" in words) == (given_days < REQUIRED)
