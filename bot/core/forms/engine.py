"""`extract`: run every form over the documents, keep the one that fits best, and finish it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from bot.core.doctext import DocumentText, Table
from bot.core.forms.checks import _date_flags, _doubtful, _missing, _single_fields
from bot.core.forms.children import _child_key, _children
from bot.core.forms.labels import _Index
from bot.core.forms.lines import _walk_lines
from bot.core.forms.model import Extraction, Field
from bot.core.forms.run import _Heading, _Result, _Run, _TableState
from bot.core.forms.tables import _walk_table
from bot.core.forms.value_end import blank_before
from bot.core.unplaced import unplaced_flag
from bot.core.vocabulary import FormVocabulary, Vocabulary

MAX_CHILDREN = 4
MIN_FIELDS = 2  # filled fields needed to call it a form (one, with the form's title)
MIN_TEMPLATE_LABELS = 3  # labels with nothing filled in: a blank template
_COUNT_WORDS = {2: "two", 3: "three", 4: "four"}
FALLBACK = 0.7  # a value from somewhere other than the form: below DOUBTFUL_BELOW


@dataclass(frozen=True)
class _Prepared:
    """A document's text as every form's walk reads it (lines and cells stripped, the blank
    lines, the texts a title is looked for in): worked out once, not once for each form."""

    doc: DocumentText
    texts: list[str]
    blank: list[bool]
    tables: list[tuple[Table, list[tuple[str, ...]]]]
    title_texts: list[str]


def _prepared(doc: DocumentText) -> _Prepared:
    titles = [doc.source, *(line.text for line in doc.lines[:40])]
    titles += [cell for table in doc.tables[:3] for row in table.rows[:3] for cell in row]
    return _Prepared(
        doc,
        [line.text.strip() for line in doc.lines],
        blank_before([line.where for line in doc.lines]),
        [(t, [tuple(c.strip() for c in row) for row in t.rows]) for t in doc.tables],
        titles,
    )


def _titled(form: FormVocabulary, documents: Sequence[_Prepared]) -> bool:
    if not form.title_patterns:
        return False
    for doc in documents:
        texts = doc.title_texts
        if any(p.search(text) for p in form.title_patterns for text in texts):
            return True
    return False


def _run_form(form: FormVocabulary, documents: Sequence[_Prepared]) -> _Result:
    run = _Run(_Index(form))
    for doc in documents:
        run.events.append(_Heading(0))  # each document starts again at its first child
        _walk_lines(doc.doc.lines, doc.texts, doc.blank, run)
        state = _TableState()
        for table, rows in doc.tables:
            _walk_table(table, rows, run, state)
    fields, conflicts = _single_fields(run)
    children = _children(run)
    extra = max(0, len(children) - MAX_CHILDREN)
    return _Result(
        form, fields, children[:MAX_CHILDREN], run, conflicts, extra, _titled(form, documents)
    )


def _finish(result: _Result, documents: Sequence[DocumentText]) -> Extraction:
    fields = dict(result.fields)
    children = [dict(c) for c in result.children]
    flags: list[str] = []
    _forwarded_sender(result, fields, documents)
    if len(result.children) > 1:
        count = len(result.children) + result.extra_children
        flags.append(f"form names {_COUNT_WORDS.get(count, str(count))} children")
    if result.extra_children:
        flags.append(f"only the first {MAX_CHILDREN} children are kept; read the form for the rest")
    flags += _date_flags(result, fields, children)
    flags += result.conflicts
    flags += _unreadable(fields, children)
    flags += result.run.chronology_flags
    flags += _unmatched_flags(result.run.unmatched)
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


def _forwarded_sender(
    result: _Result, fields: dict[str, Field], documents: Sequence[DocumentText]
) -> None:
    """With no referrer email on the form, take the address the mail was forwarded from."""
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
                FALLBACK,
                "not on the form: taken from the forwarded message's sender",
            )


def _unmatched_flags(rows: Sequence[tuple[str, str, str]]) -> list[str]:
    """A flag for each answer no field read, the first UNMATCHED_LISTED of them; then one
    saying how many more (a table of notes attached beside the form would be a flag a row)."""
    flags = []
    for label, value, where in rows[:UNMATCHED_LISTED]:
        shown = value if len(value) <= UNMATCHED_SHOWN else value[: UNMATCHED_SHOWN - 1] + "…"
        flags.append(unplaced_flag(where, label, shown))
    if len(rows) > UNMATCHED_LISTED:
        flags.append(
            f"{len(rows) - UNMATCHED_LISTED} more answers not read into any field: "
            "read the form for them"
        )
    return flags


UNMATCHED_SHOWN = 200  # characters of the answer in the flag; the form has the rest
UNMATCHED_LISTED = 5


def _unreadable(fields: dict[str, Field], children: list[dict[str, Field]]) -> list[str]:
    """A flag for each value that could not be read (a date that does not exist)."""
    flags: list[str] = []
    for name, found in fields.items():
        if found.value is None and found.problem:
            flags.append(f"{name}: {found.problem}")
    for n, child in enumerate(children, start=1):
        for name, found in child.items():
            if found.value is None and found.problem:
                flags.append(f"{_child_key(n, name)}: {found.problem}")
    return flags


def _fit(result: _Result, expected: str | None) -> tuple[int, bool, bool]:
    return (
        result.filled + (3 if result.titled else 0),
        result.titled,
        result.form.name == expected,
    )


def extract(
    documents: Sequence[DocumentText], vocabulary: Vocabulary, expected: str | None = None
) -> Extraction:
    """Find the form in `documents` (an email body and its attachments) and read its fields.
    `expected`: the form the message says it carries (a SIN by its subject), which wins
    between forms that fit equally well."""
    return _chosen(documents, _results(documents, vocabulary), expected)


def extract_each(
    documents: Sequence[DocumentText], vocabulary: Vocabulary
) -> dict[str | None, Extraction]:
    """`extract` for every `expected` it can be given (None, or a form's name), each form run
    once: `expected` only breaks ties between the forms' results (the reading process answers
    them all before the bot knows which it will ask, bot.adapters.reader_child)."""
    results = _results(documents, vocabulary)
    each: dict[str | None, Extraction] = {}
    made: dict[int, Extraction] = {}  # the same form chosen gives the same answer: made once
    for expected in (None, *vocabulary.forms):
        best = id(_best(results, expected))
        if best not in made:
            made[best] = _chosen(documents, results, expected)
        each[expected] = made[best]
    return each


def _results(documents: Sequence[DocumentText], vocabulary: Vocabulary) -> list[_Result]:
    prepared = [_prepared(doc) for doc in documents]
    return [_run_form(form, prepared) for form in vocabulary.forms.values()]


def _best(results: Sequence[_Result], expected: str | None) -> _Result | None:
    return max(results, key=lambda r: _fit(r, expected)) if results else None


def _chosen(
    documents: Sequence[DocumentText], results: Sequence[_Result], expected: str | None
) -> Extraction:
    reader_flags = tuple(p for d in documents for p in d.problems)
    unread = tuple(d.source for d in documents if d.unread)
    best = _best(results, expected)
    if best is None:
        return Extraction(None, {}, (), (), (), (), reader_flags, unread)
    enough = best.filled >= MIN_FIELDS or (best.titled and best.filled >= 1)
    if not enough:
        template = max(results, key=lambda r: (len(r.run.labelled), r.titled))
        if best.filled == 0 and len(template.run.labelled) >= MIN_TEMPLATE_LABELS:
            flags = (template.form.blank_message, *reader_flags)
            return Extraction(None, {}, (), (), (), (), flags, unread)
        return Extraction(None, {}, (), (), (), (), reader_flags, unread)
    extraction = _finish(best, documents)
    return replace(extraction, flags=extraction.flags + reader_flags, unread=unread)
