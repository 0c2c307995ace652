"""The form vocabulary: the packaged forms/ files load and make sense, mistakes are named."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.vocabulary_loader import load_form_file, load_vocabulary
from bot.config.paths import packaged
from bot.core.label_text import normalise_label
from bot.core.vocabulary import (
    CHRONOLOGY_COLUMNS,
    FIELD_TYPES,
    VocabularyError,
    vocabulary_from_dict,
)

FORMS = packaged("forms")


# --- The real files ---


@pytest.mark.parametrize("path", sorted(FORMS.glob("*.toml")), ids=lambda p: p.name)
def test_every_form_file_loads(path: Path) -> None:
    form = load_form_file(path)
    assert form.fields
    assert all(spec.type in FIELD_TYPES for spec in form.fields + form.child_fields)
    assert form.title_patterns


def test_the_vocabulary_has_both_forms() -> None:
    vocabulary = load_vocabulary(FORMS)
    assert set(vocabulary.forms) == {"sin", "appendix_b"}


def test_sin_fields_the_bot_relies_on() -> None:
    sin = load_vocabulary(FORMS).forms["sin"]
    names = {spec.name for spec in sin.fields}
    assert names >= {
        "referrer_name",
        "referrer_role",
        "referrer_agency",
        "referrer_email",
        "referrer_phone",
        "approver_name",
        "incident_date",
        "incident_location",
        "agency_aware_date",
        "la_aware_date",
        "child_died",
        "serious_harm",
        "abuse_or_neglect",
        "police_involved",
        "parallel_processes",
        "immediate_actions",
    }
    child = {spec.name for spec in sin.child_fields}
    assert child >= {
        "child_name",
        "date_of_birth",
        "expected_date_of_delivery",
        "sex",
        "ethnicity",
        "disability",
        "address",
        "local_authority",
        "legal_status",
    }
    required = {spec.name for spec in sin.fields if spec.required}
    assert {"referrer_email", "incident_date", "la_aware_date"} <= required
    dob = next(s for s in sin.child_fields if s.name == "date_of_birth")
    assert dob.satisfied_by == ("expected_date_of_delivery",)
    la_aware = next(s for s in sin.fields if s.name == "la_aware_date")
    assert "date LA became aware" in la_aware.labels


def test_appendix_b_fields_and_chronology() -> None:
    appendix_b = load_vocabulary(FORMS).forms["appendix_b"]
    names = {spec.name for spec in appendix_b.fields}
    assert names >= {
        "agency",
        "author_name",
        "author_role",
        "date_returned",
        "case_reference",
        "period_from",
        "period_to",
        "involved",
        "summary",
        "analysis",
        "learning",
        "immediate_actions",
        "cspr_criteria_view",
    }
    assert set(appendix_b.chronology_columns) == set(CHRONOLOGY_COLUMNS)


def test_titles_recognise_the_names_the_form_has_had() -> None:
    sin = load_vocabulary(FORMS).forms["sin"]
    for title in (
        "GM Serious Child Safeguarding Incident Notification Form",
        "Serious Child Safeguarding Case Notification",
        "Rapid Review Screening & Notification Form",
        "SSCP Screening & Notification Form",
        "GM SIN form.docx",
    ):
        assert any(p.search(title) for p in sin.title_patterns), title
    assert not any(p.search("the original sin of the system") for p in sin.title_patterns)


# --- Normalisation ---


@pytest.mark.parametrize(
    ("label", "normal"),
    [
        ("Date of Birth:", "date of birth"),
        ("3. Child's D.O.B. (if known)", "child d o b"),
        ("Date of birth (dd/mm/yyyy)*", "date of birth"),
        ("a) Child has died", "child has died"),
        ("Parents\u2019 names", "parents names"),
        ("Abuse/neglect known or suspected - please tick", "abuse neglect known or suspected"),
        ("Race, culture & identity", "race culture and identity"),
        ("Section 2: Child details", "child details"),
        ("E-mail", "e mail"),
    ],
)
def test_normalise_label(label: str, normal: str) -> None:
    assert normalise_label(label) == normal


# --- Validation ---

GOOD: dict[str, Any] = {
    "name": "demo",
    "title_patterns": ["demo form"],
    "sections": {"who": ["your details"]},
    "fields": {
        "who_name": {
            "type": "text",
            "required": True,
            "labels": ["your name"],
            "section": "who",
            "section_labels": ["name"],
        },
        "when": {"type": "date", "labels": ["date"]},
        "start": {"type": "date", "labels": ["period"], "range": "start"},
        "end": {"type": "date", "labels": ["period"], "range": "end"},
        "kind": {"type": "choice", "labels": ["kind"], "choices": {"a": ["alpha"]}},
        "seen": {"type": "tick", "patterns": ["seen( it)?"]},
    },
    "child_fields": {"child_name": {"type": "text", "labels": ["child name"]}},
    "chronology_columns": {"date": ["date"], "event": ["event"]},
    "date_order": [
        {"earlier": "start", "later": "end", "earlier_label": "start", "later_label": "end"}
    ],
}


def _with(path: str, value: object) -> dict[str, Any]:
    """GOOD with the dotted `path` set to `value` (None deletes it)."""
    data = copy.deepcopy(GOOD)
    *parents, last = path.split(".")
    target = data
    for key in parents:
        target = target[key]
    if value is None:
        del target[last]
    else:
        target[last] = value
    return data


def test_good_data_builds_a_vocabulary() -> None:
    form = vocabulary_from_dict(GOOD, "demo.toml")
    assert form.name == "demo"
    assert [s.name for s in form.fields] == ["who_name", "when", "start", "end", "kind", "seen"]
    assert form.fields[0].section_labels == ("name",)
    assert form.fields[4].choices == (("a", ("alpha",)),)
    assert form.fields[2].range == "start"
    assert form.chronology_columns["event"] == ("event",)
    assert form.title == "demo"


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("colour", "blue", "demo.toml: colour: expected one of"),
        ("name", None, "demo.toml: name: expected a non-empty string"),
        ("name", "Demo Form", "demo.toml: name: expected a lower_case_name"),
        ("fields", {}, "demo.toml: fields: expected at least one field"),
        ("fields.when.type", "number", "demo.toml: fields.when.type: expected one of"),
        ("fields.when.labels", "date", "demo.toml: fields.when.labels: expected a list"),
        ("fields.when.labels", [], "demo.toml: fields.when.labels: expected at least one label"),
        ("fields.when.labels", ["(if known)"], "demo.toml: fields.when.labels[0]: expected a"),
        ("fields.when.required", "yes", "demo.toml: fields.when.required: expected true or false"),
        ("fields.when.colour", "blue", "demo.toml: fields.when.colour: expected one of"),
        ("fields.seen.patterns", ["(unclosed"], "demo.toml: fields.seen.patterns[0]: bad regex"),
        ("fields.seen.unless", ["(unclosed"], "demo.toml: fields.seen.unless[0]: bad regex"),
        ("fields.seen.unless", "never", "demo.toml: fields.seen.unless: expected a list"),
        ("fields.who_name.section", "nowhere", "demo.toml: fields.who_name.section: expected"),
        ("fields.who_name.section", None, "demo.toml: fields.who_name.section: expected a section"),
        ("fields.kind.choices", None, "demo.toml: fields.kind.choices: expected choices"),
        ("fields.seen.choices", {"yes": ["spotted"], "no": ["unseen"]}, None),  # its own words
        ("fields.seen.choices", {"maybe": ["perhaps"]}, 'fields.seen.choices: expected only "yes"'),
        (
            "fields.when.choices",
            {"a": ["alpha"]},
            "demo.toml: fields.when.choices: expected choices",
        ),
        ("fields.when.range", "start", None),  # fine on a date field
        ("fields.kind.range", "start", "demo.toml: fields.kind.range"),
        ("fields.when.multiline", True, "demo.toml: fields.when.multiline: expected multiline"),
        ("fields.when.satisfied_by", ["nothing"], "demo.toml: fields.when.satisfied_by"),
        ("fields.kind.labels", ["Date"], "demo.toml: kind.labels: 'Date' already names when"),
        ("chronology_columns.colour", ["x"], "demo.toml: chronology_columns.colour: expected"),
        ("chronology_columns.date", None, "demo.toml: chronology_columns.date: expected a date"),
        ("date_order", [{"earlier": "kind"}], "demo.toml: date_order[0].later: expected"),
        ("title_patterns", ["[unclosed"], "demo.toml: title_patterns[0]: bad regex"),
        ("sections", ["x"], "demo.toml: sections: expected a table"),
        ("not_answers", "guidance", "demo.toml: not_answers: expected a list"),
        ("not_answers", ["(if known)"], "demo.toml: not_answers[0]: expected a label"),
        ("not_answers", ["Guidance notes"], None),
    ],
)
def test_mistakes_are_named_with_file_and_key(
    path: str, value: object, message: str | None
) -> None:
    data = _with(path, value)
    if message is None:
        vocabulary_from_dict(data, "demo.toml")
        return
    with pytest.raises(VocabularyError, match=re.escape(message)):
        vocabulary_from_dict(data, "demo.toml")


def test_date_order_names_a_date_field() -> None:
    order = {"earlier": "kind", "later": "end", "earlier_label": "a", "later_label": "b"}
    with pytest.raises(VocabularyError, match=re.escape("date_order[0].earlier: expected a date")):
        vocabulary_from_dict(_with("date_order", [order]), "demo.toml")


# --- Loader ---


def test_loader_names_the_bad_file(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('name = "a"\n[fields.x]\ntype = "text"\nlabels = ["x"]\n')
    (tmp_path / "b.toml").write_text("name = [unclosed\n")
    with pytest.raises(VocabularyError, match=r"^b\.toml: not valid TOML"):
        load_vocabulary(tmp_path)


def test_loader_refuses_two_files_with_one_name(tmp_path: Path) -> None:
    text = 'name = "a"\n[fields.x]\ntype = "text"\nlabels = ["x"]\n'
    (tmp_path / "a.toml").write_text(text)
    (tmp_path / "b.toml").write_text(text)
    with pytest.raises(VocabularyError, match=r"b\.toml: name: 'a' is already used by a\.toml"):
        load_vocabulary(tmp_path)


def test_loader_needs_a_directory_with_files(tmp_path: Path) -> None:
    with pytest.raises(VocabularyError, match="no form vocabulary files"):
        load_vocabulary(tmp_path)
    with pytest.raises(VocabularyError, match="expected a directory"):
        load_vocabulary(tmp_path / "missing")


def test_loader_reads_the_file_name_into_errors(tmp_path: Path) -> None:
    (tmp_path / "sin.toml").write_text(
        'name = "sin"\n[fields.x]\ntype = "colour"\nlabels = ["x"]\n'
    )
    with pytest.raises(VocabularyError, match=r"^sin\.toml: fields\.x\.type"):
        load_vocabulary(tmp_path)
