"""Walking the text lines of a document: "Label: value", a label with the value on the next
line, multiline values, and tick boxes written inline."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.doctext import Line
from bot.core.forms.labels import _child_prefix, _is_child_heading, _Match
from bot.core.forms.marks import FLAG_TYPES, _flag, _strip_marks
from bot.core.forms.run import _Heading, _Hit, _Run
from bot.core.forms.values import _EMAIL, _PHONE, _date


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
