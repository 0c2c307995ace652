"""The Board's timeliness figures: every rule of counting, on dates worked out by hand.

Calendar facts used (England, 2026): Good Friday Fri 3 Apr, Easter Monday Mon 6 Apr, May Day
Mon 4 May, Spring bank holiday Mon 25 May; June 2026 has 22 working days (Mon 1 to Tue 30).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.bank_holidays import working_calendar
from bot.core.timeliness import (
    DeadlineFact,
    ReportFacts,
    board_quarters,
    event_day,
    timeliness_report,
)
from bot.core.timeliness_figures import LateCase, MeasureFigures, TimelinessReport
from bot.core.timeliness_tables import CSV_COLUMNS, csv_rows, report_json
from bot.core.working_days import CalendarRangeError

CAL = working_calendar([2026, 2027], {date(2026, 12, 29): "Office closure"})
APR1, MAR31 = date(2026, 4, 1), date(2027, 3, 31)
LATER = date(2027, 6, 1)  # "today" well after the year, unless a test says otherwise


def fact(
    due: date,
    met_on: date | None = None,
    *,
    ref: str = "TSCP-2026-0001",
    name: str = "screening_meeting",
    met: bool | None = None,
    not_required: bool = False,
    closed: bool = False,
) -> DeadlineFact:
    return DeadlineFact(
        ref=ref,
        name=name,
        due=due,
        met=met_on is not None if met is None else met,
        met_on=met_on,
        not_required=not_required,
        case_closed=closed,
    )


def report(
    *facts: DeadlineFact,
    start: date = APR1,
    end: date = MAR31,
    today: date = LATER,
    sins: tuple[date, ...] = (),
    names: dict[str, str] | None = None,
) -> TimelinessReport:
    return timeliness_report(ReportFacts(facts, sins, names or {}), start, end, today, CAL)


def screening(r: TimelinessReport, quarter: int | None = None) -> MeasureFigures:
    figures = r.whole if quarter is None else r.quarters[quarter]
    return next(m for m in figures.measures if m.measure == "screening_meeting")


def test_met_on_the_due_date_is_on_time() -> None:
    m = screening(report(fact(date(2026, 6, 5), date(2026, 6, 5))))
    assert (m.due, m.on_time, m.late, m.on_time_rate) == (1, 1, (), 1.0)
    assert (m.median_days_late, m.worst_days_late) == (None, None)


def test_met_early_is_on_time() -> None:
    assert screening(report(fact(date(2026, 6, 5), date(2026, 6, 1)))).on_time == 1


def test_a_day_late_across_a_weekend_is_one_working_day() -> None:
    # Due Friday 5 June, met Monday 8 June: Saturday and Sunday are not counted.
    m = screening(report(fact(date(2026, 6, 5), date(2026, 6, 8))))
    assert m.late == (LateCase("TSCP-2026-0001", date(2026, 6, 5), date(2026, 6, 8), 1),)
    assert (m.due, m.on_time, m.on_time_rate) == (1, 0, 0.0)


def test_met_on_the_saturday_after_is_still_a_working_day_late() -> None:
    # A closed day counts as the next working day: missed is never "0 days late".
    m = screening(report(fact(date(2026, 6, 5), date(2026, 6, 6))))
    assert m.late[0].working_days_late == 1


def test_lateness_skips_the_easter_bank_holidays() -> None:
    # Due Thursday 2 April 2026, met Tuesday 7 April: Good Friday, the weekend and Easter
    # Monday are skipped, so one working day late, not five calendar days.
    m = screening(report(fact(date(2026, 4, 2), date(2026, 4, 7)), start=date(2026, 1, 1)))
    assert m.late[0].working_days_late == 1


@pytest.mark.parametrize(("name", "late"), [("screening_meeting", 1), ("panel_notification", 2)])
def test_a_national_clocks_lateness_counts_the_councils_closure_days(name: str, late: int) -> None:
    # Due Thu 24 Dec 2026, met Wed 30 Dec, over Christmas, the Boxing Day substitute (Mon 28)
    # and Tue 29 Dec, when the council was closed: the National Panel's clocks count that day,
    # the partnership's own do not.
    r = report(fact(date(2026, 12, 24), date(2026, 12, 30), name=name))
    [m] = [m for m in r.whole.measures if m.measure == name]
    assert m.late[0].working_days_late == late


def test_due_on_a_bank_holiday_met_the_next_working_day_is_one_day_late() -> None:
    # An Appendix B return date set on Easter Monday 6 April and received Tuesday 7 April.
    r = report(fact(date(2026, 4, 6), date(2026, 4, 7), name="appendix_b:police"))
    assert r.whole.appendix_b[0].late[0].working_days_late == 1


def test_still_open_at_the_end_date_is_late_to_the_end_date() -> None:
    # Due Mon 1 June, never met; report ends Tue 30 June: 21 working days in (1 Jun, 30 Jun].
    r = report(fact(date(2026, 6, 1)), end=date(2026, 6, 30), today=date(2026, 7, 15))
    m = screening(r)
    assert m.late == (LateCase("TSCP-2026-0001", date(2026, 6, 1), None, 21),)


def test_met_after_the_end_date_was_still_open_at_the_end_date() -> None:
    # The same figures whenever a report on a past period is run.
    r = report(fact(date(2026, 6, 1), date(2026, 7, 10)), end=date(2026, 6, 30))
    assert screening(r).late == (LateCase("TSCP-2026-0001", date(2026, 6, 1), None, 21),)


def test_open_and_overdue_today_counts_to_today_when_the_end_date_is_later() -> None:
    # Due Mon 1 June, report to 31 March next year, today Wed 3 June: 2 working days late.
    r = report(fact(date(2026, 6, 1)), today=date(2026, 6, 3))
    assert screening(r).late == (LateCase("TSCP-2026-0001", date(2026, 6, 1), None, 2),)
    assert r.as_of == date(2026, 6, 3)  # the figures stand at today, not at the end date


def test_not_yet_due_is_not_counted() -> None:
    r = report(fact(date(2026, 6, 3)), fact(date(2026, 6, 10)), today=date(2026, 6, 3))
    m = screening(r)
    assert (m.due, m.on_time, m.late) == (0, 0, ())
    assert m.on_time_rate is None  # nothing fell due: no evidence either way, not 100%


def test_met_before_it_was_due_counts_even_when_not_yet_due() -> None:
    r = report(fact(date(2026, 6, 10), date(2026, 6, 2)), today=date(2026, 6, 3))
    assert (screening(r).due, screening(r).on_time) == (1, 1)


def test_not_required_is_not_counted() -> None:
    r = report(fact(date(2026, 6, 1), not_required=True, met=True))
    assert (screening(r).due, screening(r).late) == (0, ())


def test_met_without_the_day_it_happened_is_listed_not_guessed() -> None:
    r = report(
        fact(date(2026, 6, 1), met=True, ref="TSCP-2026-0007"),
        fact(date(2026, 6, 2), date(2026, 6, 2), ref="TSCP-2026-0008"),
    )
    m = screening(r)
    assert (m.due, m.on_time, m.late, m.undated) == (1, 1, (), ("TSCP-2026-0007",))


def test_never_met_on_a_closed_case_is_listed_not_counted() -> None:
    r = report(fact(date(2026, 6, 1), ref="TSCP-2026-0009", closed=True))
    m = screening(r)
    assert (m.due, m.late, m.closed_unmet) == (0, (), ("TSCP-2026-0009",))


def test_met_late_on_a_closed_case_still_counts_as_late() -> None:
    r = report(fact(date(2026, 6, 5), date(2026, 6, 8), closed=True))
    assert screening(r).late[0].working_days_late == 1


def test_period_boundaries_include_both_end_dates() -> None:
    facts = [
        fact(date(2026, 3, 31), date(2026, 3, 31), ref="A"),  # before the report
        fact(date(2026, 4, 1), date(2026, 4, 1), ref="B"),
        fact(date(2026, 6, 30), date(2026, 7, 1), ref="C"),  # last day of Q1, met in Q2
        fact(date(2026, 7, 1), date(2026, 7, 1), ref="D"),
        fact(date(2027, 3, 31), date(2027, 3, 31), ref="E"),
        fact(date(2027, 4, 1), date(2027, 4, 1), ref="F"),  # after the report
    ]
    r = report(*facts)
    assert screening(r).due == 4
    assert [screening(r, q).due for q in range(4)] == [2, 1, 0, 1]
    assert [c.ref for c in screening(r, 0).late] == ["C"]  # late where it fell due


def test_quarters_are_the_board_year_clipped_to_the_dates_asked() -> None:
    quarters = board_quarters(date(2026, 5, 15), date(2027, 2, 10))
    assert [(q.start, q.end, q.label) for q in quarters] == [
        (date(2026, 5, 15), date(2026, 6, 30), "15 May to 30 Jun 2026"),
        (date(2026, 7, 1), date(2026, 9, 30), "Jul to Sep 2026"),
        (date(2026, 10, 1), date(2026, 12, 31), "Oct to Dec 2026"),
        (date(2027, 1, 1), date(2027, 2, 10), "1 Jan to 10 Feb 2027"),
    ]


def test_one_day_is_one_quarter() -> None:
    (q,) = board_quarters(date(2026, 12, 31), date(2026, 12, 31))
    assert (q.start, q.end, q.label) == (
        date(2026, 12, 31),
        date(2026, 12, 31),
        "31 Dec to 31 Dec 2026",
    )


def test_median_and_worst_lateness() -> None:
    due = date(2026, 6, 1)  # Monday
    odd = report(
        fact(due, date(2026, 6, 2), ref="A"),  # 1
        fact(due, date(2026, 6, 4), ref="B"),  # 3
        fact(due, date(2026, 6, 15), ref="C"),  # 10
        fact(due, due, ref="D"),
    )
    assert (screening(odd).median_days_late, screening(odd).worst_days_late) == (3.0, 10)
    assert screening(odd).on_time_rate == 0.25
    even = report(fact(due, date(2026, 6, 2), ref="A"), fact(due, date(2026, 6, 5), ref="B"))
    assert (screening(even).median_days_late, screening(even).worst_days_late) == (2.5, 4)


def test_late_cases_are_in_due_order_by_reference_only() -> None:
    r = report(
        fact(date(2026, 6, 3), date(2026, 6, 4), ref="TSCP-2026-0002"),
        fact(date(2026, 6, 1), date(2026, 6, 4), ref="TSCP-2026-0005"),
    )
    assert [c.ref for c in screening(r).late] == ["TSCP-2026-0005", "TSCP-2026-0002"]


def test_appendix_b_per_agency_by_plain_name_in_every_period() -> None:
    names = {"police": "Greater Manchester Police", "health": "Tameside and Glossop ICB"}
    r = report(
        fact(date(2026, 5, 6), date(2026, 5, 6), name="appendix_b:police"),
        fact(date(2026, 8, 5), date(2026, 8, 7), name="appendix_b:police"),
        fact(date(2026, 8, 5), date(2026, 8, 5), name="appendix_b:health"),
        fact(date(2026, 8, 5), date(2026, 8, 5), name="appendix_b:school_gone"),
        names=names,
    )
    agencies = [(m.agency, m.due, m.on_time) for m in r.whole.appendix_b]
    # Sorted by the name a reader sees; a key no longer configured is shown as it is.
    assert agencies == [
        ("Greater Manchester Police", 2, 1),
        ("school_gone", 1, 1),
        ("Tameside and Glossop ICB", 1, 1),
    ]
    q1 = [(m.agency, m.due, m.on_time_rate) for m in r.quarters[0].appendix_b]
    assert q1 == [
        ("Greater Manchester Police", 1, 1.0),
        ("school_gone", 0, None),
        ("Tameside and Glossop ICB", 0, None),
    ]
    assert {m.measure for m in r.whole.appendix_b} == {"appendix_b"}
    assert r.quarters[1].appendix_b[0].late[0].working_days_late == 2


def test_the_measures_in_report_order_looked_after_only_when_present() -> None:
    without = report()
    assert [m.measure for m in without.whole.measures] == [
        "screening_meeting",
        "panel_notification",
        "rapid_review",
        "cspr_report",
        "publication_notice",
        "complaint_response",
    ]
    with_death = report(
        fact(date(2026, 6, 1), date(2026, 6, 1), name="looked_after_death_notification")
    )
    assert [m.measure for m in with_death.whole.measures][2] == "looked_after_death_notification"
    assert all(len(p.measures) == 7 for p in with_death.quarters)


def test_a_not_required_looked_after_notice_does_not_add_the_measure() -> None:
    r = report(fact(date(2026, 6, 1), name="looked_after_death_notification", not_required=True))
    assert "looked_after_death_notification" not in [m.measure for m in r.whole.measures]


def test_each_measure_counts_only_its_own_deadlines() -> None:
    r = report(
        fact(date(2026, 6, 1), date(2026, 6, 2), name="rapid_review"),
        fact(date(2026, 6, 1), date(2026, 6, 1), name="complaint_response"),
        fact(date(2026, 6, 1), date(2026, 6, 1), name="publication_period_end"),  # not reported
        fact(date(2026, 6, 1), date(2026, 6, 1), name="action:1"),  # not reported
    )
    due = {m.measure: (m.due, m.on_time) for m in r.whole.measures}
    assert due["rapid_review"] == (1, 0)
    assert due["complaint_response"] == (1, 1)
    assert due["screening_meeting"] == (0, 0)
    assert r.whole.appendix_b == ()


def test_sins_received_per_period() -> None:
    sins = (
        date(2026, 3, 31),
        date(2026, 4, 1),
        date(2026, 6, 30),
        date(2026, 7, 1),
        date(2027, 4, 1),
    )
    r = report(sins=sins)
    assert r.whole.sins_received == 3
    assert [q.sins_received for q in r.quarters] == [2, 1, 0, 0]


def test_calendar_note_names_the_days_skipped_in_the_period() -> None:
    note = report(start=date(2026, 12, 1), end=date(2026, 12, 31)).calendar_note
    assert note == (
        "Working days skip weekends and these bank holidays and closure days: "
        "Fri 25 Dec 2026 Christmas Day; Mon 28 Dec 2026 Boxing Day (substitute day); "
        "Tue 29 Dec 2026 Office closure. The National Panel, the Secretary of State and Ofsted "
        "count the partnership's own closure days (Tue 29 Dec 2026) as working days, and so do "
        'these measures: "National Panel notified within 5 working days", "Looked-after death '
        'notified within 5 working days", "Rapid Review within 15 working days", "Report sent '
        '7 working days before publication".'
    )
    # Bank holidays alone: every measure skips them, so nothing more is said.
    spring = report(start=date(2026, 5, 1), end=date(2026, 5, 31)).calendar_note
    assert spring.endswith("Mon 25 May 2026 Spring Bank Holiday.")
    quiet = report(start=date(2026, 6, 1), end=date(2026, 6, 30)).calendar_note
    assert quiet == "Working days skip weekends; no bank holiday or closure day fell in the period."


def test_end_before_start_is_refused() -> None:
    with pytest.raises(ValueError, match="before the start"):
        report(start=date(2026, 6, 2), end=date(2026, 6, 1))


def test_a_year_the_calendar_does_not_cover_is_refused() -> None:
    with pytest.raises(CalendarRangeError):
        report(start=date(2025, 4, 1), end=date(2026, 3, 31))


def test_the_whole_period_is_labelled_with_its_dates() -> None:
    r = report()
    assert (r.whole.period.start, r.whole.period.end) == (APR1, MAR31)
    assert r.whole.period.label == "1 Apr 2026 to 31 Mar 2027"
    assert [q.label for q in (p.period for p in r.quarters)] == [
        "Apr to Jun 2026",
        "Jul to Sep 2026",
        "Oct to Dec 2026",
        "Jan to Mar 2027",
    ]


LONDON = ZoneInfo("Europe/London")
ARRIVED = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)  # 00:30 on 1 July in London


@pytest.mark.parametrize(
    ("name", "met_on", "met_at", "sent_on", "expected"),
    [
        # The day stored is the day, whatever else the row says.
        ("screening_meeting", date(2026, 6, 2), ARRIVED, None, date(2026, 6, 2)),
        # Not met: no day.
        ("screening_meeting", None, None, None, None),
        # Met before the day was stored: the moment it was recorded is not the day it happened.
        ("screening_meeting", None, ARRIVED, None, None),
        ("looked_after_death_notification", None, ARRIVED, None, None),
        # A return is met when it reaches the mailbox: that moment's day, in London.
        ("appendix_b:police", None, ARRIVED, None, date(2026, 7, 1)),
        # The notice is met by the report being sent, on the day the case records.
        ("publication_notice", None, ARRIVED, date(2026, 6, 20), date(2026, 6, 20)),
        ("publication_notice", None, ARRIVED, None, None),
    ],
)
def test_the_event_day_is_taken_only_where_the_record_tells_it(
    name: str,
    met_on: date | None,
    met_at: datetime | None,
    sent_on: date | None,
    expected: date | None,
) -> None:
    assert event_day(name, met_on, met_at, sent_on, LONDON) == expected


def test_csv_rows_one_per_measure_per_period_and_a_sins_row_each() -> None:
    r = report(
        fact(date(2026, 6, 5), date(2026, 6, 8), ref="TSCP-2026-0002"),
        fact(date(2026, 6, 5), date(2026, 6, 9), ref="TSCP-2026-0003"),
        fact(date(2026, 8, 5), date(2026, 8, 5), name="appendix_b:gmp"),
        sins=(date(2026, 6, 1),),
        names={"gmp": "Greater Manchester Police"},
    )
    rows = csv_rows(r)
    assert all(list(row) == list(CSV_COLUMNS) for row in rows)
    # 5 periods x (SINs + 6 measures + 1 agency)
    assert len(rows) == 5 * 8
    assert [row["received"] for row in rows if row["measure"] == "sins_received"] == [1, 1, 0, 0, 0]
    q1 = next(row for row in rows if row["period"] == "Apr to Jun 2026" and row["due"] == 2)
    assert q1["late_cases"] == "TSCP-2026-0002 (1); TSCP-2026-0003 (2)"
    assert (q1["on_time_rate"], q1["median_working_days_late"]) == (0.0, 1.5)
    gmp = [row for row in rows if row["agency"] == "Greater Manchester Police"]
    assert [row["on_time_rate"] for row in gmp] == [1.0, None, 1.0, None, None]


def test_json_has_every_figure_and_each_late_case() -> None:
    r = report(fact(date(2026, 6, 1)), end=date(2026, 6, 30), today=date(2026, 7, 15))
    doc = report_json(r)
    assert (doc["from"], doc["to"], doc["as_of"]) == (APR1, date(2026, 6, 30), date(2026, 6, 30))
    whole = doc["whole"]
    assert isinstance(whole, dict)
    first = whole["measures"][0]
    assert first == {
        "measure": "screening_meeting",
        "label": "Screening Panel within 2 working days",
        "agency": None,
        "due": 1,
        "on_time": 0,
        "late": 1,
        "on_time_rate": 0.0,
        "median_working_days_late": 21.0,
        "worst_working_days_late": 21,
        "extended_by_agreement": 0,
        "met_agreed_date": 0,
        "late_cases": [
            {
                "ref": "TSCP-2026-0001",
                "due": date(2026, 6, 1),
                "done_on": None,
                "working_days_late": 21,
            }
        ],
        "met_day_not_recorded": [],
        "closed_without_being_met": [],
    }
