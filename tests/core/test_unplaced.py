"""Answers on a form that no field read come back from their flags, and give the names,
addresses and dates of birth a label asking for a family member was answered with; a
professional's name, a hospital or an answer naming no one gives nothing."""

from __future__ import annotations

import pytest

from bot.core.personal_data import named_in
from bot.core.unplaced import answers, unplaced_fields, unplaced_flag

FLAGS = [
    unplaced_flag("SIN form.docx, table 3, row 8", "Mother's name", "Sam Zzmother"),
    unplaced_flag(
        "SIN form.docx, table 3, row 9",
        "Father",
        "Lee Zzfather, 4 Other Street, EX9 9ZZ, born 05/06/1988",
    ),
    unplaced_flag("SIN form.docx, table 3, row 10", "Household", "Mother, stepfather, Bo (7)"),
    unplaced_flag("SIN form.docx, table 3, row 11", "Name of practitioner", "Dana Worker"),
    unplaced_flag("SIN form.docx, table 4, row 9", "Hospital name", "Tameside General Hospital"),
    unplaced_flag("SIN form.docx, table 4, row 10", "Other information", "A sibling was also hurt"),
    unplaced_flag("SIN form.docx, table 4, row 11", "Father's DOB", "5th June 1988"),
    "form names two children",
]


def test_an_answer_comes_back_from_its_flag_whatever_its_quotes() -> None:
    flag = unplaced_flag("table 1, row 2", "Mother's name", 'Sam "Sammy" Zz\\mother\n\u00e9')
    assert answers([flag, "form names two children"]) == [
        ("Mother's name", 'Sam "Sammy" Zz\\mother\n\u00e9')
    ]


def test_an_answer_gives_the_names_addresses_and_births_it_holds() -> None:
    assert unplaced_fields(answers(FLAGS)) == [
        ("unplaced_name", "Sam Zzmother"),
        ("unplaced_name", "Lee Zzfather"),
        ("unplaced_address", "4 Other Street"),
        ("unplaced_address", "EX9 9ZZ"),
        ("unplaced_date_of_birth", "1988-06-05"),
        ("unplaced_name", "Bo"),
        ("unplaced_date_of_birth", "1988-06-05"),
        ("unplaced_date_of_birth", "5th June 1988"),
    ]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Sam has asked for more time", "a name written on the form"),
        ("awaiting Zzfather's statement", "a name written on the form"),
        ("Bo was also seen", "a name written on the form"),
        ("the home on Other Street is not yet searched", "an address written on the form"),
        ("the family lived near EX99ZZ", "an address written on the form"),
        ("the father's records (05/06/1988) are missing", "a date of birth written on the form"),
        ("the father's records (5 June 1988) are missing", "a date of birth written on the form"),
        ("awaiting Dana Worker's report", None),
        ("Tameside General Hospital records are complete", None),
        ("a sibling was also hurt; records are awaited", None),
    ],
)
def test_what_an_answer_gives_is_found_as_the_forms_fields_are(
    text: str, found: str | None
) -> None:
    assert named_in(text, unplaced_fields(answers(FLAGS))) == found


def test_a_name_whose_capital_carries_an_accent_is_a_name() -> None:
    """ "Łucja" and "Élodie" start a name as "Sam" does; typed without the accent, still found."""
    found = [("Mother's name", "\u0141ucja Zzmother"), ("Father", "\u00c9lodie Zzfather")]
    assert unplaced_fields(found) == [
        ("unplaced_name", "Lucja Zzmother"),
        ("unplaced_name", "Elodie Zzfather"),
    ]
    for text in ("\u0141ucja has asked for time", "Lucja has asked for time", "ZZFATHER's"):
        assert named_in(text, unplaced_fields(found)) == "a name written on the form", text
