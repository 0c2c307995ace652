"""Answers on a form that no field read, as their flags keep them, and who of the family
they name.

The form engine flags each such answer for the Business Manager ("an answer not read into any
field (SIN form.docx, table 3, row 9): 'Mother's name': 'Sam Zzmother'"); the flag, kept on the
case as a `form_problem` event, is its only record. A parent's name or address written where
the form has no field for it identifies the family as surely as the child's own, so the check
on words for outside bodies reads the answers back from the flags and gives what they hold as
pseudo fields (bot.core.personal_data.UNPLACED) beside the form's own. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date

from bot.core.personal_data import (
    BIRTH_CUE,
    NOT_A_NAME,
    POSTCODE,
    date_end_at,
    dates_in,
    houses,
)
from bot.core.typography import unaccented

_PREFIX = "an answer not read into any field"


def unplaced_flag(where: str, label: str, value: str) -> str:
    """The flag for an answer no field read; `answers` reads it back."""
    return f"{_PREFIX} ({where}): {label!r}: {value!r}"


_QUOTED = r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*\""""
_FLAG = re.compile(rf"{_PREFIX} \(.*?\): ({_QUOTED}): ({_QUOTED})", re.DOTALL)
_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.DOTALL)
_ESCAPED = {"n": "\n", "r": "\r", "t": "\t"}


def answers(flags: Iterable[str]) -> list[tuple[str, str]]:
    """(label, value) of each answer the flags give, the value as the flag kept it (a long
    answer is cut). Other flags give nothing."""
    found = []
    for flag in flags:
        if (m := _FLAG.fullmatch(flag)) is not None:
            found.append((_unquote(m.group(1)), _unquote(m.group(2))))
    return found


def _unquote(literal: str) -> str:
    """The text of a string as `repr` wrote it."""

    def one(m: re.Match[str]) -> str:
        code = m.group(1)
        if len(code) > 1:  # \xNN, \uNNNN, \UNNNNNNNN
            return chr(int(code[1:], 16))
        return _ESCAPED.get(code, code)

    return _ESCAPE.sub(one, literal[1:-1])


# A label asking for a person of the family ("Mother's name", "Father", "Other household
# members"); one asking for a professional, an agency or a place gives no one's name.
_KIN_LABEL = re.compile(
    r"\b(?:name|mother|father|mum|dad|parent|carer|guardian|aunt|uncle|brother|sister|"
    r"sibling|grand\w*|step\w*|relative|household|partner|cousin|niece|nephew|son|daughter|"
    r"boyfriend|girlfriend)(?:s|'s|\u2019s)?\b",
    re.IGNORECASE,
)
_NOT_KIN_LABEL = re.compile(
    r"\b(?:practitioner|professional|author|referr\w*|completed|completing|manager|officer|"
    r"worker|lead|agency|organi[sz]ation|designation|role|job|team|signed|signature|gp|"
    r"school|hospital|surgery|police|nurse|doctor|visitor|service|setting)s?\b",
    re.IGNORECASE,
)
_BIRTH_LABEL = re.compile(r"\b(?:d\.?\s?o\.?\s?b|date\s+of\s+birth|birth|born)\b", re.IGNORECASE)
_ADDRESS_LABEL = re.compile(r"\b(?:address|postcode|post\s+code)\b", re.IGNORECASE)
# A name as written: one to four capitalised words, none an initial or a code ("EX9").
_NAME_RUN = re.compile(
    r"(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+)?"
    r"((?:[A-Z][^\W\d_]+(?:['\u2019-][^\W\d_]+)*(?!\w)\s*){1,4})"
)
# Capitalised words that name a place or a body, or answer the question, not a person.
_NOT_NAMES = frozenset(
    {
        *("yes", "no", "n", "none", "unknown", "deceased", "not", "known", "same", "as", "see"),
        *("hospital", "school", "primary", "academy", "college", "surgery", "practice"),
        *("centre", "center", "council", "police", "trust", "nhs", "services", "service"),
        *("team", "unit", "ward", "station", "court", "general", "royal", "infirmary"),
        *("clinic", "house", "church", "nursery", "prison", "hmp", "street", "road"),
    }
)


def unplaced_fields(found: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """What the answers give of a person, as pseudo fields ("unplaced_name", "unplaced_address",
    "unplaced_date_of_birth", the date as 2015-02-01) for bot.core.personal_data: the names a
    label asking for a family member was answered with; an address, a whole answer to an
    address label or the house number and street or postcode in any answer; a date of birth,
    every date answering a label asking for one or a date written after "born" or "DOB"."""
    fields: list[tuple[str, str]] = []
    for label, value in found:
        # "Łucja Zzmother" read as "Lucja Zzmother": a capital with an accent starts a name too.
        value = unaccented(value.removesuffix("\u2026").strip())
        if _BIRTH_LABEL.search(label):  # the date as written too: "05/06/88"
            fields += [("unplaced_date_of_birth", d) for d in [*_full_dates(value), value]]
            continue
        if _ADDRESS_LABEL.search(label):
            fields.append(("unplaced_address", value))
            continue
        if _KIN_LABEL.search(label) and not _NOT_KIN_LABEL.search(label):
            fields += [("unplaced_name", name) for name in _names(value)]
        places = [*houses(value), *(m.group(0) for m in POSTCODE.finditer(value))]
        fields += [("unplaced_address", place) for place in places]
        fields += [("unplaced_date_of_birth", d) for d in _births(value)]
    return fields


def _names(value: str) -> Iterator[str]:
    """The names in an answer about family members: "Lee Zzfather, 4 Other Street" gives
    "Lee Zzfather"; "Mother, stepfather, Bo (7)" gives "Bo"."""
    for part in re.split(r"[,;/&\n(]|\band\b", value):
        m = _NAME_RUN.match(part.strip())
        if m is None:
            continue
        words = m.group(1).split()
        if any(w.casefold() in _NOT_NAMES for w in words):
            continue  # "Tameside General Hospital", "Not known", "Yes"
        named = [w for w in words if w.casefold() not in NOT_A_NAME]
        if named:
            yield " ".join(named)


def _births(value: str) -> Iterator[str]:
    for m in BIRTH_CUE.finditer(value):
        end = date_end_at(value, m.end())
        if end is not None:
            yield from _full_dates(value[m.end() : end])


def _full_dates(text: str) -> Iterator[str]:
    """Each whole date in `text` with its year in full, as 2015-02-01."""
    for d, m, y in dates_in(text):
        if y < 1000:  # "05/06/88": which century is a guess
            continue
        try:
            yield date(y, m, d).isoformat()
        except ValueError:
            continue
