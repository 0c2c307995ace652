"""A label and its value on one line with no colon ("First name Kai", "DOB 12/11/2015",
"Child has died Yes [ ] No [X]"), as a PDF's two-column table reads, and a label that a PDF
broke over two lines ("Date the local authority" / "became aware: 13/11/2026").

Without a colon the split is a guess, so it is made only where the rest of the line can be
the field's value: a real date, an email address, a telephone number, a Yes/No answer, or
for text a short phrase that does not start like a continuation ("and injuries"). A text
value after a one-word label ("Agency Example School") is trusted only among other label
lines; in prose it is kept below the doubt threshold.

Also one line or cell giving two answers ("Child's name: Sam Invented. DOB: 01/02/2020"),
cut before each label the form knows, and a table cell holding its own label and value.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.core.forms.labels import _child_prefix, _has_answers, _Index, _Match
from bot.core.forms.labels import normalised_text as normalise_label
from bot.core.forms.marks import _YES_NO, FLAG_TYPES, _flag
from bot.core.forms.run import _Heading, _Run
from bot.core.forms.values import _DATE_IN_TEXT, _EMAIL, _PHONE, _answer_in_words, _date

MAX_LABEL_WORDS = 10
SHORT_VALUE_WORDS = 8  # a colonless text value longer than this reads as prose
SURE = 0.9  # a label exactly known, its value after a space: a layout, not a guess
UNSURE = 0.7  # below DOUBTFUL_BELOW: listed for a person to check
_CONTINUATIONS = frozenset(
    {"and", "or", "of", "to", "for", "in", "including", "with", "if", "at", "by", "on", "is"}
)
_SECTION_NUMBER = re.compile(r"^\s*(?:section|part)\s+(?:\d+|[a-h]|[ivx]+)\b", re.IGNORECASE)


def _is_numbered_section(text: str) -> bool:
    """ "Section 4: Criteria", "Part B - Chronology": a heading, never a value."""
    return bool(_SECTION_NUMBER.match(text)) and len(text.split()) <= 8


def _starts_with_label(index: _Index, text: str, section: str | None) -> bool:
    words = text.replace(":", " : ").split()
    for k in range(1, min(len(words), 5) + 1):
        if index.match_known(" ".join(words[:k]), section):
            return True
    return False


def _label_then_value(
    index: _Index, text: str, section: str | None, among_labels: Callable[[], bool]
) -> tuple[_Match, str] | None:
    """The longest known label the line starts with and the value after it, with the
    label confidence lowered to say how sure the split is."""
    words = text.split()
    for k in range(min(len(words) - 1, MAX_LABEL_WORDS), 0, -1):
        matched = index.match_known(" ".join(words[:k]), section)
        if not matched:
            continue
        rest = " ".join(words[k:])
        # A one-word label ("Agency") starts many sentences; a longer one rarely does.
        if len(normalise_label(" ".join(words[:k])).split()) >= 2:
            trust = _fits(matched, rest, index, section, lambda: True)
        else:
            trust = _fits(matched, rest, index, section, among_labels)
        if trust is not None:
            specs, child, confidence = matched
            return (specs, child, round(confidence * trust, 3)), rest
    return None


def _fits(
    matched: _Match, rest: str, index: _Index, section: str | None, sure: Callable[[], bool]
) -> float | None:
    """How far `rest` can be trusted as the value of the matched label; None if not at all."""
    spec = matched[0][0]
    if spec.type in FLAG_TYPES:
        value, _, problem = _flag(rest)
        if value is None and problem and spec.choices:
            value = _answer_in_words(rest, spec, problem)[0]
        options = _YES_NO.search(rest) is not None
        return 1.0 if value is not None or (problem and options) else None
    if spec.type == "date":
        return 1.0 if _date(rest, spec)[0] is not None and _date_leads(rest) else None
    if spec.type == "email":
        return 1.0 if _EMAIL.search(rest) else None
    if spec.type == "phone":
        return 1.0 if _PHONE.search(rest) else None
    # Free text after a label is only taken after an exactly known label ("Name of" is not
    # "your name"), and never when it looks like another label or the rest of a sentence.
    first = normalise_label(rest).split()[:1]
    if matched[2] < 1.0 or ":" in rest or not first or first[0] in _CONTINUATIONS:
        return None
    if _starts_with_label(index, rest, section):
        return None
    short = len(rest.split()) <= SHORT_VALUE_WORDS and not rest.endswith((".", "?", "!"))
    if not short:
        return UNSURE if spec.multiline else None
    return SURE if sure() else UNSURE


def _date_leads(rest: str) -> bool:
    """Whether the date begins the value, after two words at most ("on", "approx", "Monday
    the"). With no colon to say where a label ends, "When the LA became aware, a strategy
    discussion was held on 15/12/2026" is a sentence, and its date another day's."""
    m = _DATE_IN_TEXT.search(rest)
    return m is None or len(rest[: m.start()].split()) <= 2


def _joined_label(index: _Index, text: str, following: str, section: str | None) -> str | None:
    """ "Date the local authority" + "became aware: 13/11/2026" as one line, when the two
    halves make a known label and the first half alone does not."""
    if ":" in text or not following:
        return None
    if normalise_label(text) not in index.starts or index.match_known(text, section):
        return None
    head = following.partition(":")[0].split()
    for k in range(min(len(head), 6), 0, -1):
        joined = index.match_known(f"{text} {' '.join(head[:k])}", section)
        if joined and joined[2] >= 1.0:
            return f"{text} {following}"
    return None


# A sentence's end, then words up to a colon: perhaps a second "Label: value" on the line.
_NEXT_ANSWER = re.compile(r"[.;]\s+(?=([A-Z][^.;:]{2,80}):)")


def _answers(text: str, index: _Index) -> list[str]:
    """`text` cut before each label the form knows; the stop that ended an answer is not
    part of it ("Sam Invented", not "Sam Invented.")."""
    cuts = [m for m in _NEXT_ANSWER.finditer(text) if index.match_known(m.group(1), None)]
    starts = [0, *(m.end() for m in cuts)]
    ends = [*(m.start() for m in cuts), len(text)]
    return [text[a:b].strip() for a, b in zip(starts, ends, strict=True) if text[a:b].strip()]


def _inline_value(run: _Run, cell: str, section: str | None, where: str) -> bool:
    """A cell holding its own labels and values: "DOB: 03/04/2015", "DOB\n03/04/2015",
    "Has the child died? Yes [ ] No [X]", or two at once, "Child's name: Sam Invented. DOB:
    01/02/2020" (read whole, the date of birth was part of the name)."""
    if _NEXT_ANSWER.search(cell) is None:  # most cells: one answer at most, nothing to cut
        return _inline_answer(run, cell, section, where)
    # Every part read, not only those up to the first that gives an answer.
    found = [_inline_answer(run, part, section, where) for part in _answers(cell, run.index)]
    return any(found)


def _inline_answer(run: _Run, cell: str, section: str | None, where: str) -> bool:
    if _has_answers(cell):
        split = _label_then_value(run.index, cell, section, lambda: False)
        if split is not None and split[0][0][0].type in FLAG_TYPES:
            run.hit(split[0], split[1], where)
            return True
    for separator in (":", "\n"):
        label, found, value = cell.partition(separator)
        if not found or not value.strip() or not label.strip():
            continue
        number, rest = _child_prefix(label)
        matched = run.index.match(rest or label, "child" if number else section)
        if matched:
            if number is not None:
                run.events.append(_Heading(number))
            run.hit(matched, value, where)
            return True
    return False
