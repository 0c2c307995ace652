"""What a corrected event date did to its clocks, as the correction's reply says it."""

from __future__ import annotations

from datetime import date

from bot.core.moved_clocks import Clock, moved, replacing

REPORT = "CSPR report"
TODAY = date(2027, 12, 14)


def test_a_six_month_clock_moved_later_over_the_leap_day_is_said_with_both_days() -> None:
    # Decided Tue 31 Aug 2027: due Mon 28 Feb 2028 (29 Feb closed); corrected to Wed 1 Sep.
    before = {"cspr_report": Clock(REPORT, date(2028, 2, 28))}
    after = {"cspr_report": Clock(REPORT, date(2028, 3, 1))}
    assert moved(before, after, TODAY) == [
        "the CSPR report is now due Wed 1 Mar 2028, later than the Mon 28 Feb 2028 counted before"
    ]


def test_a_clock_moved_earlier_into_the_past_is_now_overdue() -> None:
    before = {"rapid_review": Clock("Rapid Review", date(2027, 12, 20))}
    after = {"rapid_review": Clock("Rapid Review", date(2027, 12, 10))}
    assert moved(before, after, TODAY) == [
        "the Rapid Review is now due Fri 10 Dec 2027, earlier than the Mon 20 Dec 2027 counted "
        "before: it is now overdue"
    ]


def test_a_met_clock_whose_day_was_corrected_past_its_due_day_is_now_late() -> None:
    before = {"cspr_report": Clock(REPORT, date(2028, 3, 1), date(2028, 3, 1), running=False)}
    after = {"cspr_report": Clock(REPORT, date(2028, 3, 1), date(2028, 3, 2), running=False)}
    assert moved(before, after, TODAY) == [
        "the CSPR report was due Wed 1 Mar 2028 and is now recorded as met on Thu 2 Mar 2028: "
        "it is now late"
    ]


def test_a_met_clock_whose_due_day_moved_before_the_day_it_was_met_is_now_late() -> None:
    before = {"cspr_report": Clock(REPORT, date(2028, 3, 15), date(2028, 3, 2), running=False)}
    after = {"cspr_report": Clock(REPORT, date(2028, 2, 28), date(2028, 3, 2), running=False)}
    assert moved(before, after, TODAY) == [
        "the CSPR report is now due Mon 28 Feb 2028, earlier than the Wed 15 Mar 2028 counted "
        "before: met on Thu 2 Mar 2028, it is now late"
    ]


def test_clocks_left_as_they_were_and_new_ones_are_not_mentioned() -> None:
    same = Clock("Rapid Review", date(2027, 8, 25), date(2027, 8, 25), running=False)
    late = Clock(REPORT, date(2028, 2, 28), date(2028, 3, 2), running=False)
    before = {"rapid_review": same, "cspr_report": late}
    after = {
        "rapid_review": same,
        "cspr_report": Clock(REPORT, date(2028, 2, 28), date(2028, 3, 3), running=False),
        "publication_notice": Clock("Notice of publication", date(2028, 2, 1)),
    }
    assert moved(before, after, TODAY) == []  # already late; nothing newly so


def test_an_earlier_day_given_again_names_the_day_it_replaces() -> None:
    assert replacing(date(2026, 12, 17), date(2026, 12, 16)) == (
        " as Wed 16 Dec 2026, replacing Thu 17 Dec 2026"
    )


def test_a_first_or_same_day_replaces_nothing() -> None:
    assert replacing(None, date(2026, 12, 16)) == ""
    assert replacing(date(2026, 12, 16), date(2026, 12, 16)) == ""
