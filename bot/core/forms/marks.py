"""Tick marks, Yes/No answers and the placeholder text Word leaves in unfilled boxes."""

from __future__ import annotations

import re

from bot.core.vocabulary import normalise_label

FLAG_TYPES = frozenset({"bool", "tick"})
_TICKED = "☒☑✓✔✗✘■"
_UNTICKED = "☐□"
_MARKS = _TICKED + _UNTICKED
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
    rf"(?P<word>yes|no|not known|unknown)|(?P<mark>[{_MARKS}]|\[\s*[xX✓✔]?\s*\])", re.IGNORECASE
)


def _flag(raw: str) -> tuple[bool | None, float, str | None]:
    """Yes/No, a tick mark or "Yes ☒ No ☐": (value, confidence, problem)."""
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
    tokens = [(m.group("word"), m.group("mark")) for m in _YES_NO.finditer(s)]
    if any(mark for _, mark in tokens) and any(word for word, _ in tokens):
        marks_first = tokens[0][1] is not None
        ticked: set[str] = set()
        for i, (word, _) in enumerate(tokens):
            j = i - 1 if marks_first else i + 1
            if word and 0 <= j < len(tokens) and tokens[j][1]:
                mark = tokens[j][1] or ""
                if _mark_ticked(mark):
                    ticked.add(word.casefold())
        if ticked == {"yes"}:
            return True, 1.0, None
        if ticked == {"no"}:
            return False, 1.0, None
        if not ticked or ticked <= {"unknown", "not known"}:
            return None, 0.0, None
        return None, 0.0, f"both Yes and No are ticked in {s!r}"
    if re.match(r"yes\b", low):
        return True, 0.9, None
    if re.match(r"no\b", low):
        return False, 0.9, None
    if low in {"unknown", "not known", "n/a", "na"}:
        return None, 0.0, None
    return None, 0.0, f"cannot tell Yes or No from {s!r}"


def _mark_ticked(mark: str) -> bool:
    if mark.startswith("["):
        return bool(mark.strip("[] "))
    return mark in _TICKED


def _is_mark(text: str) -> bool:
    s = text.strip()
    return bool(s) and (s in {"x", "X"} or all(c in _MARKS or c.isspace() for c in s))


def _is_placeholder(text: str) -> bool:
    norm = normalise_label(text)
    return not norm or norm in _PLACEHOLDERS
