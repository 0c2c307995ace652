"""The death of a looked-after child or care leaver, decided from the form alone."""

from __future__ import annotations

from datetime import date

import pytest

from bot.adapters.bank_holidays import working_calendar
from bot.core.forms import Extraction, Field
from bot.core.looked_after import NOT_REPORTED, age_at_death, looked_after_death
from bot.core.publication import check_notice
from tests.core.test_forms import REFERRER, run
from tests.core.test_forms import form as written

CAL = working_calendar(range(2025, 2029))


def f(name: str, value: object, problem: str | None = None) -> Field:
    return Field(name, value, str(value), "test", 1.0 if problem is None else 0.5, problem)  # type: ignore[arg-type]


def form(
    *,
    fields: dict[str, object] | None = None,
    child: dict[str, object] | None = None,
    doubtful: tuple[str, ...] = (),
) -> Extraction:
    return Extraction(
        form="sin",
        fields={k: f(k, v) for k, v in (fields or {}).items()},
        children=({k: f(k, v) for k, v in (child or {}).items()},) if child is not None else (),
        chronology=(),
        missing=(),
        doubtful=doubtful,
        flags=(),
    )


DIED = {"child_died": True, "incident_date": date(2026, 12, 18)}


@pytest.mark.parametrize(
    ("fields", "child", "who"),
    [
        (DIED, {"legal_status": "LAC"}, "a looked-after child"),
        ({"lac_death": True}, {}, "a looked-after child"),
        ({**DIED, "lac_death": True}, {"legal_status": "none"}, "a looked-after child"),
        (
            DIED,
            {"legal_status": "care leaver", "date_of_birth": date(2002, 12, 19)},
            "a care leaver",
        ),
        (
            {"care_leaver_death": True, "incident_date": date(2026, 12, 18)},
            {"age": "19"},
            "a care leaver",
        ),
    ],
)
def test_the_clock_opens_for_these_deaths(
    fields: dict[str, object], child: dict[str, object], who: str
) -> None:
    found = looked_after_death(form(fields=fields, child=child))
    assert (found.opens, found.who, found.checks) == (True, who, ())


@pytest.mark.parametrize(
    ("fields", "child"),
    [
        (DIED, {"legal_status": "CIN"}),  # died, not looked after: the ordinary SIN route
        ({"serious_harm": True}, {"legal_status": "LAC"}),  # looked after, not dead
        ({"child_died": False}, {"legal_status": "LAC"}),
        # 25th birthday on the day of death: over the age limit.
        (DIED, {"legal_status": "care leaver", "date_of_birth": date(2001, 12, 18)}),
        (DIED, {"legal_status": "care leaver", "age": "26 years"}),
    ],
)
def test_no_clock(fields: dict[str, object], child: dict[str, object]) -> None:
    assert looked_after_death(form(fields=fields, child=child)) == NOT_REPORTED


def test_a_care_leaver_who_died_the_day_before_their_25th_birthday_is_included() -> None:
    child = {"legal_status": "care leaver", "date_of_birth": date(2001, 12, 19)}
    assert looked_after_death(form(fields=DIED, child=child)).opens


def test_a_care_leaver_of_unknown_age_opens_the_clock_and_asks_a_person() -> None:
    found = looked_after_death(form(fields=DIED, child={"legal_status": "care leaver"}))
    assert found.opens and found.who == "a care leaver"
    [check] = found.checks
    assert check.startswith("the form reports the death of a care leaver but their age")
    assert "SoS and Ofsted notified: not required - <reason>" in check


def test_a_doubtful_death_tick_is_flagged_not_silent() -> None:
    extraction = form(
        fields={"child_died": None}, child={"legal_status": "LAC"}, doubtful=("child_died",)
    )
    found = looked_after_death(extraction)
    assert found.opens
    [check] = found.checks
    assert check.startswith("the form's child died could not be read with confidence")


def test_a_doubtful_but_ticked_death_opens_and_is_flagged() -> None:
    extraction = form(fields=DIED, child={"legal_status": "LAC"}, doubtful=("child_died",))
    found = looked_after_death(extraction)
    assert found.opens and len(found.checks) == 1


def test_age_prefers_the_dates_and_ignores_a_date_with_a_problem() -> None:
    fields = {"incident_date": f("incident_date", date(2026, 12, 18))}
    born = {"date_of_birth": f("date_of_birth", date(2004, 6, 1)), "age": f("age", "30")}
    assert age_at_death(fields, born) == 22
    bad = {"date_of_birth": f("date_of_birth", date(2004, 6, 1), "after the incident")}
    assert age_at_death(fields, {**bad, "age": f("age", "23 yrs")}) == 23
    assert age_at_death(fields, {"age": f("age", "early twenties")}) is None


# --- how much notice of publication a date gives -------------------------------------------


@pytest.mark.parametrize(
    ("today", "planned", "late_ok", "given", "late", "refused"),
    [
        (date(2027, 6, 1), date(2027, 7, 1), False, 22, False, None),
        (date(2027, 6, 22), date(2027, 7, 1), False, 7, False, None),  # exactly 7: on time
        (date(2027, 6, 23), date(2027, 7, 1), False, 6, True, "is 6 working days away"),
        (date(2027, 6, 23), date(2027, 7, 1), True, 6, True, None),
        (date(2027, 7, 2), date(2027, 7, 1), True, -1, True, "Thu 1 Jul 2027 has passed"),
        # Over Christmas: 24 Dec to 4 Jan is only 4 working days (29, 30, 31 Dec and 4 Jan).
        (date(2026, 12, 24), date(2027, 1, 4), False, 4, True, "is 4 working days away"),
    ],
)
def test_check_notice(
    today: date, planned: date, late_ok: bool, given: int, late: bool, refused: str | None
) -> None:
    check = check_notice(today, planned, late_ok, CAL)
    assert (check.given, check.late) == (given, late)
    if refused is None:
        assert check.refusal is None
    else:
        assert check.refusal is not None and refused in check.refusal


def test_a_second_child_who_was_looked_after_counts() -> None:
    extraction = Extraction(
        form="sin",
        fields={k: f(k, v) for k, v in DIED.items()},
        children=(
            {"legal_status": f("legal_status", "CIN")},
            {"legal_status": f("legal_status", "LAC")},
        ),
        chronology=(),
        missing=(),
        doubtful=(),
        flags=(),
    )
    assert looked_after_death(extraction).who == "a looked-after child"


def _read(status: str) -> Extraction:
    """A SIN form, read by the form engine, reporting a child's death with this legal status."""
    return run(
        written(
            *REFERRER,
            ("Child has died", "Yes"),
            ("Date of incident", "18/12/2026"),
            ("Child's name", "Ann Example"),
            ("Legal status", status),
        )
    )


@pytest.mark.parametrize(
    "status",
    [
        # The words of the form's own questions ("Is the child looked after?", "... in care?"),
        # written as the status: a status, never a tick box left empty.
        "Looked after child",
        "Child in care",
        "Looked after young person",
        "S31",
        "Section 31 care order",
        "ICO",
        "S.20",
        "Section 20 accommodated",
        "Placement order",
        "In the care of the local authority",
        "CLA (S20)",
    ],
)
def test_a_looked_after_status_as_social_workers_write_it_opens_the_clock(status: str) -> None:
    finding = looked_after_death(_read(status))
    assert (finding.opens, finding.who, finding.checks) == (True, "a looked-after child", ())


@pytest.mark.parametrize(
    "status",
    ["Former looked after child", "Special guardianship order", "Previously LAC", "Adopted"],
)
def test_a_legal_status_the_reader_cannot_place_opens_the_clock_for_a_person_to_check(
    status: str,
) -> None:
    """It may be looked after: the Secretary of State and Ofsted may be owed a notification in
    5 working days, so the clock opens and the Business Manager is asked, never left out."""
    finding = looked_after_death(_read(status))
    assert finding.opens and finding.who == "a child who may have been looked after"
    [check] = finding.checks
    assert f"legal status as {status!r}" in check and "not required - <reason>" in check


@pytest.mark.parametrize(
    "status",
    ["Child in need", "CP plan", "Not known to CSC", "N/A", "None", "CIN, previously CP plan"],
)
def test_a_status_that_is_not_looked_after_opens_no_clock(status: str) -> None:
    assert looked_after_death(_read(status)) == NOT_REPORTED


def _answered(*rows: tuple[str, str]) -> Extraction:
    """A SIN form for a looked-after child, read by the form engine, with these answers."""
    return run(
        written(
            *REFERRER,
            *rows,
            ("Date of incident", "18/12/2026"),
            ("Child's name", "Ann Example"),
            ("Legal status", "LAC"),
        )
    )


@pytest.mark.parametrize(
    "question",
    [
        "Child has died or been seriously harmed",
        "Has the child died or been seriously harmed?",
        "Death or serious harm",
        "Child died or seriously injured",
        "The child has died / been seriously harmed",
    ],
)
def test_died_or_seriously_harmed_as_one_question_is_not_read_as_either(question: str) -> None:
    """Its Yes does not say which: read as a death it would have the Secretary of State and
    Ofsted told of a death that may not have happened, read as harm it could miss a death. So
    the clock opens and the Business Manager is asked."""
    extraction = _answered((question, "Yes"))
    assert "child_died" not in extraction.fields
    assert "serious_harm" not in extraction.fields
    finding = looked_after_death(extraction)
    assert finding.opens and finding.who == "a looked-after child"
    [check] = finding.checks
    assert "does not say whether the child has died" in check


def test_died_or_seriously_harmed_beside_a_serious_harm_tick_opens_no_clock() -> None:
    extraction = _answered(
        ("Child has died or been seriously harmed", "Yes"), ("Serious harm", "Yes")
    )
    assert looked_after_death(extraction) == NOT_REPORTED


def test_died_or_seriously_harmed_beside_a_death_tick_opens_with_no_check() -> None:
    extraction = _answered(
        ("Child has died or been seriously harmed", "Yes"), ("Child has died", "Yes")
    )
    finding = looked_after_death(extraction)
    assert (finding.opens, finding.checks) == (True, ())


def _died(*rows: tuple[str, str]) -> Extraction:
    """A SIN form, read by the form engine, reporting a death, with these answers and no legal
    status."""
    return run(
        written(
            *REFERRER,
            ("Child has died", "Yes"),
            *rows,
            ("Date of incident", "18/12/2026"),
            ("Child's name", "Ann Example"),
            ("Date of birth", "01/02/2005"),
        )
    )


@pytest.mark.parametrize(
    ("rows", "who"),
    [
        ((("Is the child looked after?", "Yes"),), "a looked-after child"),
        ((("Was the young person looked after?", "Yes"),), "a looked-after child"),
        ((("Is the young person a care leaver?", "Yes"),), "a care leaver"),
        ((("Looked after child died", "Yes"),), "a looked-after child"),
        # Once only flagged: the official words with Yes/No asked in brackets, and a question
        # too long to be matched near its shorter form.
        ((("Child looked after (Y/N)", "Y"),), "a looked-after child"),
        ((("Care leaver (Yes/No)", "Yes"),), "a care leaver"),
        ((("Was the child looked after at the time of death?", "Yes"),), "a looked-after child"),
        ((("Was the child looked after by the local authority?", "Yes"),), "a looked-after child"),
    ],
)
def test_looked_after_asked_as_a_question_of_its_own_opens_the_clock(
    rows: tuple[tuple[str, str], ...], who: str
) -> None:
    """Without it the Secretary of State and Ofsted would not be chased for the death of a
    child the form says was looked after (5 working days)."""
    finding = looked_after_death(_died(*rows))
    assert (finding.opens, finding.who, finding.checks) == (True, who, ())


def test_looked_after_answered_no_opens_no_clock() -> None:
    found = _died(("Is the child looked after?", "No"), ("Is the child a care leaver?", "No"))
    assert looked_after_death(found) == NOT_REPORTED


@pytest.mark.parametrize(
    "label",
    [
        "Looked after by",
        "Child looked after by",
        "Care leaver personal adviser",
        "Looked after status",
        "Date became looked after",
    ],
)
def test_a_label_about_care_that_is_not_the_question_is_not_read_as_its_answer(label: str) -> None:
    """Read as "looked after?", its answer would be a doubtful Yes or No; it is an answer no
    field reads, listed for the Business Manager as such."""
    found = _died((label, "Jo Example"))
    assert "looked_after" not in found.fields and "care_leaver" not in found.fields
    assert any(label in flag for flag in found.flags)


def test_a_looked_after_answer_that_cannot_be_read_opens_the_clock_with_a_check() -> None:
    finding = looked_after_death(_died(("Is the child looked after?", "Possibly")))
    assert finding.opens and finding.who == "a child who may have been looked after"
    [check] = finding.checks
    assert "whether the child was looked after could not be read" in check


@pytest.mark.parametrize("answer", ["Not known", "Unknown", "Yes ☐ No ☐ Not known ☒"])
def test_looked_after_not_known_opens_the_clock_with_a_check(answer: str) -> None:
    """Not known is an answer a person must look at, never a form that did not ask: the
    child may have been looked after, and the notification is owed in 5 working days."""
    found = _died(("Is the child looked after?", answer))
    assert "looked_after" in found.doubtful
    finding = looked_after_death(found)
    assert finding.opens and finding.who == "a child who may have been looked after"
    [check] = finding.checks
    assert "whether the child was looked after could not be read" in check


def test_looked_after_not_applicable_is_unanswered() -> None:
    found = _died(("Is the child looked after?", "N/A"))
    assert "looked_after" not in found.fields and looked_after_death(found) == NOT_REPORTED


def test_died_or_seriously_harmed_beside_a_death_answered_no_opens_no_clock() -> None:
    """ "Child has died: No" answers the death apart: the Yes to both is the harm."""
    extraction = _answered(
        ("Child has died or been seriously harmed", "Yes"), ("Child has died", "No")
    )
    assert looked_after_death(extraction) == NOT_REPORTED
