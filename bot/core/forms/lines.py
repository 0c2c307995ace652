"""Walking the text lines of a document: "Label: value", a label with the value on the next
line, multiline values, and tick boxes written inline."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from bot.core.doctext import Line
from bot.core.forms.inline import (
    _NEXT_ANSWER,
    SURE,
    _answers,
    _is_numbered_section,
    _joined_label,
    _label_then_value,
    _starts_with_label,
)
from bot.core.forms.labels import _child_prefix, _has_answers, _Index, _is_child_heading, _Match
from bot.core.forms.marks import BOX_DRAWN, FLAG_TYPES, _strip_marks, ticked_words
from bot.core.forms.run import _Heading, _Hit, _Run
from bot.core.forms.value_end import ends_any_value, goes_on

# Between the two cells of a table row pasted as text: a tab, a bar, or a run of spaces.
_CELL_GAP = re.compile(r"\s*\t\s*|\s+\|\s+|\s{3,}")


def _cell_pairs(text: str) -> list[tuple[str, str]]:
    """ "Location of incident<tab>Home address", "| Location of incident | Home address |":
    a label and its answer, as "Label: value" would be; a row of four or six cells, its
    pairs. [] for any other line, and for one with a colon, which is read as written."""
    if ":" in text or ("\t" not in text and "|" not in text and "   " not in text):
        return []
    cells = [c for c in _CELL_GAP.split(text.strip().strip("|").strip()) if c]
    if len(cells) not in (2, 4, 6):
        return []
    return list(zip(cells[::2], cells[1::2], strict=True))


# How far below a paragraph break a label is looked for: a long thread quoted below a form,
# read again at every break, would cost a scan each; no answer runs on for longer.
LOOK_BELOW = 200


def _walk_lines(lines: Sequence[Line], texts: list[str], blank: list[bool], run: _Run) -> None:
    """`texts`: each line's text stripped; `blank`: value_end.blank_before of the lines."""
    lines, texts, blank = _one_answer_each(lines, texts, blank, run.index)
    walk = _Walk(run, texts, blank)
    took_next = False
    for i, line in enumerate(lines):
        if took_next:  # its text was read with the line before, as one label
            took_next = False
            continue
        took_next = walk.read(i, line.where)
    walk._settle()  # the last label's answer never came


def _one_answer_each(
    lines: Sequence[Line], texts: list[str], blank: list[bool], index: _Index
) -> tuple[Sequence[Line], list[str], list[bool]]:
    """A line giving two answers, "Child initials: X.Y. Date the local authority became aware:
    22/12/2026.", as two lines: read whole, the second label was part of the first's value,
    and its date lost. Split only before a label the form knows as written."""
    if not any(_NEXT_ANSWER.search(t) for t in texts):
        return lines, texts, blank
    out_lines: list[Line] = []
    out_texts: list[str] = []
    out_blank: list[bool] = []
    for line, text, above in zip(lines, texts, blank, strict=True):
        for n, part in enumerate(_answers(text, index)):
            out_lines.append(Line(line.where, part))
            out_texts.append(part)
            out_blank.append(above if n == 0 else False)
    return out_lines, out_texts, out_blank


@dataclass
class _Walk:
    """Where a walk over the lines is: the section it is in, a label whose value is on the
    next line, a multiline value still running on."""

    run: _Run
    texts: list[str]
    blank: list[bool]  # a blank line stood above the line, where the reader knows it
    section: str | None = None
    # A label whose value is on the next line: what it matched, where, and its words.
    pending: tuple[_Match, str, str] | None = None
    open_hit: _Hit | None = None  # a multiline value still running on

    def read(self, i: int, where: str) -> bool:
        """Read line `i` as the first of these it is: a heading, "Label: value", a label with
        its value after it, a label alone (ticked or not), the value of the label before or
        more of a multiline value. True when it took the next line in too."""
        text = self.texts[i]
        if not text:
            self.open_hit = None
            return False
        joined = self._joined(i, text)
        text = text if joined is None else joined
        if (pairs := _cell_pairs(text)) and self._pairs(pairs, where):
            return joined is not None
        label, sep, value = text.partition(":")
        if sep and _has_answers(label):
            sep = ""  # "Child died Yes: No: X": the colons belong to the answers
        if not (
            self._heading(text)
            or (sep and label.strip() and self._label_and_value(label, value, where))
            or self._label_then_value(i, text, where)
            or self._label_alone(text, where, answered=bool(sep and value.strip()))
        ):
            self._more_of_a_value(i, text, where)
        return joined is not None

    def _pairs(self, pairs: list[tuple[str, str]], where: str) -> bool:
        """A table row pasted as text, read as its label and answer pairs; False, and nothing
        read, unless every label is one the form knows."""
        if not all(self.run.index.match(label, self.section) for label, _ in pairs):
            return False
        for label, value in pairs:
            self._label_and_value(label, value, where)
        return True

    def _joined(self, i: int, text: str) -> str | None:
        """A label split over this line and the next, as one line; never the value a label
        on the line before waits for."""
        if self.pending is not None:
            return None
        following = self.texts[i + 1] if i + 1 < len(self.texts) else ""
        return _joined_label(self.run.index, text, following, self.section)

    def _heading(self, text: str) -> bool:
        number = _is_child_heading(text.rstrip(":"))
        if number is not None:
            self.run.events.append(_Heading(number))
            self._settle()
            self.section, self.open_hit = "child", None
            return True
        heading = self.run.index.section_heading(text)
        if heading or _is_numbered_section(text):
            self._settle()
            self.section, self.open_hit = heading, None
            return True
        return False

    def _label_and_value(self, label: str, value: str, where: str) -> bool:
        """ "Label: value", or "Label:" with its value on the next line. "Child 2 name: ..."
        begins that child's section even when the rest matches no label."""
        index = self.run.index
        number, rest = _child_prefix(label)
        if number is not None:
            self.run.events.append(_Heading(number))
            self.section = "child"
            if not rest and index.child_name is not None and value.strip():
                name: _Match = ((index.child_name,), True, 1.0)
                self._settle()
                self.run.hit(name, value, where)
                self.open_hit = None
                return True
            label = rest or label
        matched = index.match(label, self.section)
        if not matched:
            return False
        self.open_hit = None
        self._settle()
        if value.strip():
            self.run.hit(matched, value, where)
            self.open_hit = _multiline(self.run)
        else:
            self.run.saw(matched)
            self.pending = (matched, where, label.strip())
        return True

    def _label_then_value(self, i: int, text: str, where: str) -> bool:
        """A known label and its value on one line with no colon between them."""
        index, section = self.run.index, self.section
        whole = index.match(text, section)
        if whole and whole[2] >= SURE:
            return False
        among = partial(_among_labels, index, self.texts, i, section)
        split = _label_then_value(index, text, section, among)
        if split is None:
            return False
        self._settle()
        self.run.hit(split[0], split[1], where)
        self.open_hit = _multiline(self.run)
        return True

    def _label_alone(self, text: str, where: str, *, answered: bool) -> bool:
        """A tick box ticked on its line, a sentence ending like a label (`answered`: it has a
        value after a colon), or a label whose value is on the next line."""
        core, mark = _strip_marks(text)
        matched = self.run.index.match(core, self.section)
        if matched and mark is not None:
            sure = matched[0][0].type in FLAG_TYPES and matched[2] >= SURE
            if not (sure and not _has_answers(core)):
                return False
            self._settle()
            self.run.hit(matched, text, where, preset=mark)
            self.open_hit = None
        elif matched and answered:
            # "Criteria: ...; abuse or neglect suspected.": a sentence that ends like a label
            # is its own answer, read (and, when unclear, flagged) as written; taking the next
            # line for it would quote a signature ("Regards,") to the reader.
            self._settle()
            self.run.hit(matched, text, where)
            self.open_hit = None
        elif matched:
            self._settle()
            self.run.saw(matched)
            self.pending, self.open_hit = (matched, where, core.strip()), None
        return bool(matched)

    def _settle(self) -> None:
        """Let go of the label waiting for its value. A tick box's label that no answer
        followed ("Child has died", its box lost in pasting) is a doubt for a person, never a
        box left empty or a line not read."""
        if self.pending is not None and self.pending[0][0][0].type in FLAG_TYPES:
            self.run.hit(self.pending[0], self.pending[2], self.pending[1])
        self.pending = None

    def _more_of_a_value(self, i: int, text: str, where: str) -> None:
        """The value of the label on the line before, or the next line of a multiline one."""
        if self.pending is not None:
            if _starts_with_label(self.run.index, text, self.section):
                self._settle()
                return
            self.run.hit(self.pending[0], text, self.pending[1])
            self.open_hit, self.pending = _multiline(self.run), None
        elif self.open_hit is not None and self._runs_on(i, self.open_hit, text, where):
            self.open_hit.raw = f"{self.open_hit.raw}\n{text}"
        else:
            self.open_hit = None
            if not self._more_options(text):
                self._ticked_alone(text, where)

    def _more_options(self, text: str) -> bool:
        """ "Legal status:" then "☐ CIN", "☐ CP", "☒ CLA" on lines of their own: every option
        is the answer's, read together for the one ticked (values._choice)."""
        last = self.run.events[-1] if self.run.events else None
        if not (isinstance(last, _Hit) and last.spec.type == "choice"):
            return False
        if not (text.startswith(BOX_DRAWN) and last.raw.lstrip().startswith(BOX_DRAWN)):
            return False
        last.raw = f"{last.raw}\n{text}"
        return True

    def _ticked_alone(self, text: str, where: str) -> None:
        """ "☒ Child in need plan", "[X] ...": a box ticked beside words no field has is an
        answer, kept for a person to read. Only a box drawn first: "Thanks, Jo x" is no tick."""
        if text.startswith(BOX_DRAWN) and (words := ticked_words([text])):
            self.run.unmatched.append((words, "ticked", where))

    def _runs_on(self, i: int, hit: _Hit, text: str, where: str) -> bool:
        """Whether line `i` is more of the multiline value `hit`, not the sender's own words
        below the form (bot.core.forms.value_end). Below a blank line with none of the form's
        labels further down, a line that goes on with the value is kept in it, but marked: the
        reader cannot be sure, and the words are shown as news too (bot.core.pasted_form)."""
        following = self.texts[i + 1] if i + 1 < len(self.texts) else ""
        if ends_any_value(text, following):
            return False
        if not self.blank[i] or hit.unsure_from is not None or self._label_below(i):
            return True
        if not goes_on(hit.raw, text):
            return False
        hit.unsure_from = where
        return True

    def _label_below(self, i: int) -> bool:
        """A label further down, before any sign-off or quoted email (whose lines may be the
        bot's own request, naming the form's labels)."""
        index, section = self.run.index, self.section
        below = self.texts[i + 1 : i + 1 + LOOK_BELOW]
        for j, text in enumerate(below):
            if text and ends_any_value(text, below[j + 1] if j + 1 < len(below) else ""):
                return False
            if text and _starts_with_label(index, text, section):
                return True
        return False


def _among_labels(index: _Index, texts: list[str], i: int, section: str | None) -> bool:
    """Is the line at `i` next to another label line (a form, not a letter)?"""
    before = next((t for t in reversed(texts[:i]) if t), "")
    after = next((t for t in texts[i + 1 :] if t), "")
    return any(t and _starts_with_label(index, t, section) for t in (before, after))


def _multiline(run: _Run) -> _Hit | None:
    last = run.events[-1] if run.events else None
    return last if isinstance(last, _Hit) and last.spec.multiline else None
