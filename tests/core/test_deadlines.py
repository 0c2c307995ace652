"""Named deadlines: expected dates below were worked out by hand from a printed calendar."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.adapters.bank_holidays import working_calendar
from bot.core import deadlines as dl
from bot.core.deadlines import RULES, Deadline, RuleKind, compute
from bot.core.return_dates import Redating
from bot.core.working_days import CalendarRangeError, WorkingCalendar

CAL = working_calendar(range(2024, 2031))
OFFICE = "Office closure"
LOCAL = working_calendar(
    range(2024, 2031),
    {date(2026, 12, 29): OFFICE, date(2026, 12, 30): OFFICE, date(2026, 12, 31): OFFICE},
)
XMAS = (date(2026, 12, 25), "Christmas Day")
BOXING_SUB = (date(2026, 12, 28), "Boxing Day (substitute day)")
NEW_YEAR = (date(2027, 1, 1), "New Year's Day")

Simple = Callable[[date, WorkingCalendar], Deadline]


@pytest.mark.parametrize(
    ("fn", "start", "due", "skipped"),
    [
        (dl.screening_meeting, date(2026, 12, 23), date(2026, 12, 29), (XMAS, BOXING_SUB)),
        (
            dl.screening_meeting,
            date(2026, 4, 2),
            date(2026, 4, 8),
            ((date(2026, 4, 3), "Good Friday"), (date(2026, 4, 6), "Easter Monday")),
        ),
        (dl.screening_meeting, date(2026, 12, 5), date(2026, 12, 8), ()),
        (
            dl.screening_meeting,
            date(2027, 3, 25),
            date(2027, 3, 31),
            ((date(2027, 3, 26), "Good Friday"), (date(2027, 3, 29), "Easter Monday")),
        ),
        (
            dl.rapid_review,
            date(2027, 3, 15),
            date(2027, 4, 7),
            ((date(2027, 3, 26), "Good Friday"), (date(2027, 3, 29), "Easter Monday")),
        ),
        (dl.rapid_review, date(2026, 12, 10), date(2027, 1, 5), (XMAS, BOXING_SUB, NEW_YEAR)),
        (
            dl.rapid_review,
            date(2026, 8, 21),
            date(2026, 9, 14),
            ((date(2026, 8, 31), "Late Summer Bank Holiday"),),
        ),
        (dl.complaint_response, date(2026, 12, 7), date(2027, 1, 7), (XMAS, BOXING_SUB, NEW_YEAR)),
        (
            dl.complaint_response,
            date(2026, 4, 1),
            date(2026, 5, 1),
            ((date(2026, 4, 3), "Good Friday"), (date(2026, 4, 6), "Easter Monday")),
        ),
        (
            dl.complaint_response,
            date(2026, 4, 25),
            date(2026, 5, 26),
            ((date(2026, 5, 4), "May Day"), (date(2026, 5, 25), "Spring Bank Holiday")),
        ),
        # Backwards from the planned publication date.
        (dl.publication_notice, date(2027, 3, 10), date(2027, 3, 1), ()),
        (
            dl.publication_notice,
            date(2027, 4, 2),
            date(2027, 3, 22),
            ((date(2027, 3, 26), "Good Friday"), (date(2027, 3, 29), "Easter Monday")),
        ),
        (dl.publication_notice, date(2027, 1, 5), date(2026, 12, 22), (XMAS, BOXING_SUB, NEW_YEAR)),
        # 6 months, clamped, rolled back.
        (dl.cspr_report, date(2026, 8, 31), date(2027, 2, 26), ()),
        (dl.cspr_report, date(2027, 8, 31), date(2028, 2, 29), ()),
        (dl.cspr_report, date(2026, 6, 28), date(2026, 12, 24), (XMAS, BOXING_SUB)),
        (
            dl.cspr_report,
            date(2026, 9, 26),
            date(2027, 3, 25),
            ((date(2027, 3, 26), "Good Friday"),),
        ),
        (dl.cspr_report, date(2026, 10, 26), date(2027, 4, 26), ()),
        # 12 months, clamped, rolled forward.
        (
            dl.publication_period_end,
            date(2026, 12, 28),
            date(2027, 12, 29),
            ((date(2027, 12, 28), "Boxing Day (substitute day)"),),
        ),
        (dl.publication_period_end, date(2028, 2, 29), date(2029, 2, 28), ()),
        (dl.publication_period_end, date(2026, 6, 26), date(2027, 6, 28), ()),
        (
            dl.publication_period_end,
            date(2027, 8, 27),
            date(2028, 8, 29),
            ((date(2028, 8, 28), "Late Summer Bank Holiday"),),
        ),
    ],
)
def test_simple_deadlines(
    fn: Simple, start: date, due: date, skipped: tuple[tuple[date, str], ...]
) -> None:
    deadline = fn(start, CAL)
    assert deadline.due == due
    assert deadline.start == start
    assert deadline.skipped == skipped
    assert deadline.rule is RULES[deadline.name]
    assert deadline.assumption is None


@pytest.mark.parametrize(
    ("sin_received", "la_aware", "start", "due"),
    [
        (date(2026, 9, 1), date(2026, 8, 28), date(2026, 8, 28), date(2026, 9, 7)),
        (date(2026, 5, 1), date(2026, 4, 30), date(2026, 4, 30), date(2026, 5, 8)),
        (date(2026, 12, 23), None, date(2026, 12, 23), date(2027, 1, 4)),
    ],
)
def test_panel_notification(
    sin_received: date, la_aware: date | None, start: date, due: date
) -> None:
    deadline = dl.panel_notification(CAL, sin_received=sin_received, la_aware=la_aware)
    assert (deadline.start, deadline.due) == (start, due)
    assert (deadline.assumption is None) is (la_aware is not None)


def test_panel_notification_assumption_is_explained() -> None:
    deadline = dl.panel_notification(CAL, sin_received=date(2026, 12, 23), la_aware=None)
    assert deadline.assumption is not None
    assert "not known" in deadline.assumption
    text = deadline.explain()
    assert "local authority became aware (assumed) on Wed 23 Dec 2026" in text
    assert text.splitlines()[1].startswith("Assumption: the date the local authority")


def test_screening_explain_names_skipped_holidays() -> None:
    assert dl.screening_meeting(date(2026, 12, 23), CAL).explain() == (
        "Due Tue 29 Dec 2026: 2 working days after SIN form received on Wed 23 Dec 2026 "
        "(TSCP CSPR procedure, Screening Panel). Skipped: Fri 25 Dec 2026 Christmas Day, "
        "Mon 28 Dec 2026 Boxing Day (substitute day), and weekends."
    )


def test_explain_without_anything_skipped() -> None:
    text = dl.screening_meeting(date(2026, 12, 7), CAL).explain()
    assert text.startswith("Due Wed 9 Dec 2026: 2 working days after")
    assert "Skipped" not in text


def test_explain_weekend_only() -> None:
    text = dl.publication_notice(date(2027, 3, 10), CAL).explain()
    assert text.startswith("Due Mon 1 Mar 2027: 7 working days before planned publication")
    assert text.endswith("Skipped: weekends.")


def test_explain_roll_back_and_clamp() -> None:
    text = dl.cspr_report(date(2026, 8, 31), CAL).explain()
    assert text.startswith("Due Fri 26 Feb 2027: 6 calendar months after CSPR decision")
    assert "is Sun 28 Feb 2027 (clamped to the month end)" in text
    assert "moved back to the previous working day" in text


def test_explain_roll_forward() -> None:
    text = dl.publication_period_end(date(2026, 12, 28), CAL).explain()
    assert text.startswith("Due Wed 29 Dec 2027: 12 calendar months after publication")
    assert "moved forward to the next working day" in text
    assert "Tue 28 Dec 2027 Boxing Day (substitute day)" in text


def test_explain_clamped_without_roll() -> None:
    text = dl.cspr_report(date(2027, 8, 31), CAL).explain()
    assert text.startswith("Due Tue 29 Feb 2028: 6 calendar months after CSPR decision")
    assert text.endswith("clamped to the month end.")


def test_local_closure_in_deadline_and_explanation() -> None:
    deadline = dl.screening_meeting(date(2026, 12, 23), LOCAL)
    assert deadline.due == date(2027, 1, 4)
    assert (date(2026, 12, 30), OFFICE) in deadline.skipped
    assert "Wed 30 Dec 2026 Office closure" in deadline.explain()


@pytest.mark.parametrize(
    ("name", "start", "due"),
    [
        # The National Panel, the Secretary of State and Ofsted count weekends and bank
        # holidays only: the council's 29-31 Dec closure would put our date after theirs.
        ("panel_notification", date(2026, 12, 22), date(2026, 12, 31)),
        ("looked_after_death_notification", date(2026, 12, 22), date(2026, 12, 31)),
        ("rapid_review", date(2026, 12, 18), date(2027, 1, 13)),
        # The partnership's own clocks skip its own closure days.
        ("screening_meeting", date(2026, 12, 23), date(2027, 1, 4)),
        ("complaint_response", date(2026, 12, 22), date(2027, 1, 27)),
    ],
)
def test_local_closures_never_put_a_national_clock_after_the_bodys_own(
    name: str, start: date, due: date
) -> None:
    found = compute(name, start, LOCAL)
    assert found.due == due
    national = RULES[name].national
    assert (found.due == compute(name, start, CAL).due) == national
    assert national == all(label != OFFICE for _, label in found.skipped)


@pytest.mark.parametrize(
    ("published", "due"),
    [
        # Counted back as the bodies count: Wed 23 Dec, not Fri 18 Dec on the council's days.
        (date(2027, 1, 6), date(2026, 12, 23)),
        # Tue 29 Dec, a day the council is shut: chased the working day before, as any
        # deadline on a closed day is (bot.core.reminders.schedule), never moved.
        (date(2027, 1, 8), date(2026, 12, 29)),
        (date(2027, 3, 10), date(2027, 3, 1)),  # no closure near: as on any calendar
    ],
)
def test_the_publication_notice_is_counted_back_as_the_bodies_count(
    published: date, due: date
) -> None:
    found = dl.publication_notice(published, LOCAL)
    assert found.due == due
    assert all(label != OFFICE for _, label in found.skipped)  # closures are their working days


def test_a_national_clock_names_the_closure_days_it_counts_as_working_days() -> None:
    # Due Wed 30 Dec: the Business Manager reading "Skipped: 25 Dec, 28 Dec" must see that 29
    # and 30 Dec were counted on purpose, or she may "correct" the date past the Panel's.
    found = dl.panel_notification(
        LOCAL, sin_received=date(2026, 12, 23), la_aware=date(2026, 12, 21)
    )
    assert found.explain().split("\n") == [
        "Due Wed 30 Dec 2026: 5 working days after local authority became aware on Mon 21 Dec "
        "2026 (Working Together 2023; GOV.UK serious incident notification). Skipped: Fri 25 "
        "Dec 2026 Christmas Day, Mon 28 Dec 2026 Boxing Day (substitute day), and weekends.",
        "Counted as working days, as the National Panel counts them: Tue 29 to Wed 30 Dec 2026 "
        f"({OFFICE}).",
    ]
    ofsted = dl.looked_after_death_notification(
        LOCAL, sin_received=date(2026, 12, 23), la_aware=None
    )
    assert ofsted.explain().split("\n")[1] == (
        "Counted as working days, as the Secretary of State and Ofsted count them: Tue 29 to "
        f"Thu 31 Dec 2026 ({OFFICE})."
    )
    # Counted back from publication, the due day itself is one of the days counted.
    notice = dl.publication_notice(date(2027, 1, 8), LOCAL)
    assert "Tue 29 to Thu 31 Dec 2026" in notice.explain().split("\n")[1]
    # Said only where a closure day was counted, and never by the partnership's own clocks.
    for quiet in (
        dl.screening_meeting(date(2026, 12, 23), LOCAL),
        dl.rapid_review(date(2026, 11, 2), LOCAL),
        dl.rapid_review(date(2026, 12, 18), CAL),
    ):
        assert "Counted as working days" not in quiet.explain()


def test_a_closure_on_a_bank_holiday_stays_closed_for_everyone() -> None:
    both = working_calendar(range(2026, 2028), {date(2026, 12, 28): OFFICE})
    assert not both.national().is_working_day(date(2026, 12, 28))  # Boxing Day substitute
    assert LOCAL.national().is_working_day(date(2026, 12, 29))
    assert CAL.national() is CAL  # nothing local to take out


@pytest.mark.parametrize(
    ("agency", "requested", "return_by"),
    [
        ("Police", date(2026, 12, 23), date(2027, 1, 8)),
        ("Health", date(2026, 4, 1), date(2026, 4, 10)),
        ("Education", date(2026, 4, 1), date(2026, 4, 1)),
    ],
)
def test_appendix_b(agency: str, requested: date, return_by: date) -> None:
    deadline = dl.appendix_b(agency, requested, return_by, CAL)
    assert deadline.name == f"appendix_b:{agency}"
    assert (deadline.start, deadline.due, deadline.skipped) == (requested, return_by, ())
    assert deadline.rule is RULES["appendix_b"]
    text = deadline.explain()
    assert "set when the request was made" in text
    assert agency in text


def test_a_default_return_date_gives_its_rule_and_the_days_skipped() -> None:
    found = dl.appendix_b("gmp", date(2026, 12, 22), date(2027, 1, 5), CAL, default_days=7)
    assert found.explain() == (
        "Due Tue 5 Jan 2027: 7 working days after Appendix B requested from gmp on Tue 22 Dec "
        "2026, the default return when no Return by: is given (TSCP rapid review procedure, "
        "Appendix B). Skipped: Fri 25 Dec 2026 Christmas Day, Mon 28 Dec 2026 Boxing Day "
        "(substitute day), Fri 1 Jan 2027 New Year's Day, and weekends."
    )


_SOURCE = "(TSCP rapid review procedure, Appendix B)"
_CHRISTMAS = (
    "Skipped: Fri 25 Dec 2026 Christmas Day, Mon 28 Dec 2026 Boxing Day (substitute day), "
    "Fri 1 Jan 2027 New Year's Day, and weekends."
)


def test_a_re_dated_default_return_gives_its_rule_from_the_day_the_request_went() -> None:
    # Written for Wed 16 Dec (7 working days: Tue 29 Dec), it went on Tue 22 Dec.
    went = Redating(written_for=date(2026, 12, 16), days=7, first_counted=7)
    found = dl.appendix_b("gmp", date(2026, 12, 22), date(2027, 1, 5), CAL, redating=went)
    assert found.explain() == (
        "Due Tue 5 Jan 2027: 7 working days after Appendix B requested from gmp on Tue 22 Dec "
        "2026, the day the request went, as many as it first gave from Wed 16 Dec 2026, the "
        f"day it was written for: the default return when no Return by: is given {_SOURCE}. "
        + _CHRISTMAS
    )
    assert found.start == date(2026, 12, 22)


def test_a_re_dated_return_by_stays_the_one_given_and_says_how_it_was_counted_again() -> None:
    # Asked on Wed 16 Dec for Fri 18 Dec (2 working days); it went on Thu 24 Dec.
    went = Redating(written_for=date(2026, 12, 16), days=2)
    found = dl.appendix_b("gmp", date(2026, 12, 24), date(2026, 12, 30), CAL, redating=went)
    assert found.explain() == (
        "Due Wed 30 Dec 2026: return date set when the request was made (Appendix B requested "
        "from gmp on Wed 16 Dec 2026; TSCP rapid review procedure, Appendix B), counted again "
        "when the request went on Thu 24 Dec 2026: 2 working days after that day, as many as "
        "it first gave. Skipped: Fri 25 Dec 2026 Christmas Day, Mon 28 Dec 2026 Boxing Day "
        "(substitute day), and weekends."
    )


def test_a_re_dated_request_whose_first_return_date_was_kept_says_so() -> None:
    # Written for Fri 11 Dec, gone on Sat 12 Dec: counted again, its date would be earlier.
    given = Redating(written_for=date(2026, 12, 11), days=0)
    found = dl.appendix_b("gmp", date(2026, 12, 12), date(2026, 12, 19), CAL, redating=given)
    assert found.explain() == (
        "Due Sat 19 Dec 2026: return date set when the request was made (Appendix B requested "
        "from gmp on Fri 11 Dec 2026; TSCP rapid review procedure, Appendix B); kept when the "
        "request went on Sat 12 Dec 2026, as counting again from that day would give an "
        "earlier one."
    )
    counted = Redating(written_for=date(2026, 12, 11), days=0, first_counted=7)
    found = dl.appendix_b("gmp", date(2026, 12, 12), date(2026, 12, 22), CAL, redating=counted)
    assert found.explain() == (
        "Due Tue 22 Dec 2026: 7 working days after Appendix B requested from gmp on Fri 11 Dec "
        f"2026, the default return when no Return by: is given {_SOURCE}; kept when the "
        "request went on Sat 12 Dec 2026, as counting again from that day would give an "
        "earlier one. Skipped: weekends."
    )


def test_an_appendix_b_deadline_names_the_agency_as_people_know_it() -> None:
    found = dl.appendix_b("tg-icft", date(2026, 12, 24), date(2027, 1, 7), CAL, named="T&G ICFT")
    assert found.name == "appendix_b:tg-icft"  # the key stays the deadline's name
    assert "(Appendix B requested from T&G ICFT on Thu 24 Dec 2026;" in found.explain()
    assert "tg-icft" not in found.explain()


@pytest.mark.parametrize(
    ("name", "due", "message"),
    [
        ("nonsense", None, "nonsense"),
        ("appendix_b", date(2027, 1, 8), "appendix_b"),
        ("appendix_b:", date(2027, 1, 8), "appendix_b"),
        ("screening_meeting:Police", None, "screening_meeting:Police"),
        ("appendix_b:Police", None, "due="),
        ("appendix_b:Police", date(2026, 12, 1), "before"),
        ("screening_meeting", date(2027, 1, 8), "due="),
    ],
)
def test_compute_rejects_bad_requests(name: str, due: date | None, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        compute(name, date(2026, 12, 23), CAL, due=due)


def test_compute_out_of_range_raises() -> None:
    with pytest.raises(CalendarRangeError, match="2031"):
        compute("cspr_report", date(2030, 8, 1), CAL)
    with pytest.raises(CalendarRangeError, match="2031"):
        dl.appendix_b("Police", date(2030, 12, 20), date(2031, 1, 8), CAL)


def test_rules_table() -> None:
    assert set(RULES) == {
        "screening_meeting",
        "panel_notification",
        "looked_after_death_notification",
        "rapid_review",
        "appendix_b",
        "action",
        "cspr_report",
        "publication_notice",
        "publication_period_end",
        "complaint_response",
    }
    assert {n: (r.kind, r.amount) for n, r in RULES.items()} == {
        "screening_meeting": (RuleKind.WORKING_DAYS_AFTER, 2),
        "panel_notification": (RuleKind.WORKING_DAYS_AFTER, 5),
        "looked_after_death_notification": (RuleKind.WORKING_DAYS_AFTER, 5),
        "rapid_review": (RuleKind.WORKING_DAYS_AFTER, 15),
        "appendix_b": (RuleKind.FIXED_DATE, 0),
        "action": (RuleKind.FIXED_DATE, 0),
        "cspr_report": (RuleKind.MONTHS_AFTER_ROLL_BACK, 6),
        "publication_notice": (RuleKind.WORKING_DAYS_BEFORE, 7),
        "publication_period_end": (RuleKind.MONTHS_AFTER_ROLL_FORWARD, 12),
        "complaint_response": (RuleKind.WORKING_DAYS_AFTER, 20),
    }
    assert all(name == rule.name for name, rule in RULES.items())
    with pytest.raises(TypeError):
        RULES["x"] = RULES["appendix_b"]  # type: ignore[index]


# --- properties -------------------------------------------------------------------------

in_range = st.dates(min_value=date(2025, 1, 1), max_value=date(2029, 12, 31))
counted = [n for n, r in RULES.items() if r.kind is not RuleKind.FIXED_DATE]


@given(in_range, st.sampled_from(counted))
def test_every_computed_deadline_is_a_working_day(start: date, name: str) -> None:
    deadline = compute(name, start, CAL)
    assert CAL.is_working_day(deadline.due)
    assert all(CAL.closure_name(d) == label for d, label in deadline.skipped)
    assert deadline.explain().startswith("Due ")


@given(in_range)
def test_month_rules_never_move_the_wrong_way(start: date) -> None:
    nominal = CAL.add_months(start, 6)
    assert dl.cspr_report(start, CAL).due <= nominal
    nominal = CAL.add_months(start, 12)
    assert dl.publication_period_end(start, CAL).due >= nominal


@given(in_range, st.sampled_from([n for n in counted if RULES[n].kind.name.startswith("WORKING")]))
def test_a_working_day_deadline_names_every_closed_weekday_it_stepped_over(
    start: date, name: str
) -> None:
    """Its explanation can be checked by hand: the working days counted are the rule's number,
    and every weekday between the start and the due date that was not one is named as
    skipped, none left out and none named that was not stepped over."""
    deadline = compute(name, start, CAL)
    after = RULES[name].kind is RuleKind.WORKING_DAYS_AFTER
    first, last = (start, deadline.due) if after else (deadline.due, start)
    between = [first + timedelta(days=n) for n in range(1, (last - first).days + 1)]
    if not after:
        between = [first, *between[:-1]]  # counted back: the due day up to the day before
    working = [d for d in between if CAL.is_working_day(d)]
    closed = {d for d in between if d.weekday() < 5 and not CAL.is_working_day(d)}
    assert len(working) == RULES[name].amount
    assert {d for d, _ in deadline.skipped} == closed
