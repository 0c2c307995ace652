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


def test_a_form_attached_leaves_the_text_whole_and_one_in_the_body_s_tables_is_not_placed() -> None:
    assert words_outside("Dad is on bail.", _read(("GMP", "B.docx, line 3")), TITLES) == (
        "Dad is on bail."
    )
    assert (
        words_outside("Dad is on bail.", _read(("GMP", "email body, table 1, row 2")), TITLES)
        is None
    )
