"""Properties of choosing when the local authority became aware (bot.core.awareness), the
start of the National Panel's 5 working days, over any dates the form, the Business Manager
and an earlier start may give: without a correction the start is never later than the SIN's
arrival, never later than the start already recorded, and the earliest plausible date; every
other date is set aside with its reasons, none dropped."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import assume, example, given
from hypothesis import strategies as st

from bot.core.awareness import Candidate, Facts, Source, choose, problems

YEARS = frozenset(range(2024, 2031))
received = st.dates(min_value=date(2025, 1, 1), max_value=date(2029, 12, 31))
near = st.integers(min_value=-500, max_value=60).map(lambda n: timedelta(days=n))


@st.composite
def facts(draw: st.DrawFn, *, reason: str = "") -> Facts:
    arrived = draw(received)
    today = arrived + draw(st.integers(min_value=0, max_value=30).map(lambda n: timedelta(n)))
    form, bm, incident = (draw(st.none() | near.map(lambda d: arrived + d)) for _ in range(3))
    recorded = draw(
        st.none()
        | st.builds(
            Candidate,
            st.sampled_from([Source.FORM, Source.BUSINESS_MANAGER, Source.RECEIPT]),
            st.integers(min_value=-60, max_value=0).map(lambda n: arrived + timedelta(n)),
            st.just(True),
        )
    )
    return Facts(arrived, today, YEARS, form, bm, reason, incident, recorded)


@given(facts())
@example(  # a corrected form's later incident makes the recorded form date look wrong
    Facts(
        date(2026, 12, 23), date(2026, 12, 23), YEARS, form=date(2026, 12, 19),
        incident=date(2026, 12, 20), recorded=Candidate(Source.FORM, date(2026, 12, 19), True),
    )
)  # fmt: skip
def test_the_start_is_never_later_than_the_arrival_or_the_recorded_start(known: Facts) -> None:
    chosen = choose(known).chosen
    assert chosen.on <= known.received
    if known.recorded is not None:
        assert chosen.on <= known.recorded.on


@given(facts())
def test_the_start_is_the_earliest_plausible_date(known: Facts) -> None:
    given_dates = [d for d in (known.form, known.business_manager) if d is not None]
    plausible = [d for d in given_dates if not problems(known, d)]
    others = [known.received, *([known.recorded.on] if known.recorded else [])]
    assert choose(known).chosen.on == min([*plausible, *others])


@given(facts())
def test_every_date_not_used_is_set_aside_with_its_reasons(known: Facts) -> None:
    choice = choose(known)
    shown = {(s.candidate.source, s.candidate.on) for s in choice.set_aside}
    shown.add((choice.chosen.source, choice.chosen.on))
    for source, on in (
        (Source.FORM, known.form),
        (Source.BUSINESS_MANAGER, known.business_manager),
        (Source.RECEIPT, known.received),
    ):
        if on is not None:
            assert (source, on) in shown
    assert all(s.reasons for s in choice.set_aside)
    flagged = {s.candidate.on for s in choice.flags()}
    for on in (known.form, known.business_manager):
        if on is not None and problems(known, on):
            assert on in flagged or on == choice.chosen.on


@given(facts(reason="the form gave the date of the referral"))
def test_a_correction_with_its_reason_is_the_start(known: Facts) -> None:
    assume(known.business_manager is not None)
    assert known.business_manager is not None
    # Even a correction cannot be in the future, nor where the working calendar cannot count.
    assume(known.business_manager <= known.today and known.business_manager.year in YEARS)
    assert choose(known).chosen == Candidate(Source.BUSINESS_MANAGER, known.business_manager)
