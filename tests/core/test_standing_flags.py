"""How long an item stays under "Needs your attention" (bot.core.standing_flags)."""

from __future__ import annotations

from datetime import date

from bot.adapters.bank_holidays import working_calendar
from bot.core.standing_flags import RaisedFlag, raised_words, standing_flags

CAL = working_calendar(range(2026, 2028))
TODAY = date(2027, 2, 1)


def _raised(what: str, on: date, **facts: bool) -> RaisedFlag:
    known = {"case_open": True, "after_closing": False, "settled": False, **facts}
    return RaisedFlag("TSCP-2026-0001", what, "detail", on, **known)


def test_the_same_item_raised_again_is_one_line_aged_from_its_first_time() -> None:
    [flag], older = standing_flags(
        [_raised("form_problem", date(2027, 1, 25)), _raised("form_problem", date(2027, 1, 29))],
        TODAY,
        CAL,
    )
    assert (flag.times, older) == (2, 0)
    assert raised_words(flag, TODAY, CAL) == "raised 5 working days ago, 2 times"


def test_an_item_the_bot_cannot_see_put_right_is_counted_after_20_working_days() -> None:
    kept, older = standing_flags([_raised("command_refused", date(2026, 12, 1))], TODAY, CAL)
    assert (kept, older) == ([], 1)


def test_an_item_about_a_deadline_stays_until_it_is_met() -> None:
    old = date(2026, 12, 1)
    assert standing_flags([_raised("screening_not_booked", old)], TODAY, CAL)[0]
    settled = _raised("screening_not_booked", old, settled=True)
    assert standing_flags([settled], TODAY, CAL) == ([], 0)


def test_closing_a_case_puts_its_flags_right_but_not_its_closing_flag_or_later_ones() -> None:
    on = date(2027, 1, 28)
    flags = [
        _raised("form_problem", on, case_open=False),
        _raised("closed_with_clocks_open", on, case_open=False),
        _raised("command_refused", on, case_open=False, after_closing=True),
    ]
    kept, _ = standing_flags(flags, TODAY, CAL)
    assert [f.what for f in kept] == ["closed_with_clocks_open", "command_refused"]


def test_a_reopening_settles_the_closings_items_and_its_meetings_but_not_the_rest() -> None:
    raised = date(2027, 1, 25)
    for what in ("closed_with_clocks_open", "closed_with_cspr_owed", "meeting_declined"):
        earlier = _raised(what, raised, before_reopening=True)
        assert standing_flags([earlier], TODAY, CAL) == ([], 0), what
    # What the closing only hid is back: a disagreement, a refused command, a panel not booked.
    for what in ("scrutineer_disagrees", "command_refused", "screening_not_booked"):
        earlier = _raised(what, raised, before_reopening=True)
        [kept], _ = standing_flags([earlier], TODAY, CAL)
        assert kept.what == what
    # Put right meanwhile (its deadline met), it stays gone.
    met = _raised("screening_not_booked", raised, before_reopening=True, settled=True)
    assert standing_flags([met], TODAY, CAL) == ([], 0)
