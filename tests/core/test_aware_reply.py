"""The reply to `Aware:` names the day it replaces and every clock it moved, each time."""

from __future__ import annotations

from datetime import date

from bot.core.aware_reply import aware_reply
from bot.core.awareness import Candidate, Source
from bot.core.moved_clocks import Clock

TODAY = date(2026, 12, 18)
PANEL = "National Panel notification"
DEATH = "Notice of death to the Secretary of State and Ofsted"
BM = Source.BUSINESS_MANAGER


def clocks(panel: date, death: date | None = None) -> dict[str, Clock]:
    found = {"panel_notification": Clock(PANEL, panel)}
    if death is not None:
        found["looked_after_death_notification"] = Clock(DEATH, death)
    return found


def test_a_second_correction_names_the_day_it_replaces_and_both_clocks_it_moved() -> None:
    said = aware_reply(
        date(2026, 12, 11),
        Candidate(BM, date(2026, 12, 14)),
        Candidate(BM, date(2026, 12, 11)),
        (
            clocks(date(2026, 12, 21), date(2026, 12, 21)),
            clocks(date(2026, 12, 18), date(2026, 12, 18)),
        ),
        TODAY,
    )
    assert said == (
        "local authority aware Fri 11 Dec 2026, replacing Mon 14 Dec 2026 (the date given with "
        "Aware:): the National Panel notification is now due Fri 18 Dec 2026, earlier than the "
        "Mon 21 Dec 2026 counted before; the Notice of death to the Secretary of State and "
        "Ofsted is now due Fri 18 Dec 2026, earlier than the Mon 21 Dec 2026 counted before"
    )


def test_the_same_day_again_says_so_and_the_due_day_still_in_force() -> None:
    day = date(2026, 12, 14)
    said = aware_reply(
        day, Candidate(BM, day), Candidate(BM, day), (clocks(date(2026, 12, 21)),) * 2, TODAY
    )
    assert said == (
        "local authority aware Mon 14 Dec 2026, the day already counted from (the date given "
        "with Aware:): National Panel notification still due Mon 21 Dec 2026"
    )


def test_a_date_kept_while_an_earlier_one_is_counted_from_names_that_one() -> None:
    form = Candidate(Source.FORM, date(2026, 12, 10))
    said = aware_reply(
        date(2026, 12, 14),
        Candidate(Source.RECEIPT, date(2026, 12, 16)),
        form,
        (clocks(date(2026, 12, 23)), clocks(date(2026, 12, 17))),
        TODAY,
    )
    assert said == (
        "local authority aware Mon 14 Dec 2026 recorded; the National Panel's clock is counted "
        "from the SIN form's date Thu 10 Dec 2026, the earliest plausible date, replacing Wed 16 "
        "Dec 2026 (the date the SIN form was received): the National Panel notification is now "
        "due Thu 17 Dec 2026, earlier than the Wed 23 Dec 2026 counted before: it is now overdue"
    )
