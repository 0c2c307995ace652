"""Properties of a form's dates (bot.core.forms): over every day from 2000 to 2099 and every way
a person writes one, the day is read as written; and a day its weekday contradicts is read as
the earlier of its two readings, flagged, so no clock starts late. And of the child's initials,
the one detail of the child outside bodies are told: over invented names written every way a
name field is filled in, they are the name's, never a title's, a date's or a note's."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from hypothesis import assume, example, given
from hypothesis import strategies as st

from bot.core.dates import weekday_name
from bot.core.forms.model import NOT_NAME_WORDS, name_initials
from bot.core.typography import unaccented
from tests.core.test_forms import REFERRER, VOCABULARY, form, run
from tests.fixtures.written_dates import WRITTEN, WRITTEN_SHORT

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
EVERY_WAY = {**WRITTEN, **WRITTEN_SHORT}
# The ways that name no weekday, for a weekday to be put before.
PLAIN = sorted(way for way in EVERY_WAY if not way.lower().startswith(("weekday", "wkd")))


@given(days, st.sampled_from(sorted(EVERY_WAY)))
def test_a_forms_date_is_the_day_written(day: date, way: str) -> None:
    found = run(form(*REFERRER, ("Date of incident", EVERY_WAY[way](day))))
    incident = found.fields["incident_date"]
    assert incident.value == day
    assert incident.problem is None and "incident_date" not in found.doubtful


@given(days, st.sampled_from(PLAIN), st.integers(min_value=1, max_value=6))
def test_a_day_its_weekday_contradicts_is_read_no_later_and_flagged(
    day: date, way: str, off: int
) -> None:
    weekday = weekday_name((day.weekday() + off) % 7)
    written = f"{weekday} {EVERY_WAY[way](day)}"
    aware = run(form(*REFERRER, ("Date the local authority became aware", written)))
    field = aware.fields["la_aware_date"]
    assert isinstance(field.value, date) and field.value <= day, written
    assert field.value.weekday() == day.weekday() or weekday_name(field.value.weekday()) == weekday
    assert field.problem is not None and "does not add up" in field.problem, written
    assert "la_aware_date" in aware.doubtful


_WORD = st.text("abcdefghijklmnopqrstuvwxyz\u00e9\u00f6\u0142\u00f1", min_size=2, max_size=9).map(
    str.capitalize
)
_SURNAME = st.one_of(_WORD, _WORD.map(lambda w: f"O'{w}"), st.tuples(_WORD, _WORD).map("-".join))
# What a name field holds beside the name, as forms are filled in.
_TITLES = ("", "Mr ", "Miss ", "Master ", "Mx ", "Dr ", "Baby ")
_AFTER = ("", " (DOB {day})", " DOB: {day}", ", aged 4", " (known as {nick})", " born {day}",
          " b. {day}", " (aged 4)", " - known as {nick}")  # fmt: skip
_CUES = {"and", "aged", "age", "born", "aka", "dob", "known", "as", "b"}


@given(
    st.lists(_WORD, min_size=1, max_size=2),
    _SURNAME,
    st.booleans(),
    st.sampled_from(_TITLES),
    st.sampled_from(_AFTER),
    st.sampled_from([str, str.upper, str.lower]),
    days,
    _WORD,
)
@example(["Jamie"], "Example", False, "", " (known as {nick})", str, date(2015, 2, 1), "Jay")
@example(["Sam"], "Example", False, "Mx ", "", str, date(2015, 2, 1), "Jay")
@example(["Jamie"], "Example", True, "", " DOB: {day}", str.upper, date(2015, 2, 1), "Jay")
@example(["Tunde"], "Akande", False, "", "", str, date(2015, 2, 1), "Jay")  # not "aka"
@example(["Sam"], "Do", False, "", " b. {day}", str, date(2000, 1, 1), "Jay")  # not "DOB"
def test_the_childs_initials_are_the_names_however_the_field_is_filled_in(
    forenames: list[str],
    surname: str,
    surname_first: bool,
    title: str,
    after: str,
    case: Callable[[str], str],
    born: date,
    nick: str,
) -> None:
    """ "Jamie Example", "EXAMPLE, Jamie (DOB 01/02/2015)", "Master Jamie Example, aged 4",
    "Jamie (known as Jay) Example": J.E. each time."""
    words = [*forenames, *surname.replace("'", " ").replace("-", " ").split()]
    assume(all(w.casefold() not in NOT_NAME_WORDS | _CUES for w in words))
    name = (
        f"{surname}, {' '.join(forenames)}" if surname_first else f"{' '.join(forenames)} {surname}"
    )
    written = case(title + name + after.format(day=born.strftime("%d/%m/%Y"), nick=nick))
    expected = "".join(f"{unaccented(w[0]).upper()}." for w in [*forenames, surname])
    assert name_initials(written) == expected, written


@given(st.lists(_WORD, min_size=1, max_size=2), _SURNAME, st.sampled_from(_AFTER), days, _WORD)
@example(["Sam"], "Invented", "", date(2015, 2, 1), "Jay")
def test_a_surname_in_capitals_written_first_is_the_last_initial(
    forenames: list[str], surname: str, after: str, born: date, nick: str
) -> None:
    """ "INVENTED Sam", as records write a surname: S.I., the initials another agency's
    "Sam Invented" gives, never I.S."""
    words = [*forenames, *surname.replace("'", " ").replace("-", " ").split()]
    assume(all(w.casefold() not in NOT_NAME_WORDS | _CUES for w in words) and len(surname) > 2)
    written = f"{surname.upper()} {' '.join(forenames)}" + after.format(
        day=born.strftime("%d/%m/%Y"), nick=nick
    )
    expected = "".join(f"{unaccented(w[0]).upper()}." for w in [*forenames, surname])
    assert name_initials(written) == expected, written


# How a baby's record names its parent, not the baby ({parent} is the parent's whole name).
_PARENTS_BABY = (
    "Unborn baby of {parent}",
    "Baby of {parent}",
    "Baby Boy of {parent}",
    "Twin 1 of {parent}",
    "unborn child of {parent} (EDD {day})",
    "{parent}'s unborn baby",
    "{parent}\u2019s baby",
    "{surname}, Baby of {forename}",
)
# How a baby's record names the baby by its family's surname.
_FAMILYS_BABY = (
    "Baby {surname}",
    "Baby Girl {surname}",
    "Twin 2 {surname}",
    "Twin A {surname} (born {day})",
    "Unborn baby {surname}",
    "{surname}, Baby Boy",
)


@given(_WORD, _SURNAME, st.sampled_from(_PARENTS_BABY), st.sampled_from(_FAMILYS_BABY), days)
@example("Jo", "Invented", "Unborn baby of {parent}", "Baby {surname}", date(2027, 2, 1))
def test_a_baby_named_by_its_parent_has_no_initials_and_by_its_family_the_surnames(
    forename: str, surname: str, by_parent: str, by_family: str, day: date
) -> None:
    """ "Unborn baby of Jo Invented" gives no initials (J.I. are the mother's, and the National
    Panel would be told them as the child's); "Twin 1 Invented" gives the family's, I."""
    assume(forename.casefold() not in NOT_NAME_WORDS | _CUES)
    assume(all(w.casefold() not in NOT_NAME_WORDS | _CUES for w in re.split(r"[-' ]", surname)))
    when = day.strftime("%d/%m/%Y")
    parent = f"{forename} {surname}"
    named = by_parent.format(parent=parent, surname=surname, forename=forename, day=when)
    assert name_initials(named) == "", named
    written = by_family.format(surname=surname, day=when)
    assert name_initials(written) == f"{unaccented(surname[0]).upper()}.", written


_SIN = VOCABULARY.forms["sin"]
_TICKS = sorted(
    (spec.name, label)
    for spec in (_SIN.fields.values() if isinstance(_SIN.fields, dict) else _SIN.fields)
    if spec.type == "tick"
    for label in spec.labels
)


@given(
    st.sampled_from(_TICKS),
    st.booleans(),
    st.sampled_from([", ", " - ", " \u2013 ", " ", ": "]),
    st.sampled_from([str, str.capitalize, str.upper]),
)
@example(("child_died", "child died"), True, ", ", str.capitalize)  # "Yes, child died": No
def test_a_tick_answered_in_words_that_repeat_its_label_is_the_answer_written(
    tick: tuple[str, str], answer: bool, separator: str, case: Callable[[str], str]
) -> None:
    """[Child has died | Yes, child died]: the second cell is the answer, not the label again
    with its box left empty (which read a death as "No")."""
    name, label = tick
    written = f"{'Yes' if answer else 'No'}{separator}{case(label)}"
    found = run(form(*REFERRER, (case(label), written)))
    assert found.fields[name].value is answer, written
