"""What the form engine returns: fields, chronology rows and the extraction that holds them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from bot.core.personal_data import NOTHING_GIVEN
from bot.core.typography import unaccented

DOUBTFUL_BELOW = 0.75

ValueType = str | date | bool | None


@dataclass(frozen=True)
class Field:
    """One field found in a form. `value` is None when the text could not be read (a date
    that does not exist); then `raw` holds what was written and `problem` says why."""

    name: str
    value: ValueType
    raw: str
    where: str
    confidence: float
    problem: str | None = None


@dataclass(frozen=True)
class ChronologyRow:
    date: date | None
    raw_date: str
    contact: str
    practitioner: str
    event: str
    outcome: str
    where: str


@dataclass(frozen=True)
class Extraction:
    """What the engine found.

    `missing` and `doubtful` hold field names; a child's field is named plainly for the
    first child and as "child 2: date_of_birth" for the others. `unread` names the documents
    that could not be read at all (a form may have been in one of them). `separate` names the
    documents of one message that each hold a SIN form of another notification (another child
    or incident), the one read first: only it was read, the others are not in the fields
    (bot.core.separate_forms).
    """

    form: str | None
    fields: Mapping[str, Field]
    children: tuple[Mapping[str, Field], ...]
    chronology: tuple[ChronologyRow, ...]
    missing: tuple[str, ...]
    doubtful: tuple[str, ...]
    flags: tuple[str, ...]
    unread: tuple[str, ...] = ()
    separate: tuple[str, ...] = ()

    def initials(self) -> str:
        """The first child's initials ("A.B."), or "" when unknown.

        The only detail of a child that may appear in outgoing mail.
        """
        if not self.children:
            return ""
        name = self.children[0].get("child_name")
        return name_initials(name.value) if name and isinstance(name.value, str) else ""


# Words a name field holds beside a name: titles, how an unnamed baby is recorded ("Baby Boy
# Example", "Unborn baby of ..."), and that the name is not known ("Not yet named").
NOT_NAME_WORDS = frozenset(
    {
        *("unborn", "baby", "of", "child", "the", "mr", "mrs", "ms", "miss", "mx", "dr"),
        *("master", "mstr", "boy", "girl", "male", "female", "infant", "newborn", "unnamed"),
        *("twin", "triplet", "jr", "jnr"),  # "Sam Invented Jr" is S.I., as "Sam Invented" is
        *("not", "yet", "named", "known", "unknown", "tbc", "tba", "none"),
    }
)
# A note in brackets within a name ("Jamie (known as Jay) Example") is no part of it.
_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
# Where the name ends and something written after it begins: a bracket left open, a date or
# an age ("b. 01/02/2015", "aged 4"), a date-of-birth cue, another name it is known by.
_NAME_ENDS = re.compile(
    r"[(\[\d]|\bb\.\s*\d|"
    r"\b(?:aged?|d(?:\.\s?)?o(?:\.\s?)?b\b|date\s+of\s+birth|born|known\s+as|aka|a\.k\.a)\b",
    re.IGNORECASE,
)
# "Unborn baby of Jo Invented", "Twin 1 of ...", "Jo Invented's baby": the name is a parent's,
# and a parent's initials told as the child's would be untrue (and a second person's).
_PARENT_NAMED = re.compile(
    r"^\W*(?:(?:unborn|baby|child|infant|newborn|boy|girl|male|female|son|daughter|the)\W+)*of\b"
    r"|['\u2019]s\s+(?:(?:unborn|newborn)\s+)?(?:baby|child|infant|son|daughter)\b",
    re.IGNORECASE,
)
# A newborn twin is recorded "Twin 1 Example" or "Twin A of ...": the number is no date or age.
_TWIN = re.compile(r"\b(?:twin|triplet)\s*(?:[1-3]|one|two|three|[ab])\b", re.IGNORECASE)
# "Child A", "Baby X", "Sibling 1", "YP2": the name a referrer writes to keep the child's
# own out of the form, whose letter is no initial of the child's.
_PSEUDONYM = re.compile(
    r"\W*(?:child|baby|infant|sibling|young\s+person|yp|cyp|subject)\W*"
    r"(?:(?-i:[A-Z]{1,3})|\d{1,2})?\W*",
    re.IGNORECASE,
)
# Two children in one name field ("Jamie Example and Alex Example"): whose initials is unsure.
_SEVERAL = re.compile(r"\s(?:and|&)\s|[;&+\n]|\S/\S", re.IGNORECASE)


def _in_capitals(word: str) -> bool:
    """A surname as forms write it ("INVENTED"); not a forename of initials ("AJ")."""
    return len(word) > 2 and word.isupper()


def name_initials(name: str) -> str:
    """ "Ann Bee Example" -> "A.B.E."; "EXAMPLE, Ann (DOB 01/02/2015)" -> "A.E."; "" when no
    name, or when the field names nobody ("Not known"), two children or only a parent
    ("Unborn baby of ..."): outside bodies are told the child's initials, and none are better
    than someone else's."""
    if NOTHING_GIVEN.fullmatch(name.strip()):
        return ""
    name = _TWIN.sub(" ", _BRACKETED.sub(" ", name))
    if (end := _NAME_ENDS.search(name)) is not None:
        name = name[: end.start()]
    name = name.strip(" ,-\u2013")
    if _SEVERAL.search(name) or _PSEUDONYM.fullmatch(name):
        return ""
    if "," in name:
        surname, _, forenames = name.partition(",")
        name = f"{forenames} {surname}"
    if _PARENT_NAMED.search(name):
        return ""
    words = re.findall(r"[^\W\d_][^\W\d_'\u2019-]*(?:[-'\u2019][^\W\d_]+)*", name)
    kept = [w for w in words if w.casefold() not in NOT_NAME_WORDS]
    if len(kept) > 1 and _in_capitals(kept[0]) and not all(w.isupper() for w in kept):
        kept = [*kept[1:], kept[0]]  # "INVENTED Sam": the surname in capitals, written first
    # Without accents: two agencies writing "Élodie" and "Elodie" name one child (E.).
    return "".join(f"{unaccented(w[0])[:1].upper() or w[0]}." for w in kept)
