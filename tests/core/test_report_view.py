"""How the timeliness report's figures read, wherever they are shown."""

from __future__ import annotations

from datetime import date

from bot.core.report_view import percent, period_title, report_context, working_days
from tests.fixtures.timeliness_year import invented_year


def test_nothing_due_reads_as_such_not_as_a_percentage() -> None:
    assert percent(None) == "no deadlines fell due"
    assert percent(0.0) == "0%" and percent(1.0) == "100%"


def test_a_rate_short_of_all_never_reads_100_and_one_above_none_never_reads_0() -> None:
    assert percent(199 / 200) == "99%"
    assert percent(1 / 300) == "1%"
    assert percent(5 / 6) == "83%" and percent(0.5) == "50%"


def test_working_days() -> None:
    assert working_days(None) == "-"
    assert working_days(1) == "1 working day"
    assert working_days(2.5) == "2.5 working days" and working_days(3.0) == "3 working days"


def test_a_calendar_month_is_named_as_one() -> None:
    assert period_title(date(2026, 11, 1), date(2026, 11, 30)) == "November 2026"
    assert period_title(date(2026, 11, 1), date(2026, 11, 29)) == (
        "1 November 2026 to 29 November 2026"
    )
    assert period_title(date(2026, 4, 1), date(2027, 3, 31)) == "1 April 2026 to 31 March 2027"


def test_the_context_lists_every_late_case_worst_first_by_reference_only() -> None:
    context = report_context(invented_year(), [])
    late = context["late_cases"]
    assert isinstance(late, list)
    days = [c["days_late"] for c in late]
    assert days == sorted(days, reverse=True) and days[0] == 12
    # 10 late deadlines across the measures, 5 Appendix B returns late.
    assert len(late) == 10 + 5
    assert set(late[0]) == {"measure", "agency", "ref", "due", "done_on", "days_late"}
