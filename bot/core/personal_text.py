"""Whether words typed for an outside body give a person of the family: what the forms
recorded, or what looks like personal data whatever the forms hold.

A case whose SIN came with no readable form records nothing of the child, and no form has a
field for a parent; so besides the values the forms gave (bot.core.personal_data, and the
answers no field read, bot.core.unplaced) the words are refused when they look like personal
data on their own: a postcode, a house number and street, a date given as someone's birth,
or a family member named ("mother Sam", "the father, Lee Zzfather"). A date alone is not:
reasons give the dates of events ("Coroner's inquest on 12/03/2027"). What is found is said
as a kind ("an address (a postcode)"), never as the words themselves. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from bot.core.personal_data import BIRTH_CUE, POSTCODE, date_end_at, date_ends, houses, named_in
from bot.core.typography import unaccented
from bot.core.unplaced import answers, unplaced_fields


def personal_in(
    text: str, fields: Iterable[tuple[str, str]], flags: Iterable[str] = ()
) -> str | None:
    """How `text` gives a person, to follow "the reason ...": "gives the child's name",
    "looks like it gives an address (a postcode)"; None when it gives no one.

    `fields`: the forms' (field name, value) pairs; `flags`: the case's form flags, which keep
    the answers no field read."""
    recorded = [*fields, *unplaced_fields(answers(flags))]
    if (found := named_in(text, recorded)) is not None:
        return f"gives {found}"
    if (looks := looks_personal(text)) is not None:
        return f"looks like it gives {looks}"
    return None


def looks_personal(text: str) -> str | None:
    """The kind of personal data `text` looks like it gives, whatever the forms hold."""
    plain = unaccented(" ".join(text.split()))  # "mother Élodie" as "mother Elodie"
    return next((what for check, what in _CHECKS if check(plain)), None)


def _birth(text: str) -> bool:
    """A date after "born", "DOB", "date of birth" or "birth", or before "(DOB)"."""
    if any(date_end_at(text, m.end()) is not None for m in BIRTH_CUE.finditer(text)):
        return True
    return any(_DOB_AFTER.match(text, end) for end in date_ends(text))


_DOB_AFTER = re.compile(r"\s*[(\[]?\s*(?:d\.?\s?o\.?\s?b\b|date\s+of\s+birth)", re.IGNORECASE)
# "M60 3rd": a road and an ordinal, not a postcode.
_ORDINAL = re.compile(r"\d(?:st|nd|rd|th)")


def _postcode(text: str) -> bool:
    return any(not _ORDINAL.fullmatch(m.group(0)[-3:]) for m in POSTCODE.finditer(text))


def _house(text: str) -> bool:
    return next(houses(text), None) is not None


_KIN = (
    r"(?:great[- ]?)?(?:grand|step[- ]?|half[- ]?)?"
    r"(?:mother|father|mum|mummy|mam|dad|daddy|parent|aunt|auntie|aunty|uncle|brother|sister|"
    r"son|daughter|nan|nana|nanna|gran|granny|grandma|grandad|granddad|grandpa|cousin|niece|"
    r"nephew|sibling|twin|carer|guardian|boyfriend|girlfriend)"
)
# A family member, then (after a comma, colon, bracket or "called") a capitalised word, in any
# alphabet ("Æsa"); a word in capitals is an agency's ("GMP", "CAMHS"), not a name.
_KIN_NAME = re.compile(
    rf"\b(?i:{_KIN})(?:s|(?i:'s|\u2019s)\s+(?i:(?:full\s+)?name(?:\s+is)?))?(?!\w)"
    r"[\s:,(\-\u2013]*(?:(?i:is|was|called|named|known\s+as)\s+)?"
    r"(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+)?"
    r"([^\W\d_]{2,}(?:['\u2019-][^\W\d_]+)*)(?!\w)"
)
# Capitalised words after a family member that are not a name: a sentence or a body starting.
WORDS_AFTER_KIN = frozenset(
    {
        *("the", "a", "an", "and", "but", "or", "she", "he", "they", "we", "it", "his", "her"),
        *("their", "this", "that", "there", "who", "which", "was", "is", "has", "had", "not"),
        *("no", "yes", "also", "unknown", "none", "deceased", "police", "health", "council"),
        *("social", "children", "children's", "school", "hospital", "court", "coroner"),
        *("panel", "national", "trust", "probation", "nurse", "doctor", "agency", "services"),
        *("care", "team", "partnership", "local", "authority", "safeguarding", "british"),
        *("greater", "manchester", "tameside", "england"),
        *("january", "february", "march", "april", "may", "june", "july", "august"),
        *("september", "october", "november", "december", "monday", "tuesday", "wednesday"),
        *("thursday", "friday", "saturday", "sunday"),
    }
)


def _kin_name(text: str) -> bool:
    for m in _KIN_NAME.finditer(text):
        word = m.group(1)
        if word[0].isupper() and word.casefold() not in WORDS_AFTER_KIN and not word.isupper():
            return True
    return False


_CHECKS: tuple[tuple[Callable[[str], bool], str], ...] = (
    (_birth, "a date of birth"),
    (_postcode, "an address (a postcode)"),
    (_house, "an address (a house number and street)"),
    (_kin_name, "a family member's name"),
)
