"""Walking the text lines of a document: "Label: value", a label with the value on the next
line, multiline values, and tick boxes written inline."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from bot.core.doctext import Line
from bot.core.forms.inline import (
    SURE,
    _is_numbered_section,
    _joined_label,
    _label_then_value,
    _starts_with_label,
)
from bot.core.forms.labels import _child_prefix, _has_answers, _Index, _is_child_heading, _Match
from bot.core.forms.marks import FLAG_TYPES, _strip_marks
from bot.core.forms.run import _Heading, _Hit, _Run


def _walk_lines(lines: Sequence[Line], run: _Run) -> None:
    index = run.index
    section: str | None = None
    pending: tuple[_Match, str] | None = None  # a label whose value is on the next line
    open_hit: _Hit | None = None  # a multiline value still running on
    texts = [line.text.strip() for line in lines]
    skip = False
    for i, line in enumerate(lines):
        text = texts[i]
        if skip:
            skip = False
            continue
        if not text:
            open_hit = None
            continue
        following = texts[i + 1] if i + 1 < len(texts) else ""
        joined = _joined_label(index, text, following, section) if pending is None else None
        if joined is not None:
            text, skip = joined, True
        number = _is_child_heading(text.rstrip(":"))
        if number is not None:
            run.events.append(_Heading(number))
            section, pending, open_hit = "child", None, None
            continue
        heading = index.section_heading(text)
        if heading or _is_numbered_section(text):
            section, pending, open_hit = heading, None, None
            continue
        label, sep, value = text.partition(":")
        if sep and _has_answers(label):
            sep = ""  # "Child died Yes: No: X": the colons belong to the answers
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
        whole = index.match(text, section)
        if not (whole and whole[2] >= SURE):
            among = partial(_among_labels, index, texts, i, section)
            split = _label_then_value(index, text, section, among)
            if split is not None:
                run.hit(split[0], split[1], line.where)
                pending, open_hit = None, _multiline(run)
                continue
        core, mark = _strip_marks(text)
        matched = index.match(core, section)
        if matched and mark is not None:
            if matched[0][0].type in FLAG_TYPES and matched[2] >= SURE and not _has_answers(core):
                run.hit(matched, text, line.where, preset=mark)
                pending = open_hit = None
                continue
        elif matched and sep and value.strip():
            # "Criteria: ...; abuse or neglect suspected.": a sentence that ends like a label
            # is its own answer, read (and, when unclear, flagged) as written; taking the next
            # line for it would quote a signature ("Regards,") to the reader.
            run.hit(matched, text, line.where)
            pending = open_hit = None
            continue
        elif matched:
            run.saw(matched)
            pending, open_hit = (matched, line.where), None
            continue
        if pending is not None:
            if not _starts_with_label(index, text, section):
                run.hit(pending[0], text, pending[1])
                open_hit = _multiline(run)
            pending = None
        elif open_hit is not None:
            open_hit.raw = f"{open_hit.raw}\n{text}"


def _among_labels(index: _Index, texts: list[str], i: int, section: str | None) -> bool:
    """Is the line at `i` next to another label line (a form, not a letter)?"""
    before = next((t for t in reversed(texts[:i]) if t), "")
    after = next((t for t in texts[i + 1 :] if t), "")
    return any(t and _starts_with_label(index, t, section) for t in (before, after))


def _multiline(run: _Run) -> _Hit | None:
    last = run.events[-1] if run.events else None
    return last if isinstance(last, _Hit) and last.spec.multiline else None
