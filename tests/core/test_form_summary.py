"""A form that could not be read, or was not sent, is not complete: its expected fields are
all missing."""

from __future__ import annotations

from bot.adapters.vocabulary_loader import load_vocabulary
from bot.config.paths import packaged
from bot.core.doctext import DocumentText, Line
from bot.core.form_summary import expecting, required_fields, summarise, unreadable
from bot.core.forms import extract

VOCABULARY = load_vocabulary(packaged("forms"))
BODY = DocumentText("email body", (Line("email body, line 1", "Form attached."),), (), ())
REFUSED = DocumentText(
    "SIN form.docx",
    (),
    (),
    ("SIN form.docx: expands past the 50,000,000-byte limit (possible zip bomb)",),
    unread=True,
)


def test_a_refused_attachment_leaves_every_required_field_of_the_expected_form_missing() -> None:
    found = extract([BODY, REFUSED], VOCABULARY)
    assert found.form is None and found.unread == ("SIN form.docx",) and unreadable(found)
    sin = expecting(found, VOCABULARY, "sin")
    assert set(sin.missing) == required_fields(VOCABULARY, "sin") and "la_aware_date" in sin.missing
    summary = summarise(sin, VOCABULARY, "TSCP")
    assert summary is not None and not summary.complete and not summary.blank


def test_a_message_with_no_form_at_all_is_missing_every_required_field_too() -> None:
    # "Form attached." and no attachment: nothing was read, so nothing is "all read".
    found = extract([BODY], VOCABULARY)
    assert found.form is None and not unreadable(found)
    sin = expecting(found, VOCABULARY, "sin")
    assert set(sin.missing) == required_fields(VOCABULARY, "sin")
    summary = summarise(sin, VOCABULARY, "TSCP")
    assert summary is not None and not summary.complete


def test_a_recognised_form_is_left_as_it_is() -> None:
    form = DocumentText(
        "email body",
        (
            Line("email body, line 1", "Date of incident: 18/12/2026"),
            Line("email body, line 2", "Date the local authority became aware: 22/12/2026"),
        ),
        (),
        (),
    )
    found = extract([form], VOCABULARY, expected="sin")
    assert found.form == "sin" and expecting(found, VOCABULARY, "sin") == found
