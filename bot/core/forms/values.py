"""Typing a raw value by its field's type: dates, email addresses, phone numbers, choices."""

from __future__ import annotations

import re
from datetime import date

from bot.core.dates import (
    DateError,
    format_uk_date,
    named_weekday,
    nearest_weekday,
    parse_uk_date,
    weekday_name,
)
from bot.core.forms.labels import _find
from bot.core.forms.labels import normalised_text as normalise_label
from bot.core.forms.marks import _YES_NO, FLAG_TYPES, _flag, _is_placeholder, boxed_options
from bot.core.forms.model import DOUBTFUL_BELOW, Field, ValueType
from bot.core.forms.run import _Hit
from bot.core.vocabulary import FieldSpec

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?:\+\s?44\s?(?:\(0\)\s?)?|\(?0)[\d\s()-]{8,16}\d")
_DATE_IN_TEXT = re.compile(
    r"\b\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}\b"
    r"|\b\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2}\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)?(?:\s+of)?[\s\-]+[A-Za-z]{3,9}\.?,?[\s\-]+\d{2,4}\b"
    r"|\b[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b",  # December 22, 2026
)
# The words either side of a date found in text: "Monday 22/12/2026", "Monday the 22nd of
# December 2026", "22/12/2026 (Mon)".
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\.?,?\s*(?:the\s+)?$", re.IGNORECASE)
_WORD_AFTER = re.compile(r"^\s*\(?([A-Za-z]+)")
_RANGE = re.compile(r"\s+(?:to|until|till|-|\u2013|\u2014)\s+", re.IGNORECASE)
_DAY_BEFORE = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?\s*(?:-|\u2013|\u2014|/|&|,|and|or|to)\s*$", re.IGNORECASE
)
_OR_EARLIER = re.compile(r"\bor\s+(?:earlier|before)\b|\bat\s+the\s+latest\b", re.IGNORECASE)
# "Before 14/12/2026", "by Monday 14/12/2026": the day it happened by, which may be later than
# the day it happened, so a deadline counted from it could start late.
_HAPPENED_BY = re.compile(
    r"\b(?:before|by|prior\s+to|no\s+later\s+than|not\s+later\s+than|on\s+or\s+before)"
    r"\s+(?:[A-Za-z]+day\s+)?(?:the\s+)?$",
    re.IGNORECASE,
)

# "Approx 14/12/2026", "on or around ...", "w/c ...", "14/12/2026 (approx)": the day may be
# earlier than the one written, and a deadline counted from it would start late.
_ABOUT_BEFORE = re.compile(
    r"\b(?:approx(?:imately)?|around|about|circa|c|ca|roughly|estimated|est|w/?c"
    r"|week\s+(?:commencing|beginning|of))\.?\s+(?:[A-Za-z]+day\s+)?(?:the\s+)?$",
    re.IGNORECASE,
)
# Not "14/12/2026 approx. 3pm": the time is the approximate part, the day is given.
_ABOUT_AFTER = re.compile(
    r"\s*[(\[,\-]?\s*(?:approx(?:imately)?|or\s+thereabouts|estimated|est|ish|or\s+so)\b"
    r"(?!\.?\s*(?:at\s+)?\d{1,2}\s*(?:[:.]\d{2}|[ap]\.?m\b|hrs|hours))",
    re.IGNORECASE,
)


def _date(raw: str, spec: FieldSpec | None) -> tuple[date | None, float, str | None]:
    s = raw.strip()
    if spec is not None and spec.range:
        parts = _RANGE.split(s)
        if len(parts) == 2:
            s = parts[0] if spec.range == "start" else parts[1]
    try:
        return parse_uk_date(s), 1.0, None
    except DateError as exc:
        problem = str(exc)
    found: list[date] = []
    first_at = first_end = 0  # where the first date read begins and ends
    for m in _DATE_IN_TEXT.finditer(s):
        try:
            found.append(parse_uk_date(m.group(0)))
        except DateError as exc:
            problem = str(exc)
            continue
        if len(found) == 1:
            first_at, first_end = m.start(), m.end()
        weekday = _weekday_beside(s, m)
        if weekday is not None and weekday != found[-1].weekday():
            return _contradicted(s, found[-1], weekday)
    if len(set(found)) > 1:  # "between 01/11 and 03/11": which one is a person's call
        return found[0], 0.6, f"more than one date in {s!r}"
    earlier = _earlier_day(s[:first_at], found[0]) if len(found) == 1 else None
    if earlier is not None:  # "12th-14th December 2026": the earlier day, for a person to check
        return earlier, 0.6, f"more than one date in {s!r}"
    if found and (_HAPPENED_BY.search(s[:first_at]) or _OR_EARLIER.search(s[first_at:])):
        return found[0], 0.6, f"{s!r} gives a day by which it happened, not the day: check it"
    if found and (_ABOUT_BEFORE.search(s[:first_at]) or _ABOUT_AFTER.match(s[first_end:])):
        return found[0], 0.6, f"{s!r} gives a day near the one it happened, not the day: check it"
    if found:
        return found[0], 0.9, None
    return None, 0.0, problem


def _earlier_day(before: str, read: date) -> date | None:
    """The first day of "12th-14th December", "12 or 14 Dec", "weekend of 12/13 December",
    written before the one date read, when it is an earlier day of the same month."""
    m = _DAY_BEFORE.search(before)
    if m is None or not 1 <= int(m.group(1)) < read.day:
        return None
    return read.replace(day=int(m.group(1)))


def _weekday_beside(text: str, m: re.Match[str]) -> int | None:
    """The weekday named by the word just before the date, else just after it, if either."""
    for near in (_WORD_BEFORE.search(text[: m.start()]), _WORD_AFTER.match(text[m.end() :])):
        weekday = named_weekday(near.group(1)) if near else None
        if weekday is not None:
            return weekday
    return None


def _contradicted(text: str, written: date, weekday: int) -> tuple[date, float, str]:
    """A date whose weekday says otherwise ("Monday 22 December 2026", a Tuesday): either part
    may be the slip. The earlier reading is kept, as a clock started late is the dangerous
    mistake, and flagged for a person."""
    other = nearest_weekday(written, weekday)
    kept = min(written, other)
    return (
        kept,
        0.6,
        f"{text!r} does not add up: {format_uk_date(written)} is a "
        f"{weekday_name(written.weekday())}, not a {weekday_name(weekday)}; read as "
        f"{weekday_name(kept.weekday())} {format_uk_date(kept)}, the earlier reading, "
        "so that no deadline starts late: check it",
    )


# Words that put a choice in the past: a former looked-after child (adopted, under a special
# guardianship order) is not looked after now, whatever words follow.
_FORMER = frozenset({"former", "formerly", "previously", "previous", "ex", "past", "historic"})


def _choice(raw: str, spec: FieldSpec) -> tuple[str, float, str | None]:
    if options := boxed_options(raw):
        # "☐ CIN ☐ CP ☒ CLA": the answer is the option ticked, not the first one written.
        ticked = [words for tick, words in options if tick]
        if len(ticked) != 1:
            what = "no box is ticked" if not ticked else "more than one box is ticked"
            return raw.strip(), 0.3, f"{' '.join(raw.split())!r}: {what}"
        raw = ticked[0]
    norm = normalise_label(raw)
    tokens = tuple(norm.split())
    best: tuple[int, str] | None = None
    named: set[str] = set()
    for canonical, synonyms in spec.choices:
        for synonym in (canonical, *synonyms):
            wanted = normalise_label(synonym)
            if wanted == norm:
                return canonical, 1.0, None
            size = len(wanted.split())
            if _find(tokens, tuple(wanted.split())) >= 0:
                named.add(canonical)
                if best is None or size > best[0]:
                    best = (size, canonical)
    if best is not None and len(named) > 1:  # "CIN, previously CP plan"
        return best[1], 0.6, f"{raw.strip()!r} names more than one of: {', '.join(sorted(named))}"
    if best is not None and _FORMER & set(tokens):  # "Former looked after child"
        return raw.strip(), 0.6, f"{raw.strip()!r} says what was, not what is: check it"
    if best is not None:
        return best[1], 0.9, None
    allowed = ", ".join(c for c, _ in spec.choices)
    return raw.strip(), 0.6, f"{raw.strip()!r} is not one of: {allowed}"


def _answer_in_words(
    raw: str, spec: FieldSpec, problem: str
) -> tuple[bool | None, float, str | None]:
    """ "Suspected" for "Abuse or neglect known or suspected": the question's own words for
    Yes or No, as the form's `choices` give them, and only the whole answer; anything more
    ("Suspected? police to confirm") stays the problem `_flag` found."""
    # "☐ Suspected" is a box left empty beside the word, not a Yes; "Suspected - yes" is read
    # by a person, as any answer with Yes or No in it that `_flag` could not tell.
    for m in _YES_NO.finditer(raw):
        if m.group("mark") or m.group("word").casefold() in {"yes", "no"}:
            return None, 0.0, problem
    norm = normalise_label(raw)
    for answer, words in spec.choices:
        if any(normalise_label(w) == norm for w in words):
            return answer == "yes", 0.9, None
    return None, 0.0, problem


def _typed(hit: _Hit) -> Field | None:
    """The hit as a field; None when nothing was filled in."""
    spec, raw = hit.spec, hit.raw.strip()
    if spec.type in FLAG_TYPES:
        if hit.preset is not None:
            return Field(spec.name, hit.preset, raw, hit.where, hit.label_confidence)
        flag, confidence, problem = _flag(raw)
        if flag is None and problem is not None and spec.choices:
            flag, confidence, problem = _answer_in_words(raw, spec, problem)
        if flag is None and problem is None:
            return None
        return _field(hit, flag, confidence, problem)
    if _is_placeholder(raw):
        return None
    if spec.type == "date":
        return _field(hit, *_date(raw, spec))
    if spec.type == "email":
        m = _EMAIL.search(raw)
        if m is None:
            return _field(hit, None, 0.0, f"no email address in {raw!r}")
        return _field(hit, m.group(0), 1.0 if m.group(0) == raw else 0.95, None)
    if spec.type == "phone":
        m = _PHONE.search(raw)
        if m is None or len(re.sub(r"\D", "", m.group(0))) < 10:
            return _field(hit, None, 0.0, f"no telephone number in {raw!r}")
        number = " ".join(m.group(0).split())
        return _field(hit, number, 1.0 if m.group(0) == raw else 0.9, None)
    if spec.type == "choice":
        return _field(hit, *_choice(raw, spec))
    text = (
        "\n".join(" ".join(part.split()) for part in raw.splitlines())
        if spec.multiline
        else (" ".join(raw.split()))
    )
    if not spec.multiline and _only_a_date(text):
        # "Local authority informed on | 14/12/2026" taken as the child's local authority:
        # the label asked for a day, most likely one the vocabulary does not know.
        return _field(hit, text, 0.5, f"{text!r} is only a date: check what the form asked")
    return _field(hit, text, 1.0, _unsure_end(hit))


def _only_a_date(text: str) -> bool:
    if not any(ch.isdigit() for ch in text):
        return False
    try:
        parse_uk_date(text)
    except DateError:
        return False
    return True


def _unsure_end(hit: _Hit) -> str | None:
    if hit.unsure_from is None:
        return None
    return (
        f"may run on past the form: from {hit.unsure_from} it may be the sender's own words "
        "(shown as news too); check where the answer ends"
    )


def _field(hit: _Hit, value: ValueType, confidence: float, problem: str | None) -> Field:
    score = round(hit.label_confidence * confidence, 3)
    if problem is None and score < DOUBTFUL_BELOW:
        problem = f"uncertain: label {hit.where} matched loosely"
    return Field(hit.spec.name, value, hit.raw.strip(), hit.where, score, problem)
