"""Reading the value after a keyword: a choice, a date, yes/no, or free text.

A value that cannot be read raises _BadValue with the problem for the sender; it is never
guessed.
"""

from __future__ import annotations

import re
from datetime import date

from bot.core.commands.model import Choice
from bot.core.dates import DateError, parse_uk_date


class _BadValue(Exception):
    """The line starts with a keyword but its value cannot be read."""


_CHOICE_WORDS: dict[str, Choice] = {
    "rapid review": Choice.RAPID_REVIEW,
    "rr": Choice.RAPID_REVIEW,
    "local learning review": Choice.LOCAL_REVIEW,
    "local review": Choice.LOCAL_REVIEW,
    "llr": Choice.LOCAL_REVIEW,
    "learning review": Choice.LOCAL_REVIEW,
    "audit": Choice.LOCAL_REVIEW,
    "assurance": Choice.LOCAL_REVIEW,
    "learning or assurance activity": Choice.LOCAL_REVIEW,
    "no further action": Choice.NO_FURTHER_ACTION,
    "nfa": Choice.NO_FURTHER_ACTION,
    "no action": Choice.NO_FURTHER_ACTION,
}

_CHOICE_HINT = "rapid review, local learning review or no further action"


def _value(text: str) -> str:
    """A checked value without the punctuation and quotes people put round it."""
    return text.strip().strip("\"'\u201c\u201d\u2018\u2019").strip(" .!;,").strip()


def _free(text: str, what: str) -> str:
    found = text.strip()
    if not found:
        raise _BadValue(f"give the {what} after the colon")
    return found


def _after_because(text: str) -> str:
    """The reason in "no because X", "no - X", "no, X", "disagree: X"."""
    return re.sub(
        r"^(?:[\s,;:.\-\u2013\u2014(]+|because\b)+", "", text, flags=re.IGNORECASE
    ).strip()


def _choice(text: str, keyword: str) -> Choice:
    words = _value(text).lower().replace("_", " ").replace("-", " ")
    words = " ".join(words.split())
    words = re.sub(r"^for\s+(?:an?\s+)?", "", words)
    choice = _CHOICE_WORDS.get(words)
    if choice is None:
        if not words:
            raise _BadValue(f"no choice given; write {keyword}: {_CHOICE_HINT}")
        raise _BadValue(f'"{_value(text)}" is not one of {_CHOICE_HINT}{_more_words(words)}')
    return choice


def _more_words(words: str) -> str:
    """What to do with a reason written after the choice ("no further action - threshold not
    met"): never which choice she meant, as the words after may undo it ("rapid review not
    needed")."""
    if any(words.startswith(f"{known} ") for known in _CHOICE_WORDS):
        return "; write the choice alone on its line, and any reason on a line of its own"
    return ""


# A time after the day ("14/12/2026 at 15:30", "14 December 2026, 3pm"): commands record
# days, and the time is no part of the date. A space before it, so "14.12.26" stays whole.
_AT_TIME = re.compile(
    r"[\s,]+(?:at\s+|@\s*)?(?:(?:[01]?\d|2[0-3])[:.][0-5]\d(?:\s*[ap]\.?m\.?)?"
    r"|(?:0?[1-9]|1[0-2])\s*[ap]\.?m\.?)"
    r"(?:\s*(?:hrs|hours|h))?$",
    re.IGNORECASE,
)


def _date(text: str, today: date) -> date:
    cleaned = re.sub(r"^(?:on|by)\s+", "", _value(text), flags=re.IGNORECASE)
    cleaned = _AT_TIME.sub("", cleaned)
    try:
        return parse_uk_date(cleaned, today=today)
    except DateError as e:
        raise _BadValue(str(e)) from None


def _optional_date(text: str, today: date) -> date | None:
    """An event's date, or None when none is given (the caller then means today)."""
    return _date(text, today) if _value(text) else None


_DATE_LEAD = re.compile(r"^(?:[\s,;:\-\u2013\u2014]|on\b)*", re.IGNORECASE)


def _trailing_date(text: str, today: date) -> tuple[str, date | None]:
    """Split "rapid review 24/12/2026" (or "... on 24 December 2026") into text and date.

    Only the last one to five words are tried, longest first, so "Thursday 24 December 2026"
    is read whole; text with no date at its end comes back unchanged with None.
    """
    words = text.split()
    for n in range(min(5, len(words) - 1), 0, -1):
        head, tail = " ".join(words[:-n]), " ".join(words[-n:])
        try:
            when = parse_uk_date(_value(tail), today=today)
        except DateError:
            continue
        head = re.sub(r"(?:[\s,;:\-\u2013\u2014]|\bon)+$", "", head, flags=re.IGNORECASE)
        return head, when
    return text, None


def _leading_date(text: str, today: date) -> tuple[date | None, str]:
    """Split "15/01/2027 because ..." into the date and what follows; (None, text) if none."""
    rest = _DATE_LEAD.sub("", text)
    words = rest.split()
    for n in range(min(5, len(words)), 0, -1):
        try:
            when = parse_uk_date(" ".join(words[:n]).rstrip(",;:"), today=today)
        except DateError:
            continue
        return when, " ".join(words[n:])
    return None, text


_YES_NO = re.compile(r"(yes|no|y|n)\b(.*)", re.IGNORECASE | re.DOTALL)


def _yes_no(text: str) -> tuple[bool, str]:
    """yes/no and whatever follows a separator: "no - not met" is (False, "not met")."""
    m = _YES_NO.fullmatch(text.strip())
    rest = m.group(2).strip() if m else ""
    if m is None or (
        rest and not re.match(r"[,;:.\-\u2013\u2014(]|because\b", rest, re.IGNORECASE)
    ):
        raise _BadValue("answer yes or no")
    return m.group(1).lower().startswith("y"), _after_because(rest)
