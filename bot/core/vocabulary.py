"""The label vocabulary of the forms the bot reads, as data.

Each form (the GM SIN form, the Rapid Review Information Request "Appendix B") is described
by one TOML file in forms/: the titles that name it, its fields (canonical name, type,
required or not, the labels people write for it), the fields repeated for each child, the
columns of its chronology table, and which dates must come in which order. The loader
(`bot.adapters.vocabulary_loader`) reads the files; `vocabulary_from_dict` checks what it
read and raises VocabularyError naming the file and the bad key, so a typo in a form file
stops the bot at start-up rather than quietly losing a field.

Labels are plain words, compared after `bot.core.label_text.normalise_label` (case,
punctuation, numbering, "(if known)" and the like do not matter). `patterns` are regular
expressions for the odd label that words cannot describe; they are matched against the
normalised label text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from bot.core.label_text import normalise_label

FIELD_TYPES = frozenset({"text", "date", "bool", "tick", "email", "phone", "choice"})
CHRONOLOGY_COLUMNS = ("date", "contact", "practitioner", "event", "outcome")
RANGE_PARTS = frozenset({"start", "end"})
# The fields that may have `choices`, and the answers they may give words for (None: any).
_CHOICES = MappingProxyType({"choice": None, "bool": {"yes", "no"}, "tick": {"yes", "no"}})
_BLANK = "blank template: no values filled in — not a notification"


class VocabularyError(ValueError):
    """A form vocabulary file is invalid; the message names the file and the bad key."""


@dataclass(frozen=True)
class FieldSpec:
    """One field of a form.

    `section_labels` only count inside the section named `section` (a bare "Name" is the
    referrer's name under "Referrer details" and the child's under "Child details").
    `choices` maps each canonical answer of a choice field to the words that mean it; on a
    Yes/No field, "yes" and "no" to the question's own words for them ("Suspected").
    `satisfied_by` names fields that stand in for this one when it is required (an unborn
    child has an expected date of delivery, not a date of birth). `range` marks a date field
    that may be written as one half of "01/01/2026 to 30/06/2026". `multiline` text fields
    run on over the following lines of an email body. `unless` are patterns of words that,
    in a label this field's labels only nearly match (more words, other order, a pattern),
    make it another question: "Date LA notified the National Panel" is not the day the local
    authority became aware, for all it begins with "Date LA notified".
    """

    name: str
    type: str
    required: bool
    labels: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...] = ()
    section: str | None = None
    section_labels: tuple[str, ...] = ()
    choices: tuple[tuple[str, tuple[str, ...]], ...] = ()
    satisfied_by: tuple[str, ...] = ()
    range: str | None = None
    multiline: bool = False
    unless: tuple[re.Pattern[str], ...] = ()


@dataclass(frozen=True)
class DateOrder:
    """`earlier` must not be after `later`; the labels are the words of the flag."""

    earlier: str
    later: str
    earlier_label: str
    later_label: str


# eq=False: a template is loaded once and compared by identity, which also makes it hashable,
# so the label tables built from it can be memoised on it (bot.core.forms.labels).
@dataclass(frozen=True, eq=False)
class FormVocabulary:
    name: str
    title_patterns: tuple[re.Pattern[str], ...]
    fields: tuple[FieldSpec, ...]
    child_fields: tuple[FieldSpec, ...]
    chronology_columns: Mapping[str, tuple[str, ...]]
    title: str = ""
    sections: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    date_order: tuple[DateOrder, ...] = ()
    blank_message: str = _BLANK
    # Labels of the form's own wording beside text that is not an answer ("Guidance"): such
    # a row is not flagged as an answer no field reads. Normalised (normalise_label).
    not_answers: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Vocabulary:
    forms: Mapping[str, FormVocabulary]


# --- Reading a form's data (the loader reads TOML; this checks what it read) ---

_FORM_KEYS = frozenset(
    {
        "name",
        "title",
        "title_patterns",
        "blank_message",
        "sections",
        "fields",
        "child_fields",
        "chronology_columns",
        "date_order",
        "not_answers",
    }
)
_FIELD_KEYS = frozenset(
    {
        "type",
        "required",
        "labels",
        "patterns",
        "section",
        "section_labels",
        "choices",
        "satisfied_by",
        "range",
        "multiline",
        "unless",
    }
)
_ORDER_KEYS = frozenset({"earlier", "later", "earlier_label", "later_label"})
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def _fail(source: str, key: str, expected: str, got: object) -> VocabularyError:
    return VocabularyError(f"{source}: {key}: expected {expected}, got {got!r}")


def _unknown(data: Mapping[str, object], allowed: frozenset[str], source: str, key: str) -> None:
    extra = sorted(set(data) - allowed)
    if extra:
        where = f"{key}.{extra[0]}" if key else extra[0]
        raise _fail(source, where, f"one of {', '.join(sorted(allowed))}", extra[0])


def _str(value: object, source: str, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(source, key, "a non-empty string", value)
    return value


def _strings(value: object, source: str, key: str, *, allow_empty: bool = True) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(source, key, "a list of non-empty strings", value)
    if not value and not allow_empty:
        raise _fail(source, key, "at least one string", value)
    return tuple(value)


def _table(value: object, source: str, key: str) -> Mapping[str, object]:
    if not isinstance(value, dict):
        raise _fail(source, key, "a table", value)
    return value


def _bool(value: object, source: str, key: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(source, key, "true or false", value)
    return value


def _patterns(value: object, source: str, key: str) -> tuple[re.Pattern[str], ...]:
    compiled: list[re.Pattern[str]] = []
    for i, text in enumerate(_strings(value, source, key)):
        try:
            compiled.append(re.compile(text, re.IGNORECASE))
        except re.error as exc:
            raise VocabularyError(f"{source}: {key}[{i}]: bad regex {text!r}: {exc}") from None
    return tuple(compiled)


def _labels(value: object, source: str, key: str) -> tuple[str, ...]:
    labels = _strings(value, source, key)
    for i, label in enumerate(labels):
        if not normalise_label(label):
            raise _fail(source, f"{key}[{i}]", "a label with words in it", label)
    return labels


def _choices(
    value: object, ftype: object, source: str, key: str
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A choice field's answers with the words for each; a Yes/No field's words for "yes" and
    "no" ("Suspected"), if it gives any."""
    if value is None and ftype == "choice":
        raise _fail(source, key, "choices for a choice field", None)
    if value is None:
        return ()
    if ftype not in _CHOICES:
        raise _fail(source, key, "choices only on a choice or Yes/No field", ftype)
    table = _table(value, source, key)
    if not table:
        raise _fail(source, key, "at least one choice", value)
    allowed = _CHOICES[str(ftype)]
    if allowed is not None and not set(table) <= allowed:
        raise _fail(source, key, 'only "yes" and "no" on a Yes/No field', ftype)
    return tuple((str(k), _labels(v, source, f"{key}.{k}")) for k, v in table.items())


def _field(name: str, value: object, source: str, key: str, sections: set[str]) -> FieldSpec:
    if not _NAME.match(name):
        raise _fail(source, key, "a lower_case_name", name)
    data = _table(value, source, key)
    _unknown(data, _FIELD_KEYS, source, key)
    ftype = data.get("type")
    if ftype not in FIELD_TYPES:
        raise _fail(source, f"{key}.type", f"one of {', '.join(sorted(FIELD_TYPES))}", ftype)
    section = data.get("section")
    if section is not None and section not in sections:
        raise _fail(source, f"{key}.section", "a section named under [sections]", section)
    section_labels = _labels(data.get("section_labels", []), source, f"{key}.section_labels")
    if section_labels and section is None:
        raise _fail(source, f"{key}.section", "a section for section_labels", None)
    spec = FieldSpec(
        name=name,
        type=str(ftype),
        required=_bool(data.get("required", False), source, f"{key}.required"),
        labels=_labels(data.get("labels", []), source, f"{key}.labels"),
        patterns=_patterns(data.get("patterns", []), source, f"{key}.patterns"),
        section=None if section is None else str(section),
        section_labels=section_labels,
        choices=_choices(data.get("choices"), ftype, source, f"{key}.choices"),
        satisfied_by=_strings(data.get("satisfied_by", []), source, f"{key}.satisfied_by"),
        range=None,
        multiline=_bool(data.get("multiline", False), source, f"{key}.multiline"),
        unless=_patterns(data.get("unless", []), source, f"{key}.unless"),
    )
    if not spec.labels and not spec.patterns and not spec.section_labels:
        raise _fail(source, f"{key}.labels", "at least one label or pattern", [])
    if spec.multiline and spec.type != "text":
        raise _fail(source, f"{key}.multiline", "multiline only on a text field", True)
    if "range" in data:
        part = data["range"]
        if part not in RANGE_PARTS or spec.type != "date":
            raise _fail(source, f"{key}.range", '"start" or "end" on a date field', part)
        spec = replace(spec, range=str(part))
    return spec


def _fields(value: object, source: str, key: str, sections: set[str]) -> tuple[FieldSpec, ...]:
    table = _table(value, source, key)
    specs = tuple(_field(n, v, source, f"{key}.{n}", sections) for n, v in table.items())
    names = {s.name for s in specs}
    for spec in specs:
        for other in spec.satisfied_by:
            if other not in names:
                raise _fail(source, f"{key}.{spec.name}.satisfied_by", f"a field in {key}", other)
    return specs


def _check_label_clashes(specs: tuple[FieldSpec, ...], source: str) -> None:
    """The same label may not name two fields, except the two halves of a date range."""
    owner: dict[tuple[str | None, str], FieldSpec] = {}
    for spec in specs:
        keyed: list[tuple[str | None, str]] = [(None, label) for label in spec.labels]
        keyed += [(spec.section, label) for label in spec.section_labels]
        for section, label in keyed:
            key = (section, normalise_label(label))
            first = owner.setdefault(key, spec)
            if first is not spec and not (first.range and spec.range):
                raise VocabularyError(
                    f"{source}: {spec.name}.labels: {label!r} already names {first.name}"
                )


def _date_order(value: object, source: str, names: set[str]) -> tuple[DateOrder, ...]:
    if not isinstance(value, list):
        raise _fail(source, "date_order", "an array of tables", value)
    orders: list[DateOrder] = []
    for i, item in enumerate(value):
        key = f"date_order[{i}]"
        data = _table(item, source, key)
        _unknown(data, _ORDER_KEYS, source, key)
        order = DateOrder(
            earlier=_str(data.get("earlier"), source, f"{key}.earlier"),
            later=_str(data.get("later"), source, f"{key}.later"),
            earlier_label=_str(data.get("earlier_label"), source, f"{key}.earlier_label"),
            later_label=_str(data.get("later_label"), source, f"{key}.later_label"),
        )
        for part in ("earlier", "later"):
            if getattr(order, part) not in names:
                raise _fail(source, f"{key}.{part}", "a date field", getattr(order, part))
        orders.append(order)
    return tuple(orders)


def vocabulary_from_dict(data: Mapping[str, object], source: str) -> FormVocabulary:
    """Check one form's data and build its vocabulary; VocabularyError names `source` and key."""
    _unknown(data, _FORM_KEYS, source, "")
    sections_table = _table(data.get("sections", {}), source, "sections")
    sections = {str(k): _labels(v, source, f"sections.{k}") for k, v in sections_table.items()}
    fields = _fields(data.get("fields"), source, "fields", set(sections))
    if not fields:
        raise _fail(source, "fields", "at least one field", {})
    child_fields = _fields(data.get("child_fields", {}), source, "child_fields", set(sections))
    _check_label_clashes(fields + child_fields, source)
    columns_table = _table(data.get("chronology_columns", {}), source, "chronology_columns")
    columns: dict[str, tuple[str, ...]] = {}
    for column, labels in columns_table.items():
        if column not in CHRONOLOGY_COLUMNS:
            raise _fail(
                source,
                f"chronology_columns.{column}",
                f"one of {', '.join(CHRONOLOGY_COLUMNS)}",
                column,
            )
        columns[column] = _labels(labels, source, f"chronology_columns.{column}")
    if columns and "date" not in columns:
        raise _fail(source, "chronology_columns.date", "a date column", None)
    dates = {s.name for s in fields + child_fields if s.type == "date"}
    form = FormVocabulary(
        name=_str(data.get("name"), source, "name"),
        title=_str(data.get("title", data.get("name")), source, "title"),
        title_patterns=_patterns(data.get("title_patterns", []), source, "title_patterns"),
        fields=fields,
        child_fields=child_fields,
        chronology_columns=MappingProxyType(columns),
        sections=MappingProxyType(sections),
        date_order=_date_order(data.get("date_order", []), source, dates),
        blank_message=_str(data.get("blank_message", _BLANK), source, "blank_message"),
        not_answers=frozenset(
            normalise_label(label)
            for label in _labels(data.get("not_answers", []), source, "not_answers")
        ),
    )
    if not _NAME.match(form.name):
        raise _fail(source, "name", "a lower_case_name", form.name)
    return form
