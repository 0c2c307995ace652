"""How much notice of publication was given, and the sentence when it fell short."""

from __future__ import annotations

from datetime import date

import pytest

from bot.adapters.bank_holidays import working_calendar
from bot.core.publication import short_notice

CAL = working_calendar(range(2026, 2029))
PUBLISHED = date(2027, 6, 23)  # a Wednesday


@pytest.mark.parametrize(
    ("sent", "said"),
    [
        (date(2027, 6, 14), None),  # 7 working days before: in time
        (date(2027, 6, 11), None),
        (date(2027, 6, 15), "on 15/06/2027, 6 working days before publication on 23/06/2027"),
        (date(2027, 6, 22), "on 22/06/2027, 1 working day before publication on 23/06/2027"),
        (date(2027, 6, 23), "on 23/06/2027, not before publication on 23/06/2027"),
        (date(2027, 6, 25), "on 25/06/2027, not before publication on 23/06/2027"),
    ],
)
def test_short_notice_is_said_with_the_days_actually_given(sent: date, said: str | None) -> None:
    found = short_notice(sent, PUBLISHED, CAL)
    if said is None:
        assert found is None
    else:
        assert found is not None and said in found
        assert found.endswith("fewer than the 7 working days required")
