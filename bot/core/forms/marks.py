"""Tick marks, Yes/No answers and the placeholder text Word leaves in unfilled boxes."""

from __future__ import annotations

import re
from functools import lru_cache

from bot.core.label_text import normalise_label
from bot.core.remembered import per_text

FLAG_TYPES = frozenset({"bool", "tick"})
_TICKED = "☒☑✓✔✗✘■"
_UNTICKED = "☐□"
_MARKS = _TICKED + _UNTICKED
# How a box drawn before its words begins: a character, or "[ ]" typed.
BOX_DRAWN = ("[", *_MARKS)
_PLACEHOLDERS = frozenset(
    {
        "click or tap here to enter text",
        "click here to enter text",
        "click or tap to enter a date",
        "click here to enter a date",
        "enter text",
        "enter date",
        "choose an item",
        "type here",
        "insert text",
    }
)
_LEAD_MARK = re.compile(rf"^\s*(?:\[\s*([xX✓✔]?)\s*\]|([{_MARKS}])|([xX])(?=\s))\s*")
_TAIL_MARK = re.compile(rf"\s*(?:\[\s*([xX✓✔]?)\s*\]|([{_MARKS}])|(?<=\s)([xX]))\s*$")


@per_text
def _strip_marks(text: str) -> tuple[str, bool | None]:
    """ "☒ Child has died" -> ("Child has died", True); no mark -> (text, None)."""
    for pattern in (_LEAD_MARK, _TAIL_MARK):
        m = pattern.search(text)
        if m:
            box, mark, letter = m.groups()
            rest = text[: m.start()] + text[m.end() :]
            if mark:
                return rest.strip(), mark in _TICKED
            if letter:
                return rest.strip(), True
            return rest.strip(), bool(box)
    return text, None


_YES_NO = re.compile(
    rf"(?P<word>\byes\b|\bno\b|\bnot known\b|\bunknown\b)(?P<colon>\s*:)?"
    rf"|(?P<mark>[{_MARKS}]|\[\s*[xX✓✔]?\s*\]|\(\s*[xX✓✔]?\s*\)|(?<![\w'])[xX](?![\w']))",
    re.IGNORECASE,
)
_Token = tuple[str | None, str | None, bool]  # (word, mark, a colon follows the word)


def _flag(raw: str) -> tuple[bool | None, float, str | None]:
    """Yes/No, a tick mark or "Yes ☒ No ☐": (value, confidence, problem).

    A mark that cannot be tied to one answer ("Yes X No") is a problem, never a guess: a
    wrong "child has died: yes" is the worst misreading there is.
    """
    s = raw.strip()
    low = s.casefold()
    if low in {"x", "yes", "y", "true", "ticked"} or (len(s) == 1 and s in _TICKED):
        return True, 1.0, None
    if low in {"no", "n", "false"} or (len(s) == 1 and s in _UNTICKED):
        return False, 1.0, None
    box = re.fullmatch(r"\[\s*([xX✓✔]?)\s*\]", s)
    if box:
        return bool(box.group(1)), 1.0, None
    if not s or _is_placeholder(s):
        return None, 0.0, None
    tokens: list[_Token] = [
        (m.group("word"), m.group("mark"), bool(m.group("colon"))) for m in _YES_NO.finditer(s)
    ]
    words = {w.casefold() for w, _, _ in tokens if w}
    if any(mark for _, mark, _ in tokens) and words:
        return _options(tokens, s)
    if {"yes", "no"} <= words:
        if re.fullmatch(r"(?:yes|no|[\s/|,:-])+", low):
            return None, 0.0, None  # "Yes / No" left as printed: unanswered
        return None, 0.0, f"cannot tell Yes or No from {s!r}"
    if re.match(r"yes\b", low):
        return True, 0.9, None
    if re.match(r"no\b", low):
        return False, 0.9, None
    if low in {"n/a", "na"}:
        return None, 0.0, None
    # "Not known" is an answer, neither Yes nor No: a person looks, as "Has the child died?
    # Not known" must not pass for a form that did not ask.
    return None, 0.0, f"cannot tell Yes or No from {s!r}"


def _options(tokens: list[_Token], s: str) -> tuple[bool | None, float, str | None]:
    """ "Yes ☐ No ☒", "☒ Yes ☐ No", "Yes: No: X": which answers are ticked."""
    ticked: set[str] = set()
    ambiguous = False
    word_count = sum(1 for w, _, _ in tokens if w)
    mark_count = len(tokens) - word_count
    marks_first = tokens[0][1] is not None
    for i, (_, mark, _) in enumerate(tokens):
        if mark is None or not _mark_ticked(mark):
            continue
        before = tokens[i - 1] if i > 0 and tokens[i - 1][0] else None
        after = tokens[i + 1] if i + 1 < len(tokens) and tokens[i + 1][0] else None
        owner = _owner(before, after, marks_first, mark_count >= word_count)
        if owner is None:
            ambiguous = True
        else:
            ticked.add(owner.casefold())
    if ambiguous:
        return None, 0.0, f"cannot tell which answer is ticked in {s!r}"
    if ticked == {"yes"}:
        return True, 1.0, None
    if ticked == {"no"}:
        return False, 1.0, None
    if not ticked:
        return None, 0.0, None
    if ticked <= {"unknown", "not known"}:
        return None, 0.0, f"not known is ticked in {s!r}, neither Yes nor No"
    return None, 0.0, f"both Yes and No are ticked in {s!r}"


def _owner(
    before: _Token | None, after: _Token | None, marks_first: bool, boxed: bool
) -> str | None:
    """The answer a ticked mark belongs to; None when it could be either neighbour.

    With a box for every answer the layout decides ("Yes ☐ No ☒"). With fewer marks than
    answers a mark between two answers belongs to the one before only if that one ends in
    a colon ("Yes: X No:"); "Yes X No" is a question for a person.
    """
    if before is None or after is None:
        chosen = before or after
        return chosen[0] if chosen else None
    if boxed:
        return after[0] if marks_first else before[0]
    return before[0] if before[2] else None


def _mark_ticked(mark: str) -> bool:
    if mark.startswith(("[", "(")):
        return bool(mark.strip("[]() "))
    return mark in _TICKED or mark in {"x", "X"}


def _is_mark(text: str) -> bool:
    s = text.strip()
    return bool(s) and (s in {"x", "X"} or all(c in _MARKS or c.isspace() for c in s))


def _is_placeholder(text: str) -> bool:
    # Asked of the same values again and again while a form is read (each candidate field,
    # each child): remembered for value-sized text, as labels are (see labels.py).
    if len(text) > _CACHED_TEXT:
        return _placeholder(text)
    return _placeholder_cached(text)


_CACHED_TEXT = 200


def _placeholder(text: str) -> bool:
    norm = normalise_label(text)
    return not norm or norm in _PLACEHOLDERS


_placeholder_cached = lru_cache(maxsize=4096)(_placeholder)


_BOX_FIRST = (*BOX_DRAWN, "x", "X")  # in a cell of its own, "X Child died" is a tick too
_BOX_LAST = ("]", *_MARKS)
_MARK_CELL = 5  # characters


def ticked_words(distinct: list[str]) -> str:
    """The words of a row that is one ticked box and its words ("☒ Looked after child", or
    "☒" and the words in two cells); "" for any other row."""
    if len(distinct) == 2:
        # A cell holding only a mark is short ("☒", "[X]"): most rows are two long cells.
        short = min(len(distinct[0]), len(distinct[1])) <= _MARK_CELL
        if not short or _is_mark(distinct[0]) == _is_mark(distinct[1]):
            return ""
        box, words = sorted(distinct, key=_is_mark, reverse=True)
        distinct = [f"{box} {words}"]
    cell = distinct[0].strip() if len(distinct) == 1 else ""
    if not (cell.startswith(_BOX_FIRST) or cell.endswith(_BOX_LAST)):
        return ""
    words, mark = _strip_marks(cell)
    return words if mark and words and not _is_mark(words) else ""


_BOXED = re.compile(rf"(?:([{_MARKS}])|\[\s*([xX✓✔]?)\s*\])\s*([^{_MARKS}\[]*)")


def boxed_options(text: str) -> list[tuple[bool, str]]:
    """ "☐ CIN ☐ CP ☒ CLA": each option's words and whether its box is ticked; [] when the
    text draws no box before words."""
    if not any(c in _MARKS or c == "[" for c in text):
        return []
    found = [
        (bool(m.group(1) and m.group(1) in _TICKED) or bool(m.group(2)), words)
        for m in _BOXED.finditer(text)
        if (words := m.group(3).strip(" ,;/\n"))
    ]
    return found if len(found) > 1 or text.lstrip().startswith(BOX_DRAWN) else []
