"""Walking the tables of a document: the layouts a label and its value can take in a table.

Labels beside values, a row of labels over rows of values, label and value in one cell, one
column per child, and tick boxes in all their forms (see the package docstring).
"""

from __future__ import annotations

from bot.core.doctext import Table
from bot.core.forms.chronology import _chronology
from bot.core.forms.inline import _inline_value, _is_numbered_section
from bot.core.forms.labels import (
    _cell_match,
    _child_prefix,
    _Index,
    _is_child_heading,
    _Match,
)
from bot.core.forms.labels import normalised_text as normalise_label
from bot.core.forms.marks import FLAG_TYPES, _flag, _is_mark, _is_placeholder, ticked_words
from bot.core.forms.run import _Heading, _Run, _TableState


def _walk_table(table: Table, rows: list[tuple[str, ...]], run: _Run, state: _TableState) -> None:
    """`rows`: the table's rows with each cell stripped."""
    start = _chronology(table, rows, run, state)
    rows = rows[:start]
    index = run.index
    child_columns: dict[int, int] = {}
    yes_no: tuple[int, int] | None = None
    paired = False  # a row of this table was read as label beside value
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
            if heading or _is_numbered_section(only):
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
        if not labels or _value_beside_unknown(cells, matches, labels, filled):
            _unmatched(run, cells, where)
            continue
        # Among label-value rows, [Role | Safeguarding lead] is one more, not the head of
        # columns over the next row's label and value.
        columns = [] if paired and len(filled) == 2 else _column_heads(cells, labels, filled)
        below = _value_rows(rows, r, index, state.section) if columns else []
        if below:
            _header_layout(run, cells, matches, labels, rows, below, table.where)
            unknown = [i for i in columns if i not in labels]
            _unmatched_columns(run, cells, unknown, rows, below, table.where)
            r = below[-1] + 1
            continue
        blank_below = r < len(rows) and not any(rows[r])
        number = _child_prefix(cells[labels[0]])[0]
        if number is not None:
            run.events.append(_Heading(number))  # "Child 2 date of birth"
        labels = _values_that_look_like_labels(cells, matches, labels, len(filled), blank_below)
        _pair_layout(run, cells, matches, labels, where, child_columns, yes_no)
        paired = True


def _column_heads(cells: tuple[str, ...], labels: list[int], filled: list[int]) -> list[int]:
    """The columns of a row that may head a row of labels over rows of values: every filled
    cell a label, or all but a third that no field has but read like labels ("Relationship
    to the child": short, no figures), so one column no field has does not lose the table.
    Empty when the row cannot be such a head."""
    unknown = [i for i in filled if i not in labels]
    if len(labels) < 2 and unknown:
        return []
    if len(unknown) * 3 > len(filled) or any(not _label_like(cells[i]) for i in unknown):
        return []
    return filled


def _value_beside_unknown(
    cells: tuple[str, ...],
    matches: list[tuple[_Match, bool | None] | None],
    labels: list[int],
    filled: list[int],
) -> bool:
    """[Job role | Safeguarding lead]: an answer in a field's words beside a label no field
    has. Not that field left empty (the answer would be lost unseen): a row a person reads."""
    if len(filled) != 2 or labels != [filled[1]] or not _label_like(cells[filled[0]]):
        return False
    found = matches[filled[1]]
    return found is not None and found[0][0][0].type not in FLAG_TYPES


def _label_like(text: str) -> bool:
    return len(text.split()) <= 6 and not any(c.isdigit() for c in text) and not _is_mark(text)


def _unmatched_columns(
    run: _Run,
    cells: tuple[str, ...],
    unknown: list[int],
    rows: list[tuple[str, ...]],
    below: list[int],
    where: str,
) -> None:
    """The values under a column head no field has: answers, kept for a person to read."""
    for i in unknown:
        for r in below:
            value = rows[r][i] if i < len(rows[r]) else ""
            if value and not _is_placeholder(value) and value != cells[i]:
                run.unmatched.append((cells[i], value, f"{where}, row {r + 1}"))


def _unmatched(run: _Run, cells: tuple[str, ...], where: str) -> None:
    """[Other relevant information | A sibling was also injured]: a label and its answer,
    but no field of the form has that label. Kept, so that a person reads it."""
    distinct = list(dict.fromkeys(c for c in cells if c))
    if len(distinct) < 3 and (ticked := ticked_words(distinct)):
        # [☒ Looked after child]: a box ticked beside words no field has, its answer the tick
        run.unmatched.append((ticked, "ticked", where))
        return
    if len(distinct) == 1 and cells and not cells[0] and not _is_placeholder(distinct[0]):
        # [ | | Taken to hospital]: the value above it goes on in a row of its own
        run.unmatched.append(("(the row above, continued)", distinct[0], where))
        return
    if len(distinct) != 2 or any(_is_placeholder(c) or _is_mark(c) for c in distinct):
        return
    if normalise_label(distinct[0]) not in run.index.form.not_answers:
        run.unmatched.append((distinct[0], distinct[1], where))


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
        loose = second[0][2] < 1.0 <= first[0][2]
        if first[0][0][0].type in FLAG_TYPES or second[0][0][0].type in FLAG_TYPES:
            if _flag(cells[j])[0] is not None:  # [Child has died | Yes, child died]: an answer,
                kept.remove(j)  # whatever label words follow its Yes
            elif first[0][0][0].type not in FLAG_TYPES and second[1] is None:
                kept.remove(j)  # [Nature of harm | Death or serious injury]: an answer in a
                # tick box's words, with no box: not the tick box left empty
            continue
        if loose or (filled == 2 and not blank_below):
            kept.remove(j)
    return kept


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
        if len(set(cells)) == 1 and (
            index.section_heading(cells[0]) or _is_numbered_section(cells[0])
        ):
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
            # [Criteria | Child has died]: the words right of a heading, with no box anywhere
            words = i > 0 and (i - 1) not in label_set and not _is_mark(cells[i - 1])
            boxed = not words or "" in cells
            _tick_in_row(run, matched, mark, cells, i, right, where, yes_no, boxed=boxed)
            continue
        if matched[1] and right and len(labels) == 1:
            extra = [c for c in cells[j + 1 :] if c and c != right]
            if extra:  # [Child's name | Ann | Ben]: one column per child, no heading row
                for slot, raw in enumerate([right, *extra]):
                    run.hit(matched, raw, where, slot=slot)
                continue
        run.hit(matched, right, where)
        _beside_the_value(run, cells, i, j, label_set, where)


def _beside_the_value(
    run: _Run, cells: tuple[str, ...], i: int, j: int, label_set: set[int], where: str
) -> None:
    """[Address | 1 Example Street | Exampletown]: cells after the value and before the next
    label, which no field reads; kept for a person to read."""
    right = cells[j] if j < len(cells) else ""
    end = min((k for k in label_set if k > j), default=len(cells))
    for extra in dict.fromkeys(cells[j + 1 : end]):
        if extra and extra != right and not (_is_placeholder(extra) or _is_mark(extra)):
            run.unmatched.append((cells[i], extra, where))


def _tick_in_row(
    run: _Run,
    matched: _Match,
    mark: bool | None,
    cells: tuple[str, ...],
    i: int,
    right: str,
    where: str,
    yes_no: tuple[int, int] | None,
    *,
    boxed: bool = True,
) -> None:
    """`boxed`: a box may be in the row; without one, the label alone is no answer of No."""
    text = cells[i]
    if mark is not None:
        run.hit(matched, text, where, preset=mark)
        return
    if yes_no is not None:
        yes, no = yes_no
        yes_cell = cells[yes] if yes < len(cells) else ""
        no_cell = cells[no] if no < len(cells) else ""
        if yes_cell.strip() or no_cell.strip():
            yes_ticked, no_ticked = _mark_or_word(yes_cell), _mark_or_word(no_cell)
            raw = f"Yes: {yes_cell or '-'}; No: {no_cell or '-'}"
            if yes_ticked != no_ticked:
                run.hit(matched, raw, where, preset=yes_ticked)
            else:  # both ticked, or something else written: the reading says why
                run.hit(matched, raw, where)
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
    elif not boxed:
        run.hit(matched, text, where)  # a person reads it: "cannot tell Yes or No"
    elif matched[0][0].type == "tick" and len(cells) > 1:
        run.hit(matched, "☐", where, preset=False)
    else:
        run.hit(matched, "", where)


def _mark_or_word(cell: str) -> bool:
    value = _flag(cell)[0]
    return value is True or (bool(cell.strip()) and value is None and _is_mark(cell))
