"""Whether what an email states about time is still true on the day it actually goes.

Christmas 2026: Fri 25 and Mon 28 Dec are bank holidays. A publication planned for Mon 14 Jun
2027 has its notice due Thu 3 Jun (7 working days before).
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.adapters.bank_holidays import working_calendar
from bot.core.return_dates import Redating
from bot.core.stated_dates import (
    APPENDIX_B_REQUEST,
    DELAY_NOTICE,
    PUBLICATION_NOTICE,
    REVIEWER_NOTICE,
    Action,
    ReturnClock,
    Stated,
    on_sending,
)

CAL = working_calendar(range(2025, 2030))
WED_16_DEC = date(2026, 12, 16)
FRI_18_DEC = date(2026, 12, 18)
TUE_22_DEC = date(2026, 12, 22)


@pytest.mark.parametrize("kind", [DELAY_NOTICE, REVIEWER_NOTICE])
def test_a_promised_day_still_to_come_goes_and_one_come_or_gone_is_held(kind: str) -> None:
    said = Stated(written_on=date(2027, 1, 5), promised=date(2027, 1, 13))
    assert on_sending(kind, said, date(2027, 1, 12), CAL) is None
    for on in (date(2027, 1, 13), date(2027, 1, 14)):
        verdict = on_sending(kind, said, on, CAL)
        assert verdict is not None and verdict.action is Action.HOLD
        assert verdict.untrue == "the date it gives (Wed 13 Jan 2027) has passed"
        assert "again to draft" in verdict.todo


def test_a_reviewer_notice_that_promises_nothing_is_never_held() -> None:
    overdue = Stated(written_on=date(2027, 8, 2))  # drafted after the 6 months: no promise
    assert on_sending(REVIEWER_NOTICE, overdue, date(2027, 9, 1), CAL) is None


NOTICE = Stated(written_on=date(2027, 6, 1), planned=date(2027, 6, 14), given=9)


def test_a_notice_of_publication_goes_while_its_figure_is_the_days_own() -> None:
    assert on_sending(PUBLICATION_NOTICE, NOTICE, date(2027, 6, 1), CAL) is None


def test_a_notice_of_publication_sent_later_is_held_with_both_figures() -> None:
    verdict = on_sending(PUBLICATION_NOTICE, NOTICE, date(2027, 6, 10), CAL)
    assert verdict is not None and verdict.action is Action.HOLD
    assert verdict.untrue == (
        "it says the notice is given 9 working days before publication; sent on Thu 10 Jun "
        "2027, the notice is given 2 working days before publication, fewer than the 7 required"
    )
    assert "approve it again" in verdict.todo


def test_a_notice_of_publication_is_held_when_the_report_was_sent_since() -> None:
    verdict = on_sending(
        PUBLICATION_NOTICE, NOTICE, date(2027, 6, 1), CAL, report_sent_on=date(2027, 6, 1)
    )
    assert verdict is not None and verdict.action is Action.HOLD
    assert "the report was sent on Tue 1 Jun 2027, 9 working days before publication" in (
        verdict.untrue
    )
    said = Stated(
        date(2027, 6, 1), planned=date(2027, 6, 14), given=9, report_sent_on=date(2027, 6, 1)
    )
    later = on_sending(
        PUBLICATION_NOTICE, said, date(2027, 6, 8), CAL, report_sent_on=date(2027, 6, 1)
    )
    assert later is None  # counted from the report's sending: the day the notice goes is no matter


REQUEST = Stated(written_on=WED_16_DEC, return_by=FRI_18_DEC)
CLOCK = ReturnClock(due=FRI_18_DEC)


def test_a_request_sent_the_day_it_was_written_goes_as_written() -> None:
    assert on_sending(APPENDIX_B_REQUEST, REQUEST, WED_16_DEC, CAL, clock=CLOCK) is None


def test_a_request_sent_days_later_is_re_dated_with_the_period_it_first_gave() -> None:
    verdict = on_sending(APPENDIX_B_REQUEST, REQUEST, TUE_22_DEC, CAL, clock=CLOCK)
    assert verdict is not None and verdict.action is Action.REDATE
    # 2 working days (Thu 17, Fri 18) from Tue 22 Dec: Wed 23, Thu 24.
    assert (verdict.requested_on, verdict.return_by) == (TUE_22_DEC, date(2026, 12, 24))
    assert verdict.untrue == (
        "it said it was sent on Wed 16 Dec 2026 with the return due Fri 18 Dec 2026, but it "
        "could not go before Tue 22 Dec 2026: it was re-dated to that day, with the return due "
        "Thu 24 Dec 2026 (2 working days from then, as first given)"
    )
    # Its explanation counts from the day it went; its date was given (Return by:).
    assert verdict.redating == Redating(WED_16_DEC, 2, 0)
    # Over Christmas: the bank holidays are skipped, as they were when it was first counted.
    late = on_sending(APPENDIX_B_REQUEST, REQUEST, date(2026, 12, 24), CAL, clock=CLOCK)
    assert late is not None and late.return_by == date(2026, 12, 30)


def test_a_re_dated_return_is_never_earlier_than_the_one_first_given() -> None:
    # Asked on a Friday for Sunday (no working day between): still Sunday at the earliest.
    said = Stated(written_on=date(2026, 12, 11), return_by=date(2026, 12, 13))
    clock = ReturnClock(due=date(2026, 12, 13))
    verdict = on_sending(APPENDIX_B_REQUEST, said, date(2026, 12, 12), CAL, clock=clock)
    assert verdict is not None and verdict.return_by is not None
    assert verdict.return_by >= date(2026, 12, 13)


def test_a_re_dated_request_tells_how_its_return_date_was_counted() -> None:
    # The bot counted its first date (7 working days from Wed 16 Dec: Tue 29 Dec).
    counted = Stated(written_on=WED_16_DEC, return_by=date(2026, 12, 29), counted=7)
    clock = ReturnClock(due=date(2026, 12, 29))
    verdict = on_sending(APPENDIX_B_REQUEST, counted, TUE_22_DEC, CAL, clock=clock)
    assert verdict is not None and verdict.return_by == date(2027, 1, 5)
    assert verdict.redating == Redating(WED_16_DEC, 7, 7)
    # Given for a Saturday, and gone the next day: counted again it would be Fri 18 Dec, so
    # the day given is kept, and its explanation says so.
    given = Stated(written_on=date(2026, 12, 11), return_by=date(2026, 12, 19))
    clock = ReturnClock(due=date(2026, 12, 19))
    kept = on_sending(APPENDIX_B_REQUEST, given, date(2026, 12, 12), CAL, clock=clock)
    assert kept is not None and kept.return_by == date(2026, 12, 19)
    assert kept.redating == Redating(date(2026, 12, 11), 0, 0)


@pytest.mark.parametrize(
    ("clock", "said"),
    [
        (None, "no return is awaited on it any more"),
        (ReturnClock(due=FRI_18_DEC, met_on=date(2026, 12, 17)), "recorded on Thu 17 Dec 2026"),
        (ReturnClock(due=date(2027, 1, 8)), "a later request asks for Fri 8 Jan 2027"),
    ],
)
def test_a_request_whose_return_is_no_longer_awaited_is_withdrawn(
    clock: ReturnClock | None, said: str
) -> None:
    verdict = on_sending(APPENDIX_B_REQUEST, REQUEST, TUE_22_DEC, CAL, clock=clock)
    assert verdict is not None and verdict.action is Action.WITHDRAW
    assert said in verdict.untrue


def test_stated_facts_survive_their_json_and_bad_json_reads_as_none() -> None:
    full = Stated(date(2027, 6, 1), None, date(2027, 6, 14), 3, True, date(2027, 6, 9), None)
    assert Stated.from_json(full.as_json()) == full
    assert Stated.from_json(REQUEST.as_json()) == REQUEST
    counted = Stated(written_on=WED_16_DEC, return_by=date(2026, 12, 29), counted=7)
    assert Stated.from_json(counted.as_json()) == counted
    for bad in (None, "x", {"written_on": "soon"}, {}):
        assert Stated.from_json(bad) is None
