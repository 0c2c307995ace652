"""The merged case chronology as a Word document for the Rapid Review meeting pack."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from docx import Document
from docx.shared import Pt

COLUMNS = ("Date", "Agency", "Contact", "Practitioner", "Event", "Outcome")


def write_chronology_docx(
    path: Path, *, title: str, subtitle: str, rows: Sequence[Sequence[str]], made_on: date
) -> None:
    document = Document()
    document.add_heading(title, level=1)
    document.add_paragraph(subtitle)
    document.add_paragraph(
        f"Prepared {made_on:%d %B %Y} from the agencies' Appendix B returns. "
        "OFFICIAL-SENSITIVE: for the Rapid Review meeting only."
    )
    table = document.add_table(rows=1, cols=len(COLUMNS))
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, COLUMNS, strict=True):
        cell.text = heading
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = value
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(9)
    document.save(str(path))
