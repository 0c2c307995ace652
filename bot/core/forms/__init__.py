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
- Lines: "Label: value"; "Label value" with no colon (a PDF's table read as lines: "First
  name Kai") where the rest can be the field's value; "Label:" (or a bare label) with the
  value on the next line, unless that line is itself a label; a label broken over two lines
  ("Date the local authority" / "became aware"); for multiline fields (descriptions,
  summaries) the value runs on until a label, a section heading, a sign-off or a quoted email,
  or a blank line followed by a new paragraph with none of the form's labels below it
  (bot.core.forms.value_end). Section headings ("Section 4: Criteria", "2. Chronology of
  significant events") are never values.
- Tick boxes: a mark in the label's own cell or line ("☒ Child has died"), in the cell right
  of it ("☒", "X", "Yes"), in a mark cell left of it, under "Yes"/"No" columns, or as
  "Yes ☒ No ☐", "Yes [ ] No [X]" or "Yes: No: X". An option row with an empty tick cell is
  an unticked box. A mark that could belong to either answer ("Yes X No"), or ticks in both
  Yes and No, is never read as Yes: the field has no value and a problem, for a person.

Sections ("Referrer details", "Child details") let a bare "Name" mean the referrer's name or
the child's. "Child 1"/"Child 2" headings, or a child label met again with a different
value, start the next child.

Every field keeps the raw text, where it was found and a confidence: 1.0 for an exact label
and a clean value, 0.9 for a clean value after a known label with no colon or dug out of
longer text, less for a fuzzy label (extra words). A value taken by a fallback (the
forwarding sender's address for a form with none, a one-word label's text in prose) or from
an ambiguous reading (two dates, two choices, a mark between Yes and No) is below
`DOUBTFUL_BELOW`. A field below it, or with a problem (a date that does not exist, dates in
an impossible order, a value given twice), is listed in `doubtful` for a person to check.
"""

from bot.core.forms.engine import extract, extract_each
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
    "extract_each",
    "name_initials",
]
