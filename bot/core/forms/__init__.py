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

from bot.core.forms.engine import extract
from bot.core.forms.model import (
    DOUBTFUL_BELOW,
    ChronologyRow,
    Extraction,
    Field,
    ValueType,
    name_initials,
)

__all__ = [
    "DOUBTFUL_BELOW",
    "ChronologyRow",
    "Extraction",
    "Field",
    "ValueType",
    "extract",
    "name_initials",
]
