"""Which lines of an email's body are a pasted form's, and which the person's own words."""

from __future__ import annotations

import re

from bot.core.forms.model import Extraction, Field
from bot.core.pasted_form import words_outside

TITLES = (re.compile(r"appendix\s*b\b", re.IGNORECASE),)


def _read(*found: tuple[str, str]) -> Extraction:
    fields = {f"f{n}": Field(f"f{n}", raw, raw, where, 1.0) for n, (raw, where) in enumerate(found)}
    return Extraction("appendix_b", fields, (), (), (), (), ())


def test_the_title_fields_and_a_value_on_the_line_after_its_label_are_the_form_s() -> None:
    text = "Dad is on bail.\n\nAppendix B return\nAgency:\nGMP\nRole: DS\n\nRegards"
    form = _read(("GMP", "email body, line 4"), ("DS", "email body, line 6"))
    assert words_outside(text, form, TITLES) == "Dad is on bail.\n\n\n\n\n\n\nRegards"


def test_a_heading_between_the_title_and_the_first_field_is_the_form_s() -> None:
    text = "Hello,\nRapid Review: Appendix B\nAuthor details\nRole: DS\nAgency: GMP"
    form = _read(("DS", "email body, line 4"), ("GMP", "email body, line 5"))
    assert words_outside(text, form, TITLES) == "Hello,\n\n\n\n"


def test_a_sentence_naming_the_form_above_it_is_the_person_s() -> None:
    text = "The father was released on bail; our Appendix B is below.\nAgency: GMP\nRole: DS"
    form = _read(("GMP", "email body, line 2"), ("DS", "email body, line 3"))
    kept = words_outside(text, form, TITLES)
    assert kept is not None and kept.startswith("The father was released on bail")


def test_a_form_attached_leaves_the_text_whole() -> None:
    assert words_outside("Dad is on bail.", _read(("GMP", "B.docx, line 3")), TITLES) == (
        "Dad is on bail."
    )


ROWS = {1: [["Agency", "GMP"], ["Role", "DS"], ["Summary", "One call-out in June."]]}


def test_a_table_in_the_html_is_found_among_the_lines_a_row_to_a_line() -> None:
    text = (
        "Hello,\nDad is on bail.\nRapid Review: Appendix B\nAgency GMP\nRole DS\n"
        "Summary One call-out in June.\nMum moved to a refuge.\nKind regards"
    )
    form = _read(("GMP", "email body, table 1, row 1"), ("DS", "email body, table 1, row 2"))
    kept = words_outside(text, form, TITLES, ROWS)
    assert kept == "Hello,\nDad is on bail.\n\n\n\n\nMum moved to a refuge.\nKind regards"


def test_a_table_written_a_cell_to_a_line_as_outlook_s_plain_part_has_it() -> None:
    text = (
        "Dad is on bail.\n\nAgency\n\nGMP\n\nRole\n\nDS\n\nSummary\n\nOne call-out\n"
        "in June.\n\nMum moved to a refuge."
    )
    form = _read(("GMP", "email body, table 1, row 1"), ("DS", "email body, line 9"))
    kept = words_outside(text, form, TITLES, ROWS)
    assert [line for line in kept.split("\n") if line] == [
        "Dad is on bail.",
        "Mum moved to a refuge.",
    ]


def test_a_table_whose_words_are_not_among_the_lines_leaves_the_text_whole() -> None:
    form = _read(("GMP", "email body, table 1, row 1"))
    assert words_outside("Dad is on bail.", form, TITLES, ROWS) == "Dad is on bail."
