"""Words for an outside body are refused when they give a person of the family: what the forms
recorded, an answer on the form that no field read, or, whatever the forms hold, a postcode, a
house number and street, a date given as a birth, or a family member's name. Dates of events
and the professionals involved pass."""

from __future__ import annotations

import pytest

from bot.core.personal_text import personal_in
from bot.core.unplaced import unplaced_flag

BIRTH = "looks like it gives a date of birth"
POSTCODE = "looks like it gives an address (a postcode)"
HOUSE = "looks like it gives an address (a house number and street)"
KIN = "looks like it gives a family member's name"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # The audit's lines, on a case whose SIN came with no readable form.
        ("Jamie Example (DOB 01/02/2015) moved to 4 Other Street, Leeds", BIRTH),
        ("from Jamie Example's birth (01/02/2015) to 15/12/2026", BIRTH),
        ("born 01 02 2015", BIRTH),
        ("born on 1.2.2015", BIRTH),
        ("born on the 1st February 2015", BIRTH),
        ("born on Sunday 1 February 2015", BIRTH),
        ("DOB: Sun, 1st Feb 2015", BIRTH),
        ("D.O.B.: 01/02/2015", BIRTH),
        ("date of birth 1 Feb 2015, seen at home", BIRTH),
        ("seen with a sibling, 05/06/2019 (DOB)", BIRTH),
        ("born February 2015", BIRTH),
        ("the family moved to EX9 9ZZ in June", POSTCODE),
        ("the family lived near ex99zz", POSTCODE),
        ("the family moved to 4 Other Street, Leeds", HOUSE),
        ("the search at 4a, The Green was delayed", HOUSE),
        ("records held at Flat 2, 14 Example Court", HOUSE),
        ("the mother Sam Sample asked for time", KIN),
        ("the father, Lee Zzfather, has not given a statement", KIN),
        ("Mother's name: Sam", KIN),
        ("the grandmother (Pat Zzgran) cares for the siblings", KIN),
        ("an aunt called Chris has asked for the report", KIN),
        ("the step-father Lee is on bail", KIN),
        # A name's capital may carry an accent, or be a letter of its own.
        ("the mother, \u00c9lodie, asked for time", KIN),
        ("the father \u0141ukasz is on bail", KIN),
        ("an aunt called \u00c6sa cares for the baby", KIN),
        ("the family moved to 12 \u00c9glise Road", HOUSE),
        ("Alex Reviewer, who knows the mother, Sam Zzmother", KIN),
        # A home stays a home whatever building is named after it.
        ("the father lives at 14 Acacia Avenue", HOUSE),
        ("the father lives at 14 Acacia Avenue offices", HOUSE),
        ("the family moved to 14 Acacia Avenue, near the council offices", HOUSE),
        ("the meeting was held at 14 Acacia Avenue", HOUSE),
    ],
)
def test_words_that_look_like_personal_data_are_refused_with_no_form(text: str, found: str) -> None:
    assert personal_in(text, []) == found


@pytest.mark.parametrize(
    "text",
    [
        "awaiting police disclosure, Coroner's inquest on 12/03/2027",
        "two agencies need more time for their chronologies",
        "from 1 June 2026 to 15 December 2026",
        "the mother's statement is awaited",
        "awaiting the father's statement from GMP",
        "statements from the mother, Police and Health are awaited",
        "trial listed at Minshull Street Crown Court on 12/03/2027",
        "2 Crown Court hearings are listed before the review can finish",
        "the section 47 enquiry began on 1st February 2025",
        "the child was born at 32 weeks",
        "the baby was born in 2026; the birth was registered on 12/03/2026",
        "awaiting Robin Professional's statement",
        "Alex Reviewer, independent reviewer",
        "a sibling, aged 4, was also injured",
        "delayed by the M60 3rd junction closure",
        # A public building's number and street, named as one, is a meeting place.
        "held at 1 Oldham Road offices",
        "the strategy meeting was held at 1 Oldham Road offices on 12/03/2027",
        "the council offices at 1 Oldham Road are closed for the inquest",
        "interviews at Ashton Police Station, 2 Example Street, are delayed",
        "the panel met at Example House, 3 Example Street offices",
    ],
)
def test_reasons_that_give_no_one_pass(text: str) -> None:
    assert personal_in(text, []) is None


FIELDS = [
    ("child_name", "Jamie Example"),
    ("date_of_birth", "2015-02-01"),
    ("address", "27 Lindenbrook Close, SK16 9ZZ"),
]
FLAGS = [unplaced_flag("SIN form.docx, table 3, row 8", "Mother's name", "Sam Zzmother")]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # What the forms recorded is said before what only looks personal.
        ("Jamie Example (DOB 01/02/2015)", "gives the child's name"),
        ("from 1st February 2015 to now", "gives the child's date of birth"),
        ("the mother, Sam Zzmother, asked for time", "gives a name written on the form"),
        ("the father, Lee Zzfather, asked for time", KIN),
        ("awaiting police disclosure, Coroner's inquest on 12/03/2027", None),
        # The family's own street is caught however the building is named.
        ("held at 27 Lindenbrook Close offices", "gives the child's address"),
    ],
)
def test_what_the_forms_gave_is_said_first(text: str, found: str | None) -> None:
    assert personal_in(text, FIELDS, FLAGS) == found
