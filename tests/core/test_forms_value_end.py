"""Where a pasted form's last multiline value ends: at the sender's own words below the form
(news, a sign-off, a signature, a quoted email), never inside a value that runs over paragraphs.

The lines are numbered as the email reader numbers them: blank lines are left out, and counted.
"""

from __future__ import annotations

import pytest

from bot.core.doctext import DocumentText, Line
from bot.core.forms import Extraction
from bot.core.pasted_form import MAY_BE_THE_FORM_S, words_outside
from tests.core.test_forms import VOCABULARY, run

TITLES = VOCABULARY.forms["appendix_b"].title_patterns
HEAD = (
    "Rapid Review Information Request (Appendix B)\n\n"
    "Agency: Greater Manchester Police\n"
    "Name: Alex Author\n"
    "Role: Detective Sergeant\n"
    "Date returned: 22/12/2026\n"
)
BAIL = "Please note the father was released on bail this morning."


def body(text: str) -> DocumentText:
    numbered = enumerate(text.split("\n"), 1)
    lines = tuple(Line(f"email body, line {n}", t.strip()) for n, t in numbered if t.strip())
    return DocumentText("email body", lines, (), ())


def _read(text: str) -> tuple[Extraction, str]:
    form = run(body(text))
    outside = words_outside(text, form, TITLES)
    assert outside is not None
    return form, outside


def _summary(form: Extraction) -> object:
    return form.fields["summary"].value


def test_news_below_a_blank_line_ends_the_last_value_and_is_left_outside_the_form() -> None:
    form, outside = _read(f"{HEAD}Summary: One call-out in June.\n\n{BAIL}\n\nRegards\nDC Sample")
    assert _summary(form) == "One call-out in June."
    assert "summary" not in form.doubtful
    assert BAIL in outside and "One call-out" not in outside
    assert MAY_BE_THE_FORM_S not in outside


def test_a_sign_off_or_a_quoted_email_ends_the_value_with_no_blank_line_above_it() -> None:
    for below in ("Kind regards\nDC Sample", "Regards,\nDC Sample", "-----Original Message-----"):
        form, _ = _read(f"{HEAD}Summary: One call-out in June.\n{below}\nTSCP request")
        assert _summary(form) == "One call-out in June.", below
    form, _ = _read(f"{HEAD}Summary: One call-out.\nFrom: TSCP <tscp@example.org>\nSent: Mon")
    assert _summary(form) == "One call-out."


def test_a_value_over_paragraphs_with_the_form_going_on_below_is_kept_whole() -> None:
    text = (
        f"{HEAD}Summary: One call-out in June.\n\nA second call-out in August.\n"
        "Actions taken: DASH completed.\n\nRegards\nDC Sample"
    )
    form, outside = _read(text)
    assert _summary(form) == "One call-out in June.\nA second call-out in August."
    assert form.fields["immediate_actions"].value == "DASH completed."
    assert "August" not in outside


def test_a_paragraph_that_may_go_on_with_the_last_value_is_kept_and_shown_as_possible_news() -> (
    None
):
    text = f"{HEAD}Summary: Call-outs in June and\n\naugust; both domestic.\n\nRegards\nDC Sample"
    form, outside = _read(text)
    assert _summary(form) == "Call-outs in June and\naugust; both domestic."
    summary = form.fields["summary"]
    assert "summary" in form.doubtful
    assert summary.problem is not None and "email body, line 9" in summary.problem
    assert f"{MAY_BE_THE_FORM_S}\naugust; both domestic." in outside


def test_a_list_below_a_heading_line_is_more_of_the_value() -> None:
    listed = "- strategy meeting\n- DASH"
    text = f"{HEAD}Actions taken:\nThe following:\n\n{listed}\n\nThanks\nDC Sample"
    form, _ = _read(text)
    assert form.fields["immediate_actions"].value == "The following:\n- strategy meeting\n- DASH"
    assert "immediate_actions" in form.doubtful


@pytest.mark.parametrize(
    "below",
    [
        "Cofion cynnes,\nDC Sample",
        "Yn gywir\nDC Sample",
        "Diolch,\nDC Sample",
        "Am Mi., 16. Dez. 2026 um 12:00 Uhr schrieb TSCP <tscp@example.org>:",
        "Am Mi., 16. Dez. 2026 um 12:00 Uhr schrieb TSCP <\ntscp@example.org>:",
    ],
)
def test_a_welsh_sign_off_or_a_foreign_attribution_ends_the_value(below: str) -> None:
    # A partner in Wales signs "Cofion cynnes" or "Yn gywir"; one whose Gmail is set to German
    # quotes the request below "Am ... schrieb TSCP <...>:", which Gmail may wrap.
    form, _ = _read(f"{HEAD}Summary: One call-out in June.\n{below}\nTSCP request")
    assert _summary(form) == "One call-out in June."


REQUEST = (
    "[TSCP-2026-0001] Rapid Review information request\n\n"
    "Summary of involvement:\nView on whether the CSPR criteria are met:"
)


@pytest.mark.parametrize(
    "header",
    [
        # Outlook set to French, German, Spanish, Dutch, Welsh, Italian: its header block
        "De : TSCP <tscp@example.org>\nEnvoy\u00e9 : lundi 21 d\u00e9cembre 2026 10:00\n"
        "\u00c0 : DC Sample\nObjet : ",
        "Von: TSCP <tscp@example.org>\nGesendet: Montag, 21. Dezember 2026 10:00\n"
        "An: DC Sample\nBetreff: ",
        "De: TSCP <tscp@example.org>\nEnviado el: lunes, 21 de diciembre de 2026 10:00\n"
        "Para: DC Sample\nAsunto: ",
        "Van: TSCP <tscp@example.org>\nVerzonden: maandag 21 december 2026 10:00\n"
        "Aan: DC Sample\nOnderwerp: ",
        "Oddi wrth: TSCP <tscp@example.org>\nAnfonwyd: 21 Rhagfyr 2026 10:00\n"
        "At: DC Sample\nPwnc: ",
        "Da: TSCP <tscp@example.org>\nInviato: luned\u00ec 21 dicembre 2026 10:00\n"
        "A: DC Sample\nOggetto: ",
        # Its "Original Message" line, and a forward's line, in those languages
        "-----Urspr\u00fcngliche Nachricht-----\nVon: TSCP\nBetreff: ",
        "-----Message d'origine-----\nDe : TSCP\nObjet : ",
        "-----Mensaje original-----\nDe: TSCP\nAsunto: ",
        "-----Oorspronkelijk bericht-----\nVan: TSCP\nOnderwerp: ",
        "-------- Neges Wreiddiol --------\nPwnc: ",
        "---------- Weitergeleitete Nachricht ---------\nVon: TSCP\nBetreff: ",
        "---------- Wiadomo\u015b\u0107 przekazana dalej ---------\nOd: TSCP\nTemat: ",
    ],
)
def test_a_quoted_header_in_another_language_ends_the_last_value(header: str) -> None:
    # Read in English only, the header and the request it quotes (naming the form's labels,
    # so the reader looked for more of the form below) were recorded as the return's answer.
    form, outside = _read(f"{HEAD}Summary: One call-out in June.\n{header}{REQUEST}")
    assert _summary(form) == "One call-out in June."
    assert "TSCP" not in str(_summary(form))
    assert "One call-out" not in outside


@pytest.mark.parametrize(
    "lines",
    [
        # A form's own lines that open with a header's word, with no From line beside them
        "Data: held by the school only\nSent: to the panel on 21/12/2026",
        "Verzonden: by post on 21/12/2026\nGesendet: by email",
    ],
)
def test_lines_with_a_header_word_but_no_from_line_go_on_with_the_value(lines: str) -> None:
    form, _ = _read(f"{HEAD}Summary: One call-out in June.\n{lines}\n\nRegards\nDC Sample")
    assert _summary(form) == f"One call-out in June.\n{lines}"
