"""The form engine: find the fields of a SIN form or an Appendix B return in document text.

Pure: it reads `DocumentText` (from the readers) and a `Vocabulary` (from forms/*.toml) and
returns an `Extraction`. Nothing here knows about Word, PDF or email.

How a value is found for a label (labels are compared with `normalise_label`, so case,
punctuation, numbering, "(if known)" and a trailing colon do not matter):

- Tables, label and value side by side: the value is the next cell to the right
  ([Name | Ann | DOB | 01/01/2015] gives two fields).
- Tables, a row of labels over a row of values (every filled cell of a row is a label and
  the next row has none): the value is the cell below. Further value rows under child labels
  are further children.
- Tables, label and value in one cell ("DOB: 03/04/2015", or the value on the cell's next line).
- Tables, one column per child (a row of "Child 1 | Child 2" headings): one value per child.
- Lines: "Label: value"; "Label:" (or a bare label) with the value on the next line; for
  multiline fields (descriptions, summaries) the value runs on until a blank line or a label.
- Tick boxes: a mark in the label's own cell or line ("☒ Child has died"), in the cell right
  of it ("☒", "X", "Yes"), in a mark cell left of it, under "Yes"/"No" columns, or as
  "Yes ☒ No ☐". An option row with an empty tick cell is an unticked box.

Sections ("Referrer details", "Child details") let a bare "Name" mean the referrer's name or
the child's. "Child 1"/"Child 2" headings, or a child label met again with a different
value, start the next child.

Every field keeps the raw text, where it was found and a confidence: 1.0 for an exact label
and a clean value, less for a fuzzy label (extra words) or a value dug out of longer text.
A field below `DOUBTFUL_BELOW`, or with a problem (a date that does not exist, dates in an
impossible order, a value given twice), is listed in `doubtful` for a person to check.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from bot.core.dates import DateError, parse_uk_date
from bot.core.doctext import DocumentText, Line, Table
from bot.core.vocabulary import FieldSpec, FormVocabulary, Vocabulary, normalise_label

DOUBTFUL_BELOW = 0.75
MAX_CHILDREN = 4
MIN_FIELDS = 2  # filled fields needed to call it a form (one, with the form's title)
MIN_TEMPLATE_LABELS = 3  # labels with nothing filled in: a blank template

FLAG_TYPES = frozenset({"bool", "tick"})
_TICKED = "☒☑✓✔✗✘■"
_UNTICKED = "☐□"
_MARKS = _TICKED + _UNTICKED
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_COUNT_WORDS = {2: "two", 3: "three", 4: "four"}
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
    first child and as "child 2: date_of_birth" for the others.
    """

    form: str | None
    fields: Mapping[str, Field]
    children: tuple[Mapping[str, Field], ...]
    chronology: tuple[ChronologyRow, ...]
    missing: tuple[str, ...]
    doubtful: tuple[str, ...]
    flags: tuple[str, ...]

    def initials(self) -> str:
        """The first child's initials ("A.B."), or "" when unknown.

        The only detail of a child that may appear in outgoing mail.
        """
        if not self.children:
            return ""
        name = self.children[0].get("child_name")
        return name_initials(name.value) if name and isinstance(name.value, str) else ""


_NOT_NAMES = frozenset({"unborn", "baby", "of", "child", "the", "mr", "mrs", "ms", "miss"})


def name_initials(name: str) -> str:
    """ "Ann Bee Example" -> "A.B.E."; "EXAMPLE, Ann" -> "A.E."; "" when no name."""
    if "," in name:
        surname, _, forenames = name.partition(",")
        name = f"{forenames} {surname}"
    words = re.findall(r"[^\W\d_][^\W\d_'\u2019-]*(?:[-'\u2019][^\W\d_]+)*", name)
    kept = [w for w in words if w.casefold() not in _NOT_NAMES]
    return "".join(f"{w[0].upper()}." for w in kept)


# --- Label index ---


@dataclass(frozen=True)
class _Label:
    spec: FieldSpec
    child: bool
    text: str  # normalised
    tokens: tuple[str, ...]


_STOPWORDS = frozenset({"the", "of", "a", "an", "and", "or", "by", "to", "at", "is", "was", "your"})
_Match = tuple[tuple[FieldSpec, ...], bool, float]  # specs, child fields, label confidence


class _Index:
    """The labels of one form, for fast matching of many cells."""

    def __init__(self, form: FormVocabulary) -> None:
        self.form = form
        self.exact: dict[str, list[_Label]] = {}
        self.in_section: dict[tuple[str, str], list[_Label]] = {}
        self.fuzzy: list[_Label] = []
        self.loose: dict[tuple[str, ...], list[_Label]] = {}
        self.patterns: list[tuple[re.Pattern[str], FieldSpec, bool]] = []
        self.sections = {
            name: frozenset(normalise_label(label) for label in labels)
            for name, labels in form.sections.items()
        }
        self.columns = {
            name: frozenset(normalise_label(label) for label in labels)
            for name, labels in form.chronology_columns.items()
        }
        self.child_name = next((s for s in form.child_fields if s.name == "child_name"), None)
        self._cache: dict[tuple[str, str | None], _Match | None] = {}
        for child, specs in ((False, form.fields), (True, form.child_fields)):
            for spec in specs:
                for raw in spec.labels:
                    label = _make_label(spec, child, raw)
                    self.exact.setdefault(label.text, []).append(label)
                    self.loose.setdefault(_content(label.tokens), []).append(label)
                    if len(label.tokens) >= 2:
                        self.fuzzy.append(label)
                for raw in spec.section_labels:
                    label = _make_label(spec, child, raw)
                    key = (spec.section or "", label.text)
                    self.in_section.setdefault(key, []).append(label)
                self.patterns.extend((p, spec, child) for p in spec.patterns)

    def match(self, text: str, section: str | None) -> _Match | None:
        key = (text, section)
        if key not in self._cache:
            self._cache[key] = self._match(normalise_label(text), section)
        return self._cache[key]

    def _match(self, norm: str, section: str | None) -> _Match | None:
        if not norm:
            return None
        if section is not None and (section, norm) in self.in_section:
            return _group(self.in_section[(section, norm)], 1.0)
        if norm in self.exact:
            return _group(self.exact[norm], 1.0)
        for pattern, spec, child in self.patterns:
            if pattern.fullmatch(norm):
                return (spec,), child, 0.95
        tokens = tuple(norm.split())
        loose = self.loose.get(_content(tokens))
        if loose:
            return _group(loose, 0.9)
        if len(tokens) > 12:
            return None
        best: tuple[float, int, _Label] | None = None
        present = set(tokens)
        for label in self.fuzzy:
            extra = len(tokens) - len(label.tokens)
            if not 1 <= extra <= 4 or not present.issuperset(label.tokens):
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

    def section_heading(self, text: str) -> str | None:
        norm = normalise_label(text)
        for name, labels in self.sections.items():
            if norm in labels:
                return name
        return None


def _make_label(spec: FieldSpec, child: bool, raw: str) -> _Label:
    text = normalise_label(raw)
    return _Label(spec, child, text, tuple(text.split()))


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


# --- Headings and tick marks ---

_CHILD_HEADING = re.compile(
    r"^(?:child|sibling|young person|cyp|subject child)\s*"
    r"(\d|one|two|three|four|five|six)\b\s*(.*)$"
)
_CHILD_HEADING_WORDS = frozenset({"details", "information", "s"})


def _child_prefix(text: str) -> tuple[int | None, str]:
    """("Child 2 date of birth") -> (2, "date of birth"); (None, text) when no child number."""
    norm = normalise_label(text)
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


# --- Walking the documents ---


@dataclass(frozen=True)
class _Heading:
    number: int | None  # None: the next child in a list of rows; 0: a new document


@dataclass
class _Hit:
    spec: FieldSpec
    child: bool
    raw: str
    where: str
    label_confidence: float
    slot: int | None = None
    preset: bool | None = None  # a tick decided by the layout, not by the text


_Event = _Heading | _Hit


@dataclass
class _Run:
    """One form's pass over the documents."""

    index: _Index
    events: list[_Event] = field(default_factory=list)
    labelled: set[str] = field(default_factory=set)
    chronology: list[ChronologyRow] = field(default_factory=list)
    chronology_flags: list[str] = field(default_factory=list)

    def saw(self, matched: _Match) -> None:
        """A label with no value (yet): a blank template is labels and nothing else."""
        self.labelled.update(spec.name for spec in matched[0])

    def hit(self, matched: _Match, raw: str, where: str, **extra: object) -> None:
        specs, child, confidence = matched
        for spec in specs:
            self.labelled.add(spec.name)
            hit = _Hit(spec, child, raw.strip(), where, confidence)
            for key, value in extra.items():
                setattr(hit, key, value)
            self.events.append(hit)


def _walk_lines(lines: Sequence[Line], run: _Run) -> None:
    index = run.index
    section: str | None = None
    pending: tuple[_Match, str] | None = None  # a label whose value is on the next line
    open_hit: _Hit | None = None  # a multiline value still running on
    for line in lines:
        text = line.text.strip()
        if not text:
            open_hit = None
            continue
        number = _is_child_heading(text.rstrip(":"))
        if number is not None:
            run.events.append(_Heading(number))
            section, pending, open_hit = "child", None, None
            continue
        heading = index.section_heading(text) if ":" not in text.rstrip(":") else None
        if heading:
            section, pending, open_hit = heading, None, None
            continue
        label, sep, value = text.partition(":")
        if sep and label.strip():
            number, rest = _child_prefix(label)
            if number is not None:
                run.events.append(_Heading(number))
                section = "child"
                if not rest and index.child_name is not None and value.strip():
                    name: _Match = ((index.child_name,), True, 1.0)
                    run.hit(name, value, line.where)
                    pending = open_hit = None
                    continue
                label = rest or label
            matched = index.match(label, section)
            if matched:
                open_hit = None
                if value.strip():
                    pending = None
                    run.hit(matched, value, line.where)
                    open_hit = _multiline(run)
                else:
                    run.saw(matched)
                    pending = (matched, line.where)
                continue
        if _typed_prefix(text, run, section, line.where):
            pending = open_hit = None
            continue
        core, mark = _strip_marks(text)
        matched = index.match(core, section)
        if matched and mark is not None:
            if matched[0][0].type in FLAG_TYPES and matched[2] >= 0.9:
                run.hit(matched, text, line.where, preset=mark)
                pending = open_hit = None
                continue
        elif matched:
            run.saw(matched)
            pending, open_hit = (matched, line.where), None
            continue
        if pending is not None:
            run.hit(pending[0], text, pending[1])
            pending = None
            open_hit = _multiline(run)
        elif open_hit is not None:
            open_hit.raw = f"{open_hit.raw}\n{text}"


def _multiline(run: _Run) -> _Hit | None:
    last = run.events[-1] if run.events else None
    return last if isinstance(last, _Hit) and last.spec.multiline else None


def _typed_prefix(text: str, run: _Run, section: str | None, where: str) -> bool:
    """ "DOB 12/11/2015", "Child has died Yes ☒ No ☐": a label then a typed value, no colon."""
    words = text.split()
    for k in range(min(len(words) - 1, 10), 0, -1):
        matched = run.index.match(" ".join(words[:k]), section)
        if not matched or matched[2] < 1.0:
            continue
        rest = " ".join(words[k:])
        spec = matched[0][0]
        if spec.type in FLAG_TYPES:
            ok = _flag(rest)[0] is not None
        elif spec.type == "date":
            ok = _date(rest, spec)[0] is not None
        elif spec.type == "email":
            ok = _EMAIL.search(rest) is not None
        elif spec.type == "phone":
            ok = _PHONE.search(rest) is not None
        else:
            ok = False
        if ok:
            run.hit(matched, rest, where)
            return True
    return False


@dataclass
class _TableState:
    section: str | None = None
    chronology_width: int | None = None  # a chronology table that may go on in the next table
    chronology_columns: dict[int, str] = field(default_factory=dict)


def _walk_table(table: Table, run: _Run, state: _TableState) -> None:
    rows = [tuple(c.strip() for c in row) for row in table.rows]
    start = _chronology(table, rows, run, state)
    rows = rows[:start]
    index = run.index
    child_columns: dict[int, int] = {}
    yes_no: tuple[int, int] | None = None
    r = 0
    while r < len(rows):
        cells = rows[r]
        where = f"{table.where}, row {r + 1}"
        filled = [i for i, c in enumerate(cells) if c]
        r += 1
        if not filled:
            continue
        distinct = {cells[i] for i in filled}
        if len(distinct) == 1:
            only = cells[filled[0]]
            number = _is_child_heading(only)
            if number is not None:
                run.events.append(_Heading(number))
                state.section, child_columns = "child", {}
                continue
            heading = index.section_heading(only)
            if heading:
                state.section, child_columns, yes_no = heading, {}, None
                continue
        heads = {i: _is_child_heading(cells[i]) for i in filled}
        if any(n is not None for n in heads.values()) and all(
            n is not None or i == filled[0] for i, n in heads.items()
        ):
            child_columns = {i: n - 1 for i, n in heads.items() if n is not None}
            state.section = "child"
            continue
        words = {normalise_label(cells[i]): i for i in filled}
        if "yes" in words and "no" in words:
            yes_no = (words["yes"], words["no"])
            continue
        for i in filled:
            if _inline_value(run, cells[i], state.section, where):
                cells = (*cells[:i], "", *cells[i + 1 :])  # "Date of birth: 03/04/2015"
        filled = [i for i, c in enumerate(cells) if c]
        matches = [_cell_match(index, c, state.section) for c in cells]
        labels = [i for i in filled if matches[i] is not None]
        if not labels:
            continue
        below = _value_rows(rows, r, index, state.section) if len(labels) == len(filled) else []
        if below:
            _header_layout(run, cells, matches, labels, rows, below, table.where)
            r = below[-1] + 1
            continue
        blank_below = r < len(rows) and not any(rows[r])
        number = _child_prefix(cells[labels[0]])[0]
        if number is not None:
            run.events.append(_Heading(number))  # "Child 2 date of birth"
        labels = _values_that_look_like_labels(cells, matches, labels, len(filled), blank_below)
        _pair_layout(run, cells, matches, labels, where, child_columns, yes_no)


def _inline_value(run: _Run, cell: str, section: str | None, where: str) -> bool:
    """A cell holding its own label and value: "DOB: 03/04/2015" or "DOB\n03/04/2015"."""
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


def _values_that_look_like_labels(
    cells: tuple[str, ...],
    matches: list[tuple[_Match, bool | None] | None],
    labels: list[int],
    filled: int,
    blank_below: bool,
) -> list[int]:
    """Drop from `labels` the cells that are values: "Designated Safeguarding Lead" right of
    "Role" only loosely matches a label; in [Location | Home address] the second is a value."""
    kept = list(labels)
    for i in labels:
        j = i + 1
        while j < len(cells) and cells[j] == cells[i]:
            j += 1
        first, second = matches[i], matches[j] if j < len(cells) else None
        if i not in kept or j not in kept or first is None or second is None:
            continue
        if first[0][0][0].type in FLAG_TYPES or second[0][0][0].type in FLAG_TYPES:
            continue
        loose = second[0][2] < 1.0 <= first[0][2]
        if loose or (filled == 2 and not blank_below):
            kept.remove(j)
    return kept


def _cell_match(index: _Index, cell: str, section: str | None) -> tuple[_Match, bool | None] | None:
    """The label in a cell and, for tick options, the mark in the same cell."""
    if not cell:
        return None
    number, rest = _child_prefix(cell)
    if number is not None and rest:
        matched = index.match(rest, "child")
        return (matched, None) if matched and matched[1] else None
    core, mark = _strip_marks(cell)
    if mark is not None and core:
        matched = index.match(core, section)
        if matched and matched[0][0].type in FLAG_TYPES:
            return matched, mark
    matched = index.match(cell, section)
    return (matched, None) if matched else None


def _value_rows(
    rows: list[tuple[str, ...]], start: int, index: _Index, section: str | None
) -> list[int]:
    """Rows under a row of labels that hold only values."""
    found: list[int] = []
    for r in range(start, len(rows)):
        cells = [c for c in rows[r] if c]
        if not cells:
            break
        if any(_cell_match(index, c, section) or _is_child_heading(c) is not None for c in cells):
            break
        if len(set(cells)) == 1 and index.section_heading(cells[0]):
            break
        found.append(r)
    return found


def _header_layout(
    run: _Run,
    cells: tuple[str, ...],
    matches: list[tuple[_Match, bool | None] | None],
    labels: list[int],
    rows: list[tuple[str, ...]],
    below: list[int],
    where: str,
) -> None:
    has_child = any(m is not None and m[0][1] for m in matches)
    for k, r in enumerate(below):
        if has_child and k > 0:
            run.events.append(_Heading(None))
        values = rows[r]
        for i in labels:
            found = matches[i]
            if found is None:
                continue
            matched = found[0]
            if k > 0 and not matched[1]:
                continue
            raw = values[i] if i < len(values) else ""
            run.hit(matched, raw, f"{where}, row {r + 1}")


def _pair_layout(
    run: _Run,
    cells: tuple[str, ...],
    matches: list[tuple[_Match, bool | None] | None],
    labels: list[int],
    where: str,
    child_columns: dict[int, int],
    yes_no: tuple[int, int] | None,
) -> None:
    label_set = set(labels)
    for i in labels:
        found = matches[i]
        if found is None:
            continue
        matched, mark = found
        spec = matched[0][0]
        if child_columns and matched[1] and i < min(child_columns):
            for column, slot in child_columns.items():
                raw = cells[column] if column < len(cells) else ""
                run.hit(matched, raw, where, slot=slot)
            continue
        j = i + 1
        while j < len(cells) and cells[j] == cells[i]:
            j += 1  # merged cells repeat their text
        right = cells[j] if j < len(cells) and j not in label_set else ""
        if spec.type in FLAG_TYPES:
            _tick_in_row(run, matched, mark, cells, i, right, where, yes_no)
            continue
        if matched[1] and right and len(labels) == 1:
            extra = [c for c in cells[j + 1 :] if c and c != right]
            if extra:  # [Child's name | Ann | Ben]: one column per child, no heading row
                for slot, raw in enumerate([right, *extra]):
                    run.hit(matched, raw, where, slot=slot)
                continue
        run.hit(matched, right, where)


def _tick_in_row(
    run: _Run,
    matched: _Match,
    mark: bool | None,
    cells: tuple[str, ...],
    i: int,
    right: str,
    where: str,
    yes_no: tuple[int, int] | None,
) -> None:
    text = cells[i]
    if mark is not None:
        run.hit(matched, text, where, preset=mark)
        return
    if yes_no is not None:
        yes, no = yes_no
        yes_cell = cells[yes] if yes < len(cells) else ""
        no_cell = cells[no] if no < len(cells) else ""
        if yes_cell.strip() or no_cell.strip():
            ticked = _mark_or_word(yes_cell)
            raw = f"Yes: {yes_cell or '-'}; No: {no_cell or '-'}"
            run.hit(matched, raw, where, preset=ticked and not _mark_or_word(no_cell))
            return
        run.hit(matched, "", where)
        return
    left = cells[i - 1] if i > 0 else ""
    if right and _flag(right)[0] is not None:
        run.hit(matched, right, where)
    elif left and _is_mark(left):
        run.hit(matched, left, where, preset=_flag(left)[0] is True)
    elif right:
        run.hit(matched, right, where)
    elif matched[0][0].type == "tick" and len(cells) > 1:
        run.hit(matched, "☐", where, preset=False)
    else:
        run.hit(matched, "", where)


def _mark_or_word(cell: str) -> bool:
    value = _flag(cell)[0]
    return value is True or (bool(cell.strip()) and value is None and _is_mark(cell))


def _chronology(table: Table, rows: list[tuple[str, ...]], run: _Run, state: _TableState) -> int:
    """Read the chronology rows of `table`; return where they start (len(rows) if none)."""
    columns_labels = run.index.columns
    if not columns_labels:
        return len(rows)
    start = len(rows)
    columns: dict[int, str] = {}
    if (
        rows
        and state.chronology_width == len(rows[0])
        and not _chronology_header(rows[0], columns_labels)
        and not any(_cell_match(run.index, c, None) for c in rows[0])
    ):
        start, columns = -1, state.chronology_columns  # the table goes on from the last
    for r, cells in enumerate(rows if not columns else ()):
        found = _chronology_header(cells, columns_labels)
        if found:
            start, columns = r, found
            break
    if not columns:
        state.chronology_width = None
        return len(rows)
    state.chronology_width = len(rows[start]) if start >= 0 else state.chronology_width
    state.chronology_columns = columns
    for r in range(start + 1, len(rows)):
        cells = rows[r]
        if _chronology_header(cells, columns_labels):
            continue  # a header repeated on the next page
        got = {name: (cells[i] if i < len(cells) else "") for i, name in columns.items()}
        if not any(got.values()):
            continue
        where = f"{table.where}, row {r + 1}"
        raw_date = got.get("date", "")
        when, _, problem = _date(raw_date, None) if raw_date else (None, 0.0, None)
        if problem:
            run.chronology_flags.append(f"chronology ({where}): {problem}")
        run.chronology.append(
            ChronologyRow(
                date=when if isinstance(when, date) else None,
                raw_date=raw_date,
                contact=got.get("contact", ""),
                practitioner=got.get("practitioner", ""),
                event=got.get("event", ""),
                outcome=got.get("outcome", ""),
                where=where,
            )
        )
    return max(start, 0)


def _chronology_header(
    cells: tuple[str, ...], columns: Mapping[str, frozenset[str]]
) -> dict[int, str]:
    found: dict[int, str] = {}
    for i, cell in enumerate(cells):
        norm = normalise_label(cell)
        for name, labels in columns.items():
            if norm in labels and name not in found.values():
                found[i] = name
                break
    return found if "date" in found.values() and len(found) >= 3 else {}


# --- Values ---

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?:\+\s?44\s?(?:\(0\)\s?)?|\(?0)[\d\s()-]{8,16}\d")
_DATE_IN_TEXT = re.compile(
    r"\b\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}\b"
    r"|\b\d{4}-\d{1,2}-\d{1,2}\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?[A-Za-z]{3,9}\.?,?\s+\d{2,4}\b",
)
_RANGE = re.compile(r"\s+(?:to|until|till|-|\u2013|\u2014)\s+", re.IGNORECASE)


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
    for m in _DATE_IN_TEXT.finditer(s):
        try:
            return parse_uk_date(m.group(0)), 0.9, None
        except DateError as exc:
            problem = str(exc)
    return None, 0.0, problem


def _choice(raw: str, spec: FieldSpec) -> tuple[str, float, str | None]:
    norm = normalise_label(raw)
    tokens = tuple(norm.split())
    best: tuple[int, str] | None = None
    for canonical, synonyms in spec.choices:
        for synonym in (canonical, *synonyms):
            wanted = normalise_label(synonym)
            if wanted == norm:
                return canonical, 1.0, None
            size = len(wanted.split())
            if _find(tokens, tuple(wanted.split())) >= 0 and (best is None or size > best[0]):
                best = (size, canonical)
    if best is not None:
        return best[1], 0.9, None
    allowed = ", ".join(c for c, _ in spec.choices)
    return raw.strip(), 0.6, f"{raw.strip()!r} is not one of: {allowed}"


def _typed(hit: _Hit) -> Field | None:
    """The hit as a field; None when nothing was filled in."""
    spec, raw = hit.spec, hit.raw.strip()
    if spec.type in FLAG_TYPES:
        if hit.preset is not None:
            return Field(spec.name, hit.preset, raw, hit.where, hit.label_confidence)
        flag, confidence, problem = _flag(raw)
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
    return _field(hit, text, 1.0, None)


def _field(hit: _Hit, value: ValueType, confidence: float, problem: str | None) -> Field:
    score = round(hit.label_confidence * confidence, 3)
    if problem is None and score < DOUBTFUL_BELOW:
        problem = f"uncertain: label {hit.where} matched loosely"
    return Field(hit.spec.name, value, hit.raw.strip(), hit.where, score, problem)


def _substantive(found: Field) -> bool:
    if isinstance(found.value, bool):
        return found.value
    return bool(found.raw) and not _is_placeholder(found.raw)


# --- Putting it together ---


@dataclass
class _Result:
    form: FormVocabulary
    fields: dict[str, Field]
    children: list[dict[str, Field]]
    run: _Run
    conflicts: list[str]
    extra_children: int
    titled: bool

    @property
    def filled(self) -> int:
        names = {n for n, f in self.fields.items() if _substantive(f)}
        names |= {n for child in self.children for n, f in child.items() if _substantive(f)}
        return len(names) + (1 if self.run.chronology else 0)


def _same(a: ValueType, b: ValueType) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
    return a == b


def _single_fields(run: _Run) -> tuple[dict[str, Field], list[str]]:
    by_name: dict[str, list[Field]] = {}
    for event in run.events:
        if isinstance(event, _Hit) and not event.child:
            typed = _typed(event)
            if typed is not None:
                by_name.setdefault(typed.name, []).append(typed)
    fields: dict[str, Field] = {}
    conflicts: list[str] = []
    for name, found in by_name.items():
        best = max(found, key=lambda f: (f.value is not None, f.confidence))
        others = [
            f
            for f in found
            if f.value is not None
            and best.value is not None
            and not _same(f.value, best.value)
            and f.confidence >= DOUBTFUL_BELOW
            and not isinstance(f.value, bool)
        ]
        if others and best.problem is None:
            other = others[0]
            best = replace(best, problem=f"also given as {other.raw!r} ({other.where})")
            conflicts.append(f"{name} is given twice, differently ({best.where}; {other.where})")
        fields[name] = best
    return fields, conflicts


def _child_blocks(run: _Run) -> list[dict[str, _Hit]]:
    blocks: list[dict[str, _Hit]] = []
    current: int | None = None

    def ensure(i: int) -> None:
        while len(blocks) <= i:
            blocks.append({})

    for event in run.events:
        if isinstance(event, _Heading):
            if event.number == 0:
                current = None
            elif event.number is not None:
                current = event.number - 1
                ensure(current)
            elif current is None or blocks[current]:
                current = len(blocks)
                ensure(current)
            continue
        if not event.child or _is_placeholder(event.raw):
            continue
        name = event.spec.name
        if event.slot is not None:
            ensure(event.slot)
            blocks[event.slot].setdefault(name, event)
            continue
        if current is None:
            current = 0
            ensure(0)
        existing = blocks[current].get(name)
        if existing is not None:
            if " ".join(existing.raw.split()).casefold() == " ".join(event.raw.split()).casefold():
                continue
            current += 1
            ensure(current)
        blocks[current][name] = event
    return [b for b in blocks if b]


def _children(run: _Run) -> list[dict[str, Field]]:
    children: list[dict[str, Field]] = []
    for block in _child_blocks(run):
        child: dict[str, Field] = {}
        for name, hit in block.items():
            found = _typed(hit)
            if found is not None:
                child[name] = found
        if "child_name" not in child and ("forename" in child or "surname" in child):
            parts = [child[n] for n in ("forename", "surname") if n in child]
            child["child_name"] = Field(
                "child_name",
                " ".join(str(p.value) for p in parts),
                " ".join(p.raw for p in parts),
                parts[0].where,
                min(p.confidence for p in parts),
            )
        if child:
            children.append(child)
    return children


def _titled(form: FormVocabulary, documents: Sequence[DocumentText]) -> bool:
    if not form.title_patterns:
        return False
    for doc in documents:
        texts = [doc.source, *(line.text for line in doc.lines[:40])]
        texts += [cell for table in doc.tables[:3] for row in table.rows[:3] for cell in row]
        if any(p.search(text) for p in form.title_patterns for text in texts):
            return True
    return False


def _run_form(form: FormVocabulary, documents: Sequence[DocumentText]) -> _Result:
    run = _Run(_Index(form))
    for doc in documents:
        run.events.append(_Heading(0))  # each document starts again at its first child
        _walk_lines(doc.lines, run)
        state = _TableState()
        for table in doc.tables:
            _walk_table(table, run, state)
    fields, conflicts = _single_fields(run)
    children = _children(run)
    extra = max(0, len(children) - MAX_CHILDREN)
    return _Result(
        form, fields, children[:MAX_CHILDREN], run, conflicts, extra, _titled(form, documents)
    )


def _missing(
    form: FormVocabulary, fields: Mapping[str, Field], children: list[dict[str, Field]]
) -> list[str]:
    missing: list[str] = []
    present = set(fields)
    for spec in form.fields:
        if spec.required and spec.name not in present and not present & set(spec.satisfied_by):
            missing.append(spec.name)
    for n, child in enumerate(children or [{}], start=1):
        for spec in form.child_fields:
            if spec.required and spec.name not in child and not set(child) & set(spec.satisfied_by):
                missing.append(_child_key(n, spec.name))
    return missing


def _child_key(n: int, name: str) -> str:
    return name if n == 1 else f"child {n}: {name}"


def _date_flags(
    result: _Result, fields: dict[str, Field], children: list[dict[str, Field]]
) -> list[str]:
    flags: list[str] = []
    for order in result.form.date_order:
        scopes: list[tuple[int | None, dict[str, Field]]] = [(None, fields)]
        scopes += [(n, {**fields, **child}) for n, child in enumerate(children, start=1)]
        seen: set[tuple[str, str, date, date]] = set()
        for n, scope in scopes:
            first, second = scope.get(order.earlier), scope.get(order.later)
            if first is None or second is None:
                continue
            a, b = first.value, second.value
            if not isinstance(a, date) or not isinstance(b, date) or a <= b:
                continue
            key = (order.earlier, order.later, a, b)
            if key in seen:
                continue
            seen.add(key)
            text = f"{order.earlier_label} {a:%d/%m/%Y} is after {order.later_label} {b:%d/%m/%Y}"
            flags.append(text if n is None or len(children) < 2 else f"child {n}: {text}")
            for spec_name, found in ((order.earlier, first), (order.later, second)):
                target = (
                    children[n - 1] if n is not None and spec_name in children[n - 1] else fields
                )
                if found.problem is None:
                    target[spec_name] = replace(found, problem=text)
    return flags


def _finish(result: _Result, documents: Sequence[DocumentText]) -> Extraction:
    fields = dict(result.fields)
    children = [dict(c) for c in result.children]
    flags: list[str] = []
    if "referrer_email" not in fields and any(
        s.name == "referrer_email" for s in result.form.fields
    ):
        sender = next((d for d in documents if d.original_sender), None)
        if sender is not None and sender.original_sender:
            fields["referrer_email"] = Field(
                "referrer_email",
                sender.original_sender,
                sender.original_sender,
                f"{sender.source}, forwarded from",
                0.9,
            )
    if len(result.children) > 1:
        count = len(result.children) + result.extra_children
        flags.append(f"form names {_COUNT_WORDS.get(count, str(count))} children")
    if result.extra_children:
        flags.append(f"only the first {MAX_CHILDREN} children are kept; read the form for the rest")
    flags += _date_flags(result, fields, children)
    flags += result.conflicts
    for name, found in fields.items():
        if found.value is None and found.problem:
            flags.append(f"{name}: {found.problem}")
    for n, child in enumerate(children, start=1):
        for name, found in child.items():
            if found.value is None and found.problem:
                flags.append(f"{_child_key(n, name)}: {found.problem}")
    flags += result.run.chronology_flags
    doubtful = [n for n, f in fields.items() if _doubtful(f)]
    for n, child in enumerate(children, start=1):
        doubtful += [_child_key(n, name) for name, f in child.items() if _doubtful(f)]
    return Extraction(
        form=result.form.name,
        fields=fields,
        children=tuple(children),
        chronology=tuple(
            sorted(result.run.chronology, key=lambda r: (r.date is None, r.date or date.min))
        ),
        missing=tuple(_missing(result.form, fields, children)),
        doubtful=tuple(doubtful),
        flags=tuple(flags),
    )


def _doubtful(found: Field) -> bool:
    return found.problem is not None or found.confidence < DOUBTFUL_BELOW


def extract(documents: Sequence[DocumentText], vocabulary: Vocabulary) -> Extraction:
    """Find the form in `documents` (an email body and its attachments) and read its fields."""
    reader_flags = tuple(f"{d.source}: {p}" for d in documents for p in d.problems)
    results = [_run_form(form, documents) for form in vocabulary.forms.values()]
    if not results:
        return Extraction(None, {}, (), (), (), (), reader_flags)
    best = max(results, key=lambda r: (r.filled + (3 if r.titled else 0), r.titled))
    enough = best.filled >= MIN_FIELDS or (best.titled and best.filled >= 1)
    if not enough:
        template = max(results, key=lambda r: (len(r.run.labelled), r.titled))
        if best.filled == 0 and len(template.run.labelled) >= MIN_TEMPLATE_LABELS:
            flags = (template.form.blank_message, *reader_flags)
            return Extraction(None, {}, (), (), (), (), flags)
        return Extraction(None, {}, (), (), (), (), reader_flags)
    extraction = _finish(best, documents)
    return replace(extraction, flags=extraction.flags + reader_flags)
