"""What the case's forms recorded that identifies a person, and whether words give any of it.

Mail that leaves the partnership carries the case reference and initials, never a name, a date
of birth, an address, a school or anyone else the forms named; the `Status` view withholds the
same values from what it repeats. Pure: the forms' (field name, value) pairs and the text in,
what was found (never the value itself) out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date

from bot.core.dates import MONTH_NAMES, WEEKDAY_WORDS
from bot.core.typography import unaccented, unaccented_at

WITHHELD = "[withheld]"

# Form fields that identify a person (the child, family, referrer, approver, author).
_PERSONAL_FIELD = re.compile(
    r"(?:^|_)(?:name|forename|surname|address|email|phone|date_of_birth|"
    r"expected_date_of_delivery|school|gp|incident_location|siblings)$"
)
_NAME_FIELD = re.compile(r"(?:^|_)(?:name|forename|surname|siblings)$")
_BIRTH_FIELD = re.compile(r"(?:^|_)(?:date_of_birth|expected_date_of_delivery)$")
# A value with a digit, an @ or a space is specific ("27 Lindenbrook Close", "SK16 9ZZ"); a bare
# "Tameside" names a borough, not a person, and is in every partner's email address.
_SPECIFIC = re.compile(r"[\d@\s]")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
# Words of a name field that name nobody: "Mrs Sam Sample (mother), 34" keeps Sam and Sample,
# and "None known" or "not known" keeps nothing.
NOT_A_NAME = frozenset(
    {
        *("mrs", "miss", "mr", "ms", "mx", "dr", "the", "and", "none", "not", "known", "unknown"),
        *("mother", "father", "brother", "sister", "half", "step", "aged", "age", "years"),
        *("baby", "unborn", "child", "children", "sibling", "siblings", "partner", "twin"),
    }
)
# A field filled in to say there is nothing to give: no one's school, GP or address.
NOTHING_GIVEN = re.compile(
    r"(?:n/?a|none|nil|unknown|tbc|not\s+(?:known|applicable|registered|in\s+school))\W*",
    re.IGNORECASE,
)
_MIN_WORD = 3  # shorter values are matched only as names (_SHORT_NAME)
_SHORT_NAME = 2  # "Bo", "Li": a whole word, written with its capital ("Bo", "BO", never "bo")
_ADDRESS_FIELD = re.compile(r"(?:^|_)address$")
# A street's kind as written in full and as people shorten it.
_STREET_KINDS = {
    "street": "st", "road": "rd", "avenue": "ave", "lane": "ln", "drive": "dr", "close": "cl",
    "crescent": "cres", "court": "ct", "place": "pl", "terrace": "terr", "gardens": "gdns",
    "grove": "gr", "square": "sq", "way": "way", "walk": "walk", "rise": "rise", "mews": "mews",
    "row": "row", "hill": "hill", "view": "view", "green": "grn", "park": "pk",
}  # fmt: skip
STREET_KIND = "|".join(sorted({*_STREET_KINDS, *_STREET_KINDS.values()}, key=len, reverse=True))
# The street without its house number: "1 Example Street" is also "Example Street" and
# "Example St", which a reason typed for the National Panel may give on its own.
_STREET = re.compile(rf"\b((?:[^\W\d_][\w'-]*\s+){{1,3}}?)({STREET_KIND})\b\.?", re.IGNORECASE)
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
# A house number and a street of capitalised words: "12 Invented Road", "4a, The Green".
_HOUSE = re.compile(
    rf"(?<![\w/.:-])\d{{1,4}}[A-Za-z]?,?\s+((?:[A-Z][\w'\u2019-]*\s+){{1,3}}?)(?i:{STREET_KIND})\b"
)
# "2 Crown Court hearings" is a count of courts, not a block of flats.
_COURTS = frozenset(
    {
        *("crown", "magistrates", "magistrates'", "family", "county", "coroner's", "coroners"),
        *("coroners'", "youth", "high", "appeal", "supreme", "combined", "civil"),
    }
)
# The professionals on the forms: the `Status` view withholds their names and contacts, but an
# outside body may be told who is waiting for whom ("awaiting DS Example's statement").
_PROFESSIONAL = re.compile(r"^(?:referrer|approver|author|manager)_")

_WHAT = {
    "child_name": "the child's name",
    "forename": "the child's name",
    "surname": "the child's name",
    "date_of_birth": "the child's date of birth",
    "expected_date_of_delivery": "the child's expected date of delivery",
    "address": "the child's address",
    "school": "the child's school",
    "gp": "the child's GP",
    "siblings": "a sibling's or household member's name",
}
# What an answer no field read gave (bot.core.unplaced names these pseudo fields).
UNPLACED = {
    "unplaced_name": "a name written on the form",
    "unplaced_address": "an address written on the form",
    "unplaced_date_of_birth": "a date of birth written on the form",
}


def personal_items(fields: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Each string that must never be repeated, with the field it came from.

    Whole values; each word of a name (a first name alone identifies a child to a colleague);
    each specific part of an address (the street, the postcode); the ways a date of birth is
    written. A two-letter name ("Jo") is left out: withheld as a word, it would take "jo" out
    of other text; named_in finds it as a name (_holds).
    """
    return {v: field for v, field in _items(fields).items() if len(v) >= _MIN_WORD}


def _items(fields: Iterable[tuple[str, str]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, value in fields:
        value = unaccented(" ".join(value.split()))
        if not value or not _PERSONAL_FIELD.search(name) or NOTHING_GIVEN.fullmatch(value):
            continue
        if _NAME_FIELD.search(name):
            parts = [w for w in _name_words(value) if w.casefold() not in NOT_A_NAME]
            if parts:  # "Not known" is no one's name, whole or in part
                found |= dict.fromkeys([value, *parts], name)
        elif _SPECIFIC.search(value):
            parts = [p.strip() for p in value.split(",") if _SPECIFIC.search(p.strip())]
            found |= dict.fromkeys([value, *parts, *_date_forms(value)], name)
            if _ADDRESS_FIELD.search(name):
                found |= dict.fromkeys(_address_forms(value), name)
    return {
        v: field
        for v, field in found.items()
        if len(v) >= _MIN_WORD
        or (len(v) == _SHORT_NAME and v.isalpha() and _NAME_FIELD.search(field))
    }


def _name_words(value: str) -> list[str]:
    """Each word of a name, and as people also write it: each half of a double-barrelled name
    on its own ("Smythe" of "O'Brien-Smythe") and a name without its apostrophe ("OBrien")."""
    words = []
    for word in re.findall(r"[^\W\d_]+(?:['-][^\W\d_]+)*", value):
        halves = word.split("-")
        words += [word, *halves, *(h.replace("'", "") for h in halves if "'" in h)]
    return words


def _address_forms(value: str) -> list[str]:
    """Each street in an address without its number, its kind in full and shortened ("Example
    Street", "Example St"), and the postcode with and without its space."""
    forms = []
    for m in _STREET.finditer(value):
        words, kind = " ".join(m.group(1).split()), m.group(2).lower()
        if words.casefold() == "the":  # "The Green" alone would be every "the green"
            continue
        full = next((k for k, short in _STREET_KINDS.items() if kind in (k, short)), kind)
        forms += [f"{words} {full}", f"{words} {_STREET_KINDS[full]}"]
    for m in POSTCODE.finditer(value):
        code = m.group(0).upper()
        forms += [" ".join(code.split()), "".join(code.split())]
    return forms


def houses(text: str) -> Iterator[str]:
    """Each house number and street written in `text`, but for one that the words beside it
    say is a public building's ("1 Oldham Road offices", "the police station at 2 Example
    Street"): a meeting place is no one's home."""
    for m in _HOUSE.finditer(text):
        named = m.group(1).split()
        if m.group(0).casefold().endswith(("court", "ct")) and named[-1].casefold() in _COURTS:
            continue
        if _HOME_BEFORE.search(text[: m.start()]) or not (
            _BUILDING_AFTER.match(text, m.end()) or _BUILDING_BEFORE.search(text[: m.start()])
        ):
            yield m.group(0)


# A building the public and professionals go to, never a family's home. Only a word naming
# the building lets its number and street pass: "held at 12 Example Road" alone may be a
# home visit, and "Flat 2" or "lives at" says it is one.
_BUILDING = (
    r"offices?|headquarters|HQ|(?:police|fire)\s+station|town\s+hall|"
    r"civic\s+cent(?:re|er)|library|council\s+(?:building|chamber)s?|"
    r"(?:magistrates|crown|county|family|coroner)s?'?\s+court"
)
_BUILDING_AFTER = re.compile(rf"[\s,]+(?i:{_BUILDING})\b")
_BUILDING_BEFORE = re.compile(rf"\b(?i:{_BUILDING})(?:\s+at\s+|\s*[,:(\-\u2013]\s*)$")
# Words that say the number and street are where someone lives, whatever follows them.
_HOME_BEFORE = re.compile(
    r"\b(?:lives?|living|lived|resides?|residing|home|stay(?:s|ing)?|address|flat|"
    r"moved\s+(?:in\s+)?to)\b[^.;!?]{0,25}$",
    re.IGNORECASE,
)


def personal_values(fields: Iterable[tuple[str, str]]) -> frozenset[str]:
    return frozenset(personal_items(fields))


def named_in(text: str, fields: Iterable[tuple[str, str]]) -> str | None:
    """What of a person the forms recorded `text` gives ("the child's name", "the child's
    school"), or None when it gives none of it. A date of birth is found however it is
    written (01-02-2015, 1st February 2015, February 1, 2015)."""
    pairs = [(name, value) for name, value in fields if not _PROFESSIONAL.match(name)]
    plain = unaccented(" ".join(text.split()))
    found = [field for value, field in _items(pairs).items() if _holds(plain, value)]
    births = {b: field for field, b in _births(pairs)}
    for day, month, year in dates_in(plain):
        found += [
            field
            for born, field in births.items()
            if (born.day, born.month) == (day, month) and year in (born.year, born.year % 100)
        ]
    # The child's name first, then what is nearest it, whichever the text gives first.
    said = sorted({_what(field) for field in found}, key=_ORDER.index)
    return said[0] if said else None


def _holds(text: str, value: str) -> bool:
    if len(value) < _MIN_WORD:  # a two-letter name: "Bo" or "BO", never the "bo" of a word
        short = "|".join(re.escape(v) for v in {value.capitalize(), value.upper()})
        return re.search(rf"(?<!\w)(?:{short})(?!\w)", text) is not None
    return re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text, re.IGNORECASE) is not None


def _what(field: str) -> str:
    if field in UNPLACED:
        return UNPLACED[field]
    for name, words in _WHAT.items():
        if field == name or field.endswith(f"_{name}"):
            return words
    return _OTHER


_OTHER = "a name, place or contact the forms recorded"
_ORDER = [*dict.fromkeys(_WHAT.values()), *UNPLACED.values(), _OTHER]


def _births(fields: Iterable[tuple[str, str]]) -> Iterator[tuple[str, date]]:
    for name, value in fields:
        m = _ISO_DATE.fullmatch(value.strip())
        if m and _BIRTH_FIELD.search(name):
            try:
                yield name, date(*(int(x) for x in m.groups()))
            except ValueError:
                continue


def _date_forms(value: str) -> list[str]:
    """A stored date as people also write it: 2015-04-03, 03/04/2015, 3/4/2015, 3 April 2015."""
    m = _ISO_DATE.fullmatch(value.strip())
    if m is None:
        return []
    y, mo, d = (int(x) for x in m.groups())
    if not 1 <= mo <= 12:
        return []
    month = MONTH_NAMES[mo - 1]
    return [f"{d:02d}/{mo:02d}/{y}", f"{d}/{mo}/{y}", f"{d} {month} {y}", f"{d} {month[:3]} {y}"]


_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})\s?[/.\-]\s?(\d{1,2})\s?[/.\-]\s?(\d{4}|\d{2})(?!\d)")
# "01 02 2015": spaces alone part the numbers only with the year in full.
_SPACED = re.compile(r"(?<!\d)(\d{1,2})\s(\d{1,2})\s(\d{4})(?!\d)")
_ISO_LIKE = re.compile(r"(?<!\d)(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?!\d)")
_YEAR = r"(\d{4}|\d{2})\b"
# Parted as bot.core.dates reads them: "3 April 2020", "3rd of April 2020", "03-Apr-20".
_DAY_MONTH = re.compile(
    rf"(?<!\d)(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?[\s\-]*{_MONTH},?[\s\-]*{_YEAR}"
)
_MONTH_DAY = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}")
_MONTH_YEAR = re.compile(rf"\b{_MONTH}\s+(\d{{4}})\b")
# Any written date, and a month and year ("born February 2015"), as the text has it.
_WRITTEN = tuple(
    re.compile(p.pattern, re.IGNORECASE)
    for p in (_NUMERIC, _SPACED, _ISO_LIKE, _DAY_MONTH, _MONTH_DAY, _MONTH_YEAR)
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def dates_in(text: str) -> Iterator[tuple[int, int, int]]:
    """(day, month, year) of every date written in `text`; a two-digit year stays two digits."""
    folded = " ".join(text.casefold().split())
    for d, m, y in [*_NUMERIC.findall(folded), *_SPACED.findall(folded)]:
        yield int(d), int(m), int(y)
    for y, m, d in _ISO_LIKE.findall(folded):
        yield int(d), int(m), int(y)
    for d, mon, y in _DAY_MONTH.findall(folded):
        yield int(d), _MONTHS.index(mon) + 1, int(y)
    for mon, d, y in _MONTH_DAY.findall(folded):
        yield int(d), _MONTHS.index(mon) + 1, int(y)


def withhold(text: str, secrets: frozenset[str]) -> str:
    """`text` with every personal value (`personal_values`) replaced, longest first, whole
    words only, found however it is typed: in any case, with or without its accents, curly
    apostrophes or straight, a line break for a space."""
    bare, where = unaccented_at(text)
    spans: list[tuple[int, int]] = []
    for secret in sorted(secrets, key=len, reverse=True):
        words = r"\s+".join(re.escape(w) for w in unaccented(secret).split())
        for m in re.finditer(rf"(?<!\w){words}(?!\w)", bare, re.IGNORECASE):
            if all(m.end() <= a or b <= m.start() for a, b in spans):
                spans.append((m.start(), m.end()))
    for a, b in sorted(spans, reverse=True):
        text = text[: where[a]] + WITHHELD + text[where[b] :]
    return text


# Words that say the date after them is someone's birth: "DOB 01/02/2015", "born on 1st
# February 2015", "date of birth: 01.02.2015", "from birth (01/02/2015)".
BIRTH_CUE = re.compile(
    r"\b(?:d\.?\s?o\.?\s?b\b\.?|date\s+of\s+birth|birth\s?date|born|birth)"
    r"(?:\s+(?:on|in))?(?:\s+the)?[\s:;,(\[\-\u2013]*"
    # and the day of the week, as dates are written too: "born on Saturday 1 January 2000".
    rf"(?:(?:{'|'.join(WEEKDAY_WORDS)})\.?,?\s+)?"
    r"(?:the\s+)?",
    re.IGNORECASE,
)


def date_end_at(text: str, at: int) -> int | None:
    """Where the date (or month and year) written in `text` from `at` ends; None if none is."""
    ends = [m.end() for p in _WRITTEN if (m := p.match(text, at)) is not None]
    return max(ends, default=None)


def date_ends(text: str) -> Iterator[int]:
    """Where each date written in `text` ends."""
    for p in _WRITTEN:
        yield from (m.end() for m in p.finditer(text))
