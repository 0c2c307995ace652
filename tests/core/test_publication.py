"""How much notice of publication was given, and the sentence when it fell short."""

from __future__ import annotations

from datetime import date

import pytest

from bot.adapters.bank_holidays import working_calendar
from bot.core.publication import check_notice, report_send_by, report_sent_words, short_notice

CAL = working_calendar(range(2026, 2029))
PUBLISHED = date(2027, 6, 23)  # a Wednesday


@pytest.mark.parametrize(
    ("sent", "said"),
    [
        (date(2027, 6, 14), None),  # 7 working days before: in time
        (date(2027, 6, 11), None),
        (
            date(2027, 6, 15),
            "on Tue 15 Jun 2027, 6 working days before publication on Wed 23 Jun 2027",
        ),
        (
            date(2027, 6, 22),
            "on Tue 22 Jun 2027, 1 working day before publication on Wed 23 Jun 2027",
        ),
        (date(2027, 6, 23), "on Wed 23 Jun 2027, not before publication on Wed 23 Jun 2027"),
        (date(2027, 6, 25), "on Fri 25 Jun 2027, not before publication on Wed 23 Jun 2027"),
    ],
)
def test_short_notice_is_said_with_the_days_actually_given(sent: date, said: str | None) -> None:
    found = short_notice(sent, PUBLISHED, CAL)
    if said is None:
        assert found is None
    else:
        assert found is not None and said in found
        assert found.endswith("fewer than the 7 working days required")


# The council shut 29-31 December 2026; the three bodies count those days as working days.
CLOSED = working_calendar(
    range(2026, 2029), {date(2026, 12, d): "Office closure" for d in (29, 30, 31)}
)


def test_notice_over_the_councils_closure_is_counted_as_the_bodies_count_it() -> None:
    # 24 Dec to Fri 8 Jan: 29, 30, 31 Dec and 4-8 Jan, 8 working days to them (5 on ours).
    assert short_notice(date(2026, 12, 24), date(2027, 1, 8), CLOSED) is None
    check = check_notice(date(2026, 12, 23), date(2027, 1, 8), False, CLOSED)
    assert (check.given, check.late, check.refusal) == (9, False, None)
    # What the bodies count as short is still said.
    found = short_notice(date(2027, 1, 4), date(2027, 1, 8), CLOSED)
    assert found is not None and "4 working days before publication" in found


CAL = working_calendar(range(2026, 2029))


def test_once_the_report_is_sent_the_notice_is_counted_from_that_day_not_today() -> None:
    # Sent Mon 21 Jun 2027, publication Thu 1 Jul: 8 working days, though today (Thu 24 Jun)
    # is only 5 away. The notice email going late does not make the report late.
    check = check_notice(date(2027, 6, 24), date(2027, 7, 1), False, CAL, date(2027, 6, 21))
    assert (check.given, check.late, check.refusal) == (8, False, None)


def test_a_report_sent_too_late_is_short_however_far_off_today_is() -> None:
    check = check_notice(date(2027, 6, 1), date(2027, 6, 11), False, CAL, date(2027, 6, 8))
    assert (check.given, check.late) == (3, True)
    assert check.refusal is not None
    assert "3 working days after the report was sent on Tue 8 Jun 2027" in check.refusal


CLOSED = working_calendar(
    range(2026, 2028), local_closures={date(2026, 12, d): "Office closure" for d in (29, 30, 31)}
)


@pytest.mark.parametrize(
    ("due", "today", "day", "said"),
    [
        (date(2027, 1, 7), date(2026, 12, 22), date(2027, 1, 7), None),
        # Due on a closure day: the bodies are told the partnership's last working day before.
        (date(2026, 12, 30), date(2026, 12, 22), date(2026, 12, 24), "send it by Thu 24 Dec"),
        (date(2026, 12, 30), date(2026, 12, 24), date(2026, 12, 24), "send it by Thu 24 Dec"),
        # Drafted during the closure, that day has passed: never a day already gone.
        (date(2026, 12, 31), date(2026, 12, 29), date(2026, 12, 31), "Thu 24 Dec 2026, has passed"),
    ],
)
def test_the_report_is_promised_by_a_day_the_partnership_is_in(
    due: date, today: date, day: date, said: str | None
) -> None:
    by = report_send_by(due, today, CLOSED)
    assert by.day == day and by.day <= due
    if said is None:
        assert by.check is None
    else:
        assert by.check is not None and said in by.check and "Office closure" in by.check


@pytest.mark.parametrize(
    ("sent", "said"),
    [
        (date(2027, 6, 14), "7 working days before publication"),
        (date(2027, 6, 22), "1 working day before publication, fewer than the 7 working days"),
        # The planned day went by before the report did: no count below zero.
        (date(2027, 6, 23), "the planned publication date, Wed 23 Jun 2027, is not after"),
        (date(2027, 8, 20), "the planned publication date, Wed 23 Jun 2027, is not after"),
    ],
)
def test_the_report_sent_reply_never_counts_notice_below_zero(sent: date, said: str) -> None:
    words = report_sent_words(sent, PUBLISHED, CAL)
    assert words.startswith(said)
    assert "-" not in words
