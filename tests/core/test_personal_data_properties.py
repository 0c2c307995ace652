"""Properties of what the forms recorded of a child and family, over invented names and
streets spelled every way people type them (in capitals or small letters, with or without
their accents, a curly apostrophe or a straight one, half of a double-barrelled name, a street's
kind shortened): words typed for an outside body that give any of it are refused, and what the
bot repeats to a partner outside the partnership has none of it left."""

from __future__ import annotations

import re

from hypothesis import assume, example, given
from hypothesis import strategies as st

from bot.core.personal_data import NOT_A_NAME, NOTHING_GIVEN, named_in, personal_values, withhold
from bot.core.personal_text import WORDS_AFTER_KIN, looks_personal
from bot.core.typography import unaccented

# Letters of the names English, Irish, Polish, Portuguese, French and Nordic families give.
_LETTERS = "abcdefghijklmnopqrstuvwxyzáàâäãåçéèêëíìîïñóòôöõøúùûüýłśźżćń"
_WORD = st.text(_LETTERS, min_size=3, max_size=9).map(str.capitalize)
# A name's word as it is spelled on the form: "Zoë", "O'Brien", "McAdam", "Núñez-Smythe".
_SPELLED = st.one_of(
    _WORD,
    _WORD.map(lambda w: f"O'{w}"),
    _WORD.map(lambda w: f"Mc{w}"),
    st.tuples(_WORD, _WORD).map("-".join),
)
_STREET_KINDS = {"Street": "St", "Road": "Rd", "Avenue": "Ave", "Close": "Cl", "Lane": "Ln"}
_HOME = "police have not yet searched the home on {}, as agreed"
_AROUND = "agencies need time: {} was not seen at home, as the school said"


def _typed(word: str, case: str, accents: bool, curly: bool) -> str:
    """`word` as someone typing it may: its case changed, its accents dropped, its apostrophe
    curled by Outlook or Word."""
    word = {"as spelled": word, "capitals": word.upper(), "small": word.lower()}[case]
    word = word if accents else unaccented(word)
    return word.replace("'", "\u2019") if curly else word


_CASES = st.sampled_from(["as spelled", "capitals", "small"])


def _said(word: str, text: str) -> bool:
    """Whether `text` still gives `word`, however it is typed there."""
    pattern = rf"(?<!\w){re.escape(unaccented(word))}(?!\w)"
    return re.search(pattern, unaccented(text), re.IGNORECASE) is not None


def _parts(spelled: str) -> list[str]:
    """What of a name's word identifies the person: the whole and each half of a
    double-barrelled name."""
    return [spelled, *spelled.split("-")]


@given(
    st.lists(_SPELLED, min_size=1, max_size=3),
    st.integers(min_value=0, max_value=8),
    st.sampled_from(["child_name", "siblings"]),
    _CASES,
    st.booleans(),
    st.booleans(),
    st.sampled_from(["", "'s", "\u2019s"]),
)
@example(["Zoë", "O'Brien"], 0, "child_name", "as spelled", False, False, "")  # "Zoe"
@example(["Zoë", "O'Brien"], 1, "child_name", "as spelled", True, True, "")  # curled by Word
@example(["Núñez-Smythe"], 2, "siblings", "capitals", True, False, "'s")  # "SMYTHE'S"
def test_a_name_the_forms_recorded_is_refused_and_withheld_however_it_is_typed(
    name: list[str],
    which: int,
    field: str,
    case: str,
    accents: bool,
    curly: bool,
    possessive: str,
) -> None:
    """Any word of the name, or either half of a double-barrelled one, typed any way."""
    parts = [p for w in name for p in _parts(w)]
    bare = [unaccented(p).casefold() for p in parts]  # "Ñot" typed "Not" names nobody
    assume(all(b not in NOT_A_NAME and b not in _AROUND and "withheld" not in b for b in bare))
    assume(not NOTHING_GIVEN.fullmatch(unaccented(" ".join(name))))  # "Nil": no one named
    word = parts[which % len(parts)]
    fields = [(field, " ".join(name)), ("incident_la", "Tameside")]
    text = _AROUND.format(_typed(word, case, accents, curly) + possessive)
    said = "the child's name" if field == "child_name" else "a sibling's or household member's name"
    assert named_in(text, fields) == said, text
    withheld = withhold(text, personal_values(fields))
    assert not any(_said(p, withheld) for p in parts), withheld


@given(
    st.integers(min_value=1, max_value=250),
    st.lists(_WORD, min_size=1, max_size=3),
    st.sampled_from(sorted(_STREET_KINDS)),
    _CASES,
    st.booleans(),
    st.booleans(),
)
def test_a_street_the_forms_recorded_is_refused_and_withheld_however_it_is_typed(
    number: int, words: list[str], kind: str, case: str, accents: bool, short: bool
) -> None:
    """The child's street, with or without its house number, its kind in full or shortened."""
    street = " ".join(words)
    assume(unaccented(street).casefold() not in [*_HOME.casefold().split(), "the"])
    fields = [("address", f"{number} {street} {kind}, Townsend, EX1 2AB")]
    typed = f"{_typed(street, case, accents, False)} {_STREET_KINDS[kind] if short else kind}"
    text = _HOME.format(typed)
    assert named_in(text, fields) == "the child's address", text
    withheld = withhold(text, personal_values(fields))
    assert not _said(street, withheld), withheld


@given(
    st.sampled_from(["mother", "father", "stepfather", "grandma", "uncle", "sister"]),
    st.sampled_from(["{} {}", "{}, {},", "{} called {}", "{} ({})", "{}'s name is {}"]),
    _WORD,
    st.booleans(),
)
def test_a_family_member_named_looks_personal_whatever_the_name_s_letters(
    kin: str, shape: str, name: str, accents: bool
) -> None:
    """No form needed: "the mother, Łucja," gives a person as surely as "the mother, Lucy,"."""
    bare = unaccented(name).casefold()
    assume(bare not in WORDS_AFTER_KIN and bare not in {"mr", "mrs", "ms", "miss", "mx", "dr"})
    text = f"the delay: the {shape.format(kin, name if accents else unaccented(name))} asked"
    assert looks_personal(text) == "a family member's name", text
