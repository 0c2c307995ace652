"""Words typed for an outside body that give what the forms recorded of the child and family
are found, however a date is written, without false alarms."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot.core.personal_data import named_in, personal_values, withhold
from bot.core.personal_text import looks_personal
from tests.fixtures.written_dates import WRITTEN, WRITTEN_SHORT

FIELDS = [
    ("child_name", "Quinn Zed Invented"),
    ("date_of_birth", "2020-04-03"),
    ("address", "1 Example Street, Townsend, EX1 2AB"),
    ("school", "Greenfield Primary School"),
    ("gp", "Lindenbrook Surgery"),
    ("siblings", "Mrs Sam Sample (mother); Alexis (7)"),
    ("referrer_name", "Robin Professional"),
    ("incident_date", "2026-12-18"),  # a date the deadlines need, not a person
    ("incident_la", "Tameside"),
]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Quinn's mother is in hospital", "the child's name"),
        ("the INVENTED family asked for time", "the child's name"),
        ("from birth (03/04/2020) to 15 December 2026", "the child's date of birth"),
        ("from 3 April 2020 to now", "the child's date of birth"),
        ("from 2020-04-03", "the child's date of birth"),
        ("from birth (03-04-2020)", "the child's date of birth"),
        ("from the 3rd of April 2020", "the child's date of birth"),
        ("since April 3, 2020", "the child's date of birth"),
        ("born 3.4.20", "the child's date of birth"),
        ("events since 03-Apr-20", "the child's date of birth"),
        ("events since 3-April-2020", "the child's date of birth"),
        ("from 03 04 2020 to now", "the child's date of birth"),
        ("from 3 4 2020 to now", "the child's date of birth"),
        ("the house at 1 example street was searched", "the child's address"),
        ("after the move to EX1 2AB in June", "the child's address"),
        # The street alone, or shortened, gives the address as surely as with its number.
        ("police have not yet searched the home on Example Street", "the child's address"),
        ("records held at 1 Example St. are missing", "the child's address"),
        ("the family lived near ex12ab", "the child's address"),
        ("from admission to Greenfield Primary School (Sept 2019)", "the child's school"),
        ("records from lindenbrook surgery awaited", "the child's GP"),
        ("Sam Sample has asked for more time", "a sibling's or household member's name"),
        ("Alexis was also seen", "a sibling's or household member's name"),
        # Initials, ordinary words that contain a name part, other dates, a town alone, the
        # professionals on the form and words of a name field that name nobody are fine.
        ("Q.Z.I.'s family asked for time", None),
        ("two agencies need more time for their chronologies", None),
        ("1 June 2026 to 15 December 2026", None),
        ("from 04/03/2020, a different day", None),
        ("reviewed 03 04 2026", None),
        ("the inquest is not yet held; Zedbury police station", None),
        ("the family moved within Townsend", None),
        ("the street was closed for the inquest", None),
        ("awaiting Robin Professional's statement", None),
        ("the mother's statement is awaited", None),
        ("Tameside's records are complete", None),
    ],
)
def test_the_child_and_family_are_found_in_typed_words(text: str, found: str | None) -> None:
    assert named_in(text, FIELDS) == found


def test_a_street_called_only_the_green_does_not_withhold_every_green() -> None:
    fields = [("address", "4 The Green, Townsend")]
    assert named_in("the green light was given by the panel", fields) is None
    assert named_in("the search at 4 The Green", fields) == "the child's address"


def test_a_name_field_that_names_no_one_makes_no_word_personal() -> None:
    fields = [("siblings", "None known"), ("child_name", "Not known"), ("gp", "not registered")]
    assert personal_values(fields) == frozenset()
    assert named_in("none of the agencies has known the family long", fields) is None


def test_the_values_withheld_include_address_parts_and_sibling_names() -> None:
    secrets = personal_values(FIELDS)
    assert {"EX1 2AB", "1 Example Street", "Sam", "Sample", "Alexis", "Robin"} <= secrets
    assert not {"Townsend", "Tameside", "Mrs", "mother", "2026-12-18"} & secrets


def test_a_name_is_found_as_it_is_typed_without_accents_curled_or_halved() -> None:
    fields = [
        ("child_name", "Zo\u00eb O'Brien-Smythe"),
        ("siblings", "Mrs \u0141ucja N\u00fa\u00f1ez"),
    ]
    for text in ("Zoe was seen", "the O\u2019Brien family", "the Smythe family", "OBRIEN's"):
        assert named_in(text, fields) == "the child's name", text
    assert named_in("Mrs Nunez asked for time", fields) == (
        "a sibling's or household member's name"
    )
    assert named_in("Lucja asked for time", fields) == "a sibling's or household member's name"


def test_what_is_told_back_withholds_a_name_however_it_is_typed() -> None:
    secrets = personal_values([("child_name", "Zo\u00eb O'Brien-Smythe")])
    told = "ZOE\u2019s mother, the O\u2019Brien-Smythe family and the Smythe\nfamily; Zoe\u0308!"
    assert withhold(told, secrets) == (
        "[withheld]\u2019s mother, the [withheld] family and the [withheld]\nfamily; [withheld]!"
    )
    address = personal_values([("address", "1 Upper Mill Road, Townsend, EX1 2AB")])
    assert withhold("searched Upper Mill\nRoad, ex1 2ab", address) == (
        "searched [withheld], [withheld]"
    )


def test_a_two_letter_name_is_found_as_a_word_written_with_its_capital() -> None:
    fields = [("child_name", "Bo Invented"), ("siblings", "Li (4)")]
    assert named_in("Bo was seen at home", fields) == "the child's name"
    assert named_in("LI has asked for time", fields) == "a sibling's or household member's name"
    assert named_in("the Board met; bo and li are not names here", fields) is None
    assert named_in("Bo was seen at home", [("siblings", "BO (7)")]) == (
        "a sibling's or household member's name"
    )
    # The Status view withholds whole words whatever their case: not every "bo".
    assert "Bo" not in personal_values(fields)


BIRTHS = st.dates(min_value=date(2000, 1, 1), max_value=date(2026, 12, 31))
EVERY_WAY = {**WRITTEN, **WRITTEN_SHORT}


@given(BIRTHS, st.sampled_from(sorted(EVERY_WAY)))
def test_a_date_of_birth_is_found_however_it_is_written(born: date, way: str) -> None:
    """Typed for the National Panel, the child's date of birth in any form a person writes a
    date is found and refused, whatever surrounds it: none slips out as an ordinary day."""
    fields = [("child_name", "Quinn Zed Invented"), ("date_of_birth", born.isoformat())]
    text = f"agencies need time: events since {EVERY_WAY[way](born)}, as the school said"
    assert named_in(text, fields) == "the child's date of birth"


@given(BIRTHS, st.sampled_from(sorted(EVERY_WAY)), st.integers(min_value=1, max_value=400))
def test_another_day_is_not_taken_for_the_date_of_birth(born: date, way: str, off: int) -> None:
    other = born + timedelta(days=off)
    fields = [("child_name", "Quinn Zed Invented"), ("date_of_birth", born.isoformat())]
    text = f"agencies need time: events since {EVERY_WAY[way](other)}, as the school said"
    assert named_in(text, fields) is None


@given(BIRTHS, st.sampled_from(sorted(EVERY_WAY)), st.sampled_from(["DOB", "born", "D.O.B.:"]))
def test_a_date_given_as_a_birth_looks_personal_on_a_case_with_no_form(
    born: date, way: str, cue: str
) -> None:
    """No form read, so nothing recorded to compare with: a date after "born" or "DOB",
    however it is written, is still refused for an outside body."""
    text = f"the delay: records for the baby ({cue} {EVERY_WAY[way](born)}) are awaited"
    assert looks_personal(text) == "a date of birth"


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    st.sampled_from(sorted(EVERY_WAY)),
)
def test_the_date_of_an_event_does_not_look_personal(day: date, way: str) -> None:
    """Reasons give the dates of events; one after no word of birth passes however written."""
    assert looks_personal(f"the coroner's inquest is on {EVERY_WAY[way](day)}, as agreed") is None


_LETTERS = st.sampled_from("ABCDEFGHJKLMNOPRSTUWYZ")
_DIGIT = st.integers(min_value=0, max_value=9).map(str)
# Every shape a UK postcode's outward code takes: A9, A99, AA9, AA99, A9A, AA9A.
outward = st.one_of(
    st.tuples(_LETTERS, _DIGIT),
    st.tuples(_LETTERS, _DIGIT, _DIGIT),
    st.tuples(_LETTERS, _LETTERS, _DIGIT),
    st.tuples(_LETTERS, _LETTERS, _DIGIT, _DIGIT),
    st.tuples(_LETTERS, _DIGIT, _LETTERS),
    st.tuples(_LETTERS, _LETTERS, _DIGIT, _LETTERS),
).map("".join)
inward = st.tuples(_DIGIT, _LETTERS, _LETTERS).map("".join)


@given(outward, inward, st.sampled_from([" ", "", "  "]), st.booleans())
def test_a_postcode_looks_personal_however_it_is_typed(
    out: str, inn: str, gap: str, lower: bool
) -> None:
    # One written in small letters ending like an ordinal is read as one ("the M60 3rd
    # junction"): tests/core/test_personal_text.py.
    assume(not (lower and inn[1:] in ("ST", "ND", "RD", "TH")))
    code = f"{out}{gap}{inn}"
    text = f"the family moved to {code.lower() if lower else code} last month"
    assert looks_personal(text) == "an address (a postcode)", text
