"""Where in an email's body a pasted form lies, so that the words a person wrote around it
("Please note the father was released on bail this morning", above the return) are read as
any reply is, and the form's own lines are not told again as news.

The form reader keeps, for every field, the line it was read from ("email body, line 7"),
or the table of the body's HTML ("email body, table 1, row 2"), found among the lines by its
cells' words (bot.core.pasted_table): the form runs from the first such line to the last line
of the last value read, with the form's title just above it. Lines are numbered as the reader
numbered the message's text. Only the form's lines are left out: its values are the return's,
recorded on their own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from bot.core.doctext import BODY
from bot.core.forms.model import Extraction, Field
from bot.core.pasted_table import Rows, table_number, table_spans
from bot.core.signature import tells_news

_BODY_LINE = re.compile(rf"{re.escape(BODY)}, line (\d+)")
# A title is a heading, not a sentence: "Rapid Review Information Request (Appendix B)".
TITLE_WORDS = 10
HEADINGS = 3  # the title and the section headings that may stand below it
# Above the words below a pasted form that its last answer, as read, goes on into: shown as
# news, as they may be, with a word that they may be the form's.
MAY_BE_THE_FORM_S = "[Below the pasted form: its last answer may go on into these lines]"


def words_outside(
    text: str,
    form: Extraction,
    title_patterns: Sequence[re.Pattern[str]],
    tables: Mapping[int, Rows] | None = None,
) -> str:
    """`text` (the message's text, as the reader read it) with the pasted form's lines blanked,
    each line kept in its place; `text` itself when no field was read from the body (the form
    came attached). `tables`: the body's HTML tables by number, as the reader numbered them."""
    fields = _every_field(form)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    ends = {n: _value_end(lines, n, f.raw) for f in fields if (n := _line_of(f)) is not None}
    spans = [(n, end) for n, (end, _) in ends.items()]
    numbers = {n for f in fields if (n := table_number(f.where)) is not None}
    spans += table_spans(lines, numbers, tables or {})
    if not spans:
        return text
    first = _title_above(lines, min(start for start, _ in spans), title_patterns)
    last = max(end for _, end in spans)
    kept = ["" if first <= n <= last else line for n, line in enumerate(lines, 1)]
    if any(end == last and more for end, more in ends.values()):
        if last < len(kept) and not kept[last].strip():
            kept[last] = MAY_BE_THE_FORM_S  # the blank line that stopped it, below the form
        else:
            kept.insert(last, MAY_BE_THE_FORM_S)
    return "\n".join(kept)


def _every_field(form: Extraction) -> list[Field]:
    return [*form.fields.values(), *(f for child in form.children for f in child.values())]


def _line_of(found: Field) -> int | None:
    matched = _BODY_LINE.fullmatch(found.where)
    return int(matched.group(1)) if matched else None


def _plain(text: str) -> str:
    return " ".join(text.split()).casefold()


def _value_end(lines: list[str], number: int, raw: str) -> tuple[int, bool]:
    """The last line of the value read at line `number`, and whether the value the reader kept
    goes on below it. A value may stand on the line after its label ("Agency:" alone) and run
    on over the lines below (a summary); as the person wrote it, a blank line ends it, and
    below it are their own words. The reader keeps a paragraph below a blank line in the value
    only when it cannot tell (bot.core.forms.value_end): it is shown here all the same."""
    told = [_plain(x) for x in raw.split("\n") if x.strip()] or [""]
    at = number
    if told[0] not in _plain(_at(lines, number)):
        at = next((n for n in range(number + 1, len(lines) + 1) if _at(lines, n).strip()), number)
    for seen, more in enumerate(told[1:], 1):
        following = _plain(_at(lines, at + 1))
        if not following or more not in following:
            return at, seen < len(told)
        at += 1
    return at, False


def _at(lines: list[str], number: int) -> str:
    return lines[number - 1] if 0 < number <= len(lines) else ""


def _title_above(lines: list[str], number: int, patterns: Iterable[re.Pattern[str]]) -> int:
    """The form's first line: its title, when that stands just above its first field, perhaps
    with a heading or two between ("Author details"); a sentence naming the form ("The father
    was released; our Appendix B is below") is the person's own words."""
    above = [n for n in range(number - 1, 0, -1) if _at(lines, n).strip()][:HEADINGS]
    for n in above:
        line = _at(lines, n)
        if not _heading_like(line):
            break
        if any(p.search(line) for p in patterns):
            return n
    return number


def _heading_like(line: str) -> bool:
    words = line.strip()
    return len(words.split()) <= TITLE_WORDS and words[-1] not in ".!?" and not tells_news(words)
