"""Matching cell and line text against a form's labels, and reading "Child 2" headings.

Many cells are matched against every label of every form, and the same template's label
cells come back in every form of a backlog. So a form's labels are normalised once per form
template (`_tables_for`, memoised on the template, which is immutable and loaded once) and
matching a cell is a pure function of the template, the cell's text and its section, memoised
in a bounded cache: the hundredth copy of a form costs look-ups, not label normalisation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from bot.core.forms.marks import _YES_NO, FLAG_TYPES, _strip_marks
from bot.core.label_text import normalise_label
from bot.core.remembered import per_text
from bot.core.vocabulary import FieldSpec, FormVocabulary

_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


@dataclass(frozen=True)
class _Label:
    spec: FieldSpec
    child: bool
    text: str  # normalised
    tokens: tuple[str, ...]


_STOPWORDS = frozenset({"the", "of", "a", "an", "and", "or", "by", "to", "at", "is", "was", "your"})
_QUESTION_STOPWORDS = frozenset({"is", "was"})
_Match = tuple[tuple[FieldSpec, ...], bool, float]  # specs, child fields, label confidence


class _Tables:
    """A form's labels normalised into lookup tables: built once per form, never changed."""

    def __init__(self, form: FormVocabulary) -> None:
        self.form = form
        self.exact: dict[str, list[_Label]] = {}
        self.in_section: dict[tuple[str, str], list[_Label]] = {}
        self.fuzzy: list[_Label] = []
        # Fuzzy candidates by their first word: a label can only be found in a cell holding
        # that word, so a cell is compared with a handful of labels, not every one.
        self.fuzzy_by_first: dict[str, list[tuple[int, _Label]]] = {}
        self.loose: dict[tuple[str, ...], list[_Label]] = {}
        self.patterns: list[tuple[re.Pattern[str], FieldSpec, bool]] = []
        self.starts: set[str] = set()  # every first part of a label ("date the local")
        for child, specs in ((False, form.fields), (True, form.child_fields)):
            for spec in specs:
                for raw in spec.labels:
                    label = _make_label(spec, child, raw)
                    self.starts.update(
                        " ".join(label.tokens[:n]) for n in range(1, len(label.tokens))
                    )
                    self.exact.setdefault(label.text, []).append(label)
                    if _loosely_known(label.tokens):
                        self.loose.setdefault(_content(label.tokens), []).append(label)
                    if len(label.tokens) >= 2:
                        entry = (len(self.fuzzy), label)
                        self.fuzzy.append(label)
                        self.fuzzy_by_first.setdefault(label.tokens[0], []).append(entry)
                for raw in spec.section_labels:
                    label = _make_label(spec, child, raw)
                    key = (spec.section or "", label.text)
                    self.in_section.setdefault(key, []).append(label)
                self.patterns.extend((p, spec, child) for p in spec.patterns)
        # By normalised text, the section or chronology columns it names, in the form's
        # order: a cell is one look-up, not a search of every section's or column's labels.
        self.sections: dict[str, str] = {}
        for name, headings in form.sections.items():
            for heading in headings:
                self.sections.setdefault(normalise_label(heading), name)
        self.columns: dict[str, tuple[str, ...]] = {}
        for name, headings in form.chronology_columns.items():
            for norm in dict.fromkeys(normalise_label(heading) for heading in headings):
                self.columns[norm] = (*self.columns.get(norm, ()), name)
        self.child_name = next((s for s in form.child_fields if s.name == "child_name"), None)


@lru_cache(maxsize=16)
def _tables_for(form: FormVocabulary) -> _Tables:
    """A template's labels normalised into tables: once per template (a handful per app)."""
    return _Tables(form)  # the template is hashed by identity (FormVocabulary has eq=False)


# Cells longer than this are values, not labels, and rarely repeat: matched, not remembered,
# so one long narrative cannot fill the cache.
_CACHED_TEXT = 200
_CACHE_SIZE = 8192


@lru_cache(maxsize=_CACHE_SIZE)
def _match_cached(tables: _Tables, text: str, section: str | None) -> _Match | None:
    # Normalised once for every form.
    return _match(tables, _normalised(text), section, _widened(text))


@lru_cache(maxsize=_CACHE_SIZE)
def _known_cached(tables: _Tables, text: str, section: str | None) -> _Match | None:
    return _known(tables, _normalised(text), section, _widened(text))


@lru_cache(maxsize=_CACHE_SIZE)
def _normalised(text: str) -> str:
    return normalise_label(text)


_BRACKET_MARKS = str.maketrans("()[]", "    ")


@lru_cache(maxsize=_CACHE_SIZE)
def _widened(text: str) -> str:
    """The label with the words in its brackets: "Date of awareness (local authority)" says
    whose awareness only there. "" when it has none, or none but filler ("(if known)")."""
    if "(" not in text and "[" not in text:
        return ""
    wide = normalise_label(text.translate(_BRACKET_MARKS))
    return "" if wide == _normalised(text) else wide


def normalised_text(text: str) -> str:
    """normalise_label, remembered for label-sized text."""
    return _normalised(text) if len(text) <= _CACHED_TEXT else normalise_label(text)


class _Index:
    """The labels of one form template, for fast matching of many cells."""

    def __init__(self, form: FormVocabulary) -> None:
        self.form = form
        self.tables = tables = _tables_for(form)
        self.exact = tables.exact
        self.in_section = tables.in_section
        self.fuzzy = tables.fuzzy
        self.loose = tables.loose
        self.patterns = tables.patterns
        self.starts = tables.starts
        self.sections = tables.sections
        self.columns = tables.columns
        self.child_name = tables.child_name

    def match(self, text: str, section: str | None) -> _Match | None:
        if len(text) > _CACHED_TEXT:
            return _match(self.tables, normalise_label(text), section)
        return _match_cached(self.tables, text, section)

    def match_known(self, text: str, section: str | None) -> _Match | None:
        """Like `match`, but only a label known as written (no extra words): cheap enough to
        try on every prefix of a line."""
        if len(text) > _CACHED_TEXT:
            return _known(self.tables, normalise_label(text), section)
        return _known_cached(self.tables, text, section)

    def section_heading(self, text: str) -> str | None:
        return self.sections.get(normalised_text(text))


def _known(tables: _Tables, norm: str, section: str | None, wide: str = "") -> _Match | None:
    """`wide`: the label with its brackets' words (_widened), known first: "Name (child)" is
    the child's name, "Date of awareness (local authority)" the local authority's."""
    if not norm:
        return None
    if wide and (found := _known(tables, wide, section)) is not None:
        return found
    if section is not None and (section, norm) in tables.in_section:
        return _group(tables.in_section[(section, norm)], 1.0)
    if norm in tables.exact:
        return _group(tables.exact[norm], 1.0)
    for pattern, spec, child in tables.patterns:
        if pattern.fullmatch(norm) and not _unless(spec, norm):
            return (spec,), child, 0.95
    loose = [x for x in tables.loose.get(_content(norm.split()), ()) if not _unless(x.spec, norm)]
    return _group(loose, 0.9) if loose else None


def _unless(spec: FieldSpec, norm: str) -> bool:
    """Whether words in a label only nearly matched make it another field's question."""
    return any(p.search(norm) for p in spec.unless)


def _match(tables: _Tables, norm: str, section: str | None, wide: str = "") -> _Match | None:
    known = _known(tables, norm, section, wide)
    if known is not None or not norm:
        return known
    tokens = tuple(norm.split())
    if len(tokens) > 12:
        return None
    best: tuple[float, int, _Label] | None = None
    present = set(tokens)
    # In the tables' order, as when every label was tried: the first best one wins ties.
    candidates = sorted(e for t in present for e in tables.fuzzy_by_first.get(t, ()))
    for _, label in candidates:
        extra = len(tokens) - len(label.tokens)
        if not 1 <= extra <= 4 or not present.issuperset(label.tokens):
            continue
        if _unless(label.spec, norm):
            continue
        at = _find(tokens, label.tokens)
        if at < 0:
            continue
        score = 0.85 if at == 0 else 0.8
        if best is None or (score, len(label.tokens)) > (best[0], best[1]):
            best = (score, len(label.tokens), label)
    if best is None:
        return None
    return (best[2].spec,), best[2].child, best[0]


def _make_label(spec: FieldSpec, child: bool, raw: str) -> _Label:
    text = normalise_label(raw)
    return _Label(spec, child, text, tuple(text.split()))


def _loosely_known(tokens: tuple[str, ...]) -> bool:
    """Whether a label is known by its words in any order, with or without little words.
    Not a question ("Is the child looked after?" less its "is" is "Looked after child", a
    legal status), nor a label ending in the word that says which end of a range it is ("Date
    to" less its "to" is "Date", any date at all)."""
    return tokens[0] not in _QUESTION_STOPWORDS and tokens[-1] not in _RANGE_ENDS


_RANGE_ENDS = frozenset({"to", "from"})


def _content(tokens: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(t for t in tokens if t not in _STOPWORDS))


def _group(labels: list[_Label], confidence: float) -> _Match:
    """The fields a label names: one, or both halves of a date range ("period covered")."""
    first = labels[0]
    specs = [first.spec]
    if first.spec.range:
        specs += [x.spec for x in labels[1:] if x.spec.range and x.spec not in specs]
    return tuple(specs), first.child, confidence


def _find(tokens: tuple[str, ...], wanted: tuple[str, ...]) -> int:
    n = len(wanted)
    for i in range(len(tokens) - n + 1):
        if tokens[i : i + n] == wanted:
            return i
    return -1


_CHILD_HEADING = re.compile(
    r"^(?:child|sibling|young person|cyp|subject child)\s*"
    r"(\d|one|two|three|four|five|six)\b\s*(.*)$"
)
_CHILD_HEADING_WORDS = frozenset({"details", "information", "s"})


@per_text
def _child_prefix(text: str) -> tuple[int | None, str]:
    """("Child 2 date of birth") -> (2, "date of birth"); (None, text) when no child number."""
    norm = normalised_text(text)
    m = _CHILD_HEADING.match(norm)
    if not m:
        return None, text
    number = m.group(1)
    n = int(number) if number.isdigit() else _NUMBER_WORDS[number]
    rest = m.group(2).strip()
    return n, "" if rest in _CHILD_HEADING_WORDS else rest


def _is_child_heading(text: str) -> int | None:
    n, rest = _child_prefix(text)
    return n if n is not None and not rest else None


def _cell_match(index: _Index, cell: str, section: str | None) -> tuple[_Match, bool | None] | None:
    """The label in a cell and, for tick options, the mark in the same cell."""
    if not cell:
        return None
    number, rest = _child_prefix(cell)
    if number is not None and rest:
        matched = index.match(rest, "child")
        return (matched, None) if matched and matched[1] else None
    core, mark = _strip_marks(cell)
    if mark is not None and core and not _has_answers(core):
        matched = index.match(core, section)
        if matched and matched[0][0].type in FLAG_TYPES:
            return matched, mark
    matched = index.match(cell, section)
    return (matched, None) if matched else None


@per_text
def _has_answers(text: str) -> bool:
    """ "Has the child died? Yes [ ] No": the marks belong to the answers, not the label."""
    return any(m.group("word") for m in _YES_NO.finditer(text))
