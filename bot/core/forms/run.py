"""One form's pass over the documents: the labels and values met, in order.

The walkers (lines, tables, chronology) only record events here; turning them into fields
and children happens afterwards, once the whole document has been seen.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.forms.labels import _Index, _Match
from bot.core.forms.marks import _is_placeholder, _strip_marks
from bot.core.forms.model import ChronologyRow, Field
from bot.core.vocabulary import FieldSpec, FormVocabulary


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
    # Where a multiline value went on below a blank line at the form's end: maybe the
    # sender's own words, not the value (bot.core.forms.lines).
    unsure_from: str | None = None


_Event = _Heading | _Hit


@dataclass
class _Run:
    """One form's pass over the documents."""

    index: _Index
    events: list[_Event] = field(default_factory=list)
    labelled: set[str] = field(default_factory=set)
    chronology: list[ChronologyRow] = field(default_factory=list)
    chronology_flags: list[str] = field(default_factory=list)
    # (label, value, where) of table rows that look answered but match no field's label
    unmatched: list[tuple[str, str, str]] = field(default_factory=list)

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


@dataclass
class _TableState:
    section: str | None = None
    chronology_width: int | None = None  # a chronology table that may go on in the next table
    chronology_columns: dict[int, str] = field(default_factory=dict)


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


def _substantive(found: Field) -> bool:
    if isinstance(found.value, bool):
        # An unticked box says nothing (a blank form is all of them, "☐ Child has died"); a
        # No written in words, with no box ("Involvement: No", "Nil return"), is an answer,
        # often an Appendix B's whole answer.
        written = _strip_marks(found.raw)[1] is None and any(c.isalpha() for c in found.raw)
        return found.value or written
    return bool(found.raw) and not _is_placeholder(found.raw)
