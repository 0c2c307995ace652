"""What the Word readers (.docx and old .doc) share: tick-box marks as the form engine reads
them, and which paragraph above a table is that table's heading."""

from __future__ import annotations

CHECKED, UNCHECKED = "☒", "☐"
# Symbol-font tick boxes, as w:sym chars or private-use characters in the text.
SYMBOLS = {
    "Wingdings": {0xFE: "☒", 0xFD: "☒", 0x78: "☒", 0xA8: UNCHECKED, 0x6F: UNCHECKED,
                  0xFC: "✓", 0xFB: "✗"},
    "Wingdings 2": {0x52: "☒", 0x54: "☒", 0x53: "☒", 0xA3: UNCHECKED, 0x2A: UNCHECKED,
                    0x50: "✓", 0x4F: "✗"},
}  # fmt: skip
PRIVATE_USE = {0xF000 + code: char for code, char in SYMBOLS["Wingdings"].items()}

CAPTION_MAX = 80  # longer paragraphs above a table are prose, not its heading


def looks_like_heading(text: str) -> bool:
    """ "Child details" is a heading; "Female: ☒ Male: ☐" or a sentence is content."""
    body = text.rstrip(":").strip()
    return (
        0 < len(body) <= CAPTION_MAX
        and ":" not in body
        and not any(mark in body for mark in "☒☐✓✔")
        and not body.endswith((".", "?", "!"))
    )
