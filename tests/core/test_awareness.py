"""Which date starts panel_notification: the earliest plausible one, as a table."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.awareness import Candidate, Facts, Source, choose, refusal

RECEIVED = date(2026, 12, 23)
YEARS = frozenset(range(2024, 2030))
BM, FORM, RECEIPT = Source.BUSINESS_MANAGER, Source.FORM, Source.RECEIPT


def facts(**kw: object) -> Facts:
    base: dict[str, object] = {
        "received": RECEIVED,
        "today": RECEIVED,
        "covered_years": YEARS,
        "incident": date(2026, 12, 18),
    }
    return Facts(**{**base, **kw})  # type: ignore[arg-type]


def d(day: int, month: int = 12, year: int = 2026) -> date:
    return date(year, month, day)


CHOICES = [
    # (what is known, source and date chosen, set aside as {source: flagged})
    ({}, (RECEIPT, d(23)), {}),
    ({"form": d(21)}, (FORM, d(21)), {RECEIPT: False}),
    ({"form": d(23)}, (FORM, d(23)), {RECEIPT: False}),
    ({"form": d(30)}, (RECEIPT, d(23)), {FORM: True}),  # later than receipt, future
    ({"form": d(15)}, (RECEIPT, d(23)), {FORM: True}),  # before the incident
    ({"form": d(21, 12, 2062)}, (RECEIPT, d(23)), {FORM: True}),
    ({"form": d(21, 12, 2002)}, (RECEIPT, d(23)), {FORM: True}),
    ({"form": d(21, 12, 2025)}, (RECEIPT, d(23)), {FORM: True}),  # more than 12 months old
    ({"form": d(15), "incident": d(1, 1, 2027)}, (FORM, d(15)), {RECEIPT: False}),
    ({"form": d(21), "business_manager": d(19)}, (BM, d(19)), {FORM: False, RECEIPT: False}),
    ({"form": d(19), "business_manager": d(21)}, (FORM, d(19)), {BM: False, RECEIPT: False}),
    ({"form": d(21), "business_manager": d(21)}, (BM, d(21)), {FORM: False, RECEIPT: False}),
    # a correction wins over everything, and a form that disagrees with it is flagged
    (
        {"form": d(21), "business_manager": d(30), "reason": "typo", "today": d(31)},
        (BM, d(30)),
        {FORM: True, RECEIPT: False},
    ),
    # a correction in the future is not used
    ({"form": d(21), "business_manager": d(30), "reason": "typo"}, (FORM, d(21)), {BM: True}),
    # a later form never moves a recorded start later
    ({"form": d(22), "recorded": Candidate(FORM, d(19))}, (FORM, d(19)), {FORM: True}),
    ({"form": d(18), "recorded": Candidate(FORM, d(19))}, (FORM, d(18)), {FORM: False}),
    ({"form": d(21), "recorded": Candidate(RECEIPT, d(23))}, (FORM, d(21)), {RECEIPT: False}),
    # nor does a corrected form whose later incident makes the recorded form date look wrong:
    # the start stays, and the form's date is flagged for the Business Manager
    (
        {"form": d(17), "incident": d(18), "recorded": Candidate(FORM, d(17))},
        (FORM, d(17)),
        {FORM: True},
    ),
]


@pytest.mark.parametrize(("known", "chosen", "aside"), CHOICES)
def test_the_earliest_plausible_date_wins(
    known: dict[str, object], chosen: tuple[Source, date], aside: dict[Source, bool]
) -> None:
    choice = choose(facts(**known))
    assert (choice.chosen.source, choice.chosen.on) == chosen
    got = {s.candidate.source: s.flagged for s in choice.set_aside if s.candidate.source in aside}
    assert got == aside
    assert all(s.reasons for s in choice.set_aside)


def test_the_explanation_names_the_winner_and_why_the_others_were_set_aside() -> None:
    choice = choose(facts(form=d(30)))
    text = choice.explanation()
    assert text.startswith("Start: the date the SIN form was received Wed 23 Dec 2026")
    assert (
        "Set aside: the SIN form's date Wed 30 Dec 2026: it is in the future; it is later than "
        "the SIN form was received (Wed 23 Dec 2026)." in text
    )
    assert choice.assumption and "may be earlier" in choice.assumption
    corrected = choose(facts(form=d(21), business_manager=d(22), reason="form date was a typo"))
    assert corrected.explanation().startswith(
        "Start: a correction given with Aware:, Tue 22 Dec 2026 (the reason is kept in the "
        "case record)."
    )
    assert "typo" not in corrected.explanation()  # the partners read it: fixed words only
    assert corrected.assumption is None


def test_a_date_the_same_as_the_start_is_not_said_to_be_set_aside() -> None:
    text = choose(facts(form=d(23))).explanation()  # the form gives the day it was received
    assert text == "Start: the SIN form's date Wed 23 Dec 2026, the earliest plausible date known."
    both = choose(facts(form=d(21), business_manager=d(21))).explanation()
    assert "the same date" not in both
    assert "Set aside: the date the SIN form was received Wed 23 Dec 2026: later than" in both


def test_a_recorded_start_a_corrected_form_now_contradicts_stays_and_is_flagged() -> None:
    choice = choose(facts(form=d(17), incident=d(18), recorded=Candidate(FORM, d(17))))
    assert choice.chosen == Candidate(FORM, d(17), recorded=True)
    text = choice.explanation()
    assert text.startswith("Start: the SIN form's date Thu 17 Dec 2026 (as recorded earlier)")
    assert (
        "Set aside: the SIN form's date Thu 17 Dec 2026: it is before the incident date on the "
        "form (Fri 18 Dec 2026)." in text
    )


def test_the_uncountable_year_is_named() -> None:
    [aside] = choose(facts(form=d(21, 12, 2062))).flags()
    assert "the working calendar cannot count from 2062 (it covers 2024-2029)" in aside.reasons


REFUSALS = [
    # (on, reason, recorded start, refused because ... or None)
    (d(19), "", Candidate(FORM, d(21)), None),
    (d(21), "", Candidate(FORM, d(21)), None),
    (d(22), "", Candidate(FORM, d(21)), "later than the date panel_notification runs from"),
    (d(22), "form date was a typo", Candidate(FORM, d(21)), None),
    (d(30), "", Candidate(RECEIPT, d(23)), "in the future"),
    (d(30), "LA told later", Candidate(RECEIPT, d(23)), "in the future"),
    (d(15), "", Candidate(RECEIPT, d(23)), "before the incident date"),
    (d(15), "incident date on the form is wrong", Candidate(RECEIPT, d(23)), None),
    (d(1, 1, 2002), "typo", Candidate(RECEIPT, d(23)), "cannot count from 2002"),
    (d(1, 1, 2025), "", Candidate(RECEIPT, d(23)), "more than 12 months before"),
]


@pytest.mark.parametrize(("on", "reason", "recorded", "refused"), REFUSALS)
def test_a_later_or_implausible_aware_needs_a_reason(
    on: date, reason: str, recorded: Candidate, refused: str | None
) -> None:
    why = refusal(facts(recorded=recorded, today=d(29)), on, reason)
    if refused is None:
        assert why is None
    else:
        assert why is not None and refused in why


def test_a_refusal_says_how_to_give_the_reason() -> None:
    why = refusal(facts(recorded=Candidate(FORM, d(21))), d(22), "")
    assert why is not None and why.endswith("Aware: Tue 22 Dec 2026 because <reason>")


JAN = date(2027, 1, 4)  # a Monday: the first working day of the new year


@pytest.mark.parametrize(
    ("form", "received", "meant"),
    [
        (date(2026, 1, 4), JAN, date(2027, 1, 4)),  # exactly a year back: the new-year slip
        (date(2026, 1, 2), JAN, date(2027, 1, 2)),  # more than a year back: still the slip
        (date(2025, 1, 4), JAN, date(2027, 1, 4)),  # two years back
        (date(2026, 3, 1), date(2027, 3, 1), date(2027, 3, 1)),
    ],
)
def test_a_year_slip_is_set_aside_with_the_likely_date_and_the_receipt_is_used(
    form: date, received: date, meant: date
) -> None:
    choice = choose(facts(form=form, received=received, today=received, incident=None))
    assert (choice.chosen.source, choice.chosen.on) == (RECEIPT, received)
    assert choice.assumption and "may be earlier" in choice.assumption
    [flag] = choice.flags()
    assert flag.candidate.source is FORM
    assert f"the year looks mistyped: {meant:%a} {meant.day} {meant:%b %Y}?" in "; ".join(
        flag.reasons
    )


@pytest.mark.parametrize(
    ("form", "doubtful"),
    [
        (date(2026, 12, 20), False),  # a fortnight before: a late referral, used
        (date(2026, 10, 5), False),  # three months less a day
        (date(2026, 10, 3), True),  # more than three months: long overdue on arrival
        (date(2026, 6, 4), True),  # same day this year would be after arrival: no slip
    ],
)
def test_a_date_that_puts_the_clock_long_past_on_arrival_is_doubtful(
    form: date, doubtful: bool
) -> None:
    choice = choose(facts(form=form, received=JAN, today=JAN, incident=None))
    assert (choice.chosen.source is RECEIPT) == doubtful
    text = choice.explanation()
    assert ("long overdue before the form arrived" in text) == doubtful
    assert "mistyped" not in text


def test_a_doubtful_date_confirmed_with_aware_and_a_reason_is_used() -> None:
    known = {"form": date(2026, 1, 4), "received": JAN, "today": JAN, "incident": None}
    assert refusal(facts(**known), date(2027, 1, 4), "") is None  # the likely date: taken as is
    refused = refusal(facts(**known), date(2026, 1, 4), "")
    assert refused and "mistyped" in refused and "because <reason>" in refused
    confirmed = choose(facts(**known, business_manager=date(2026, 1, 4), reason="checked"))
    assert (confirmed.chosen.source, confirmed.chosen.on) == (BM, date(2026, 1, 4))
