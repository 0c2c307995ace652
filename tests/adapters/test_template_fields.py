"""A field the bot does not give is found in every branch of a template, not only the branch
its example takes; fields the template guards, sets or loops over are not."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.adapters.template_fields import unknown_fields
from bot.adapters.templates import TemplateRenderer

FIELDS: dict[str, object] = {
    "case": {"ref": "TSCP-2026-0001", "initials": "A.B.", "agency": None},
    "received_at": date(2026, 12, 24),
    "late": False,
    "deadlines": [
        {"title": "Screening Panel meets", "due": date(2026, 12, 29), "met_on": None},
        {"title": "Rapid Review", "due": date(2027, 1, 19), "met_on": date(2027, 1, 18)},
    ],
}


def _unknown(tmp_path: Path, body: str, **pieces: str) -> list[tuple[str, int, str]]:
    (tmp_path / "ev").mkdir()
    (tmp_path / "ev" / "body.txt").write_text(body)
    for name, text in pieces.items():
        (tmp_path / f"{name}.txt").write_text(text)
    renderer = TemplateRenderer(tmp_path)
    found = unknown_fields(renderer.parsed, "ev/body.txt", FIELDS, renderer.known_names())
    return [(u.template, u.line, u.field) for u in found]


@pytest.mark.parametrize(
    ("body", "said"),
    [
        # in a branch the example does not take (late is False)
        (
            "{{ case.ref }}\n{% if late %}\n{{ late_by }}\n{% endif %}",
            [("ev/body.txt", 3, "late_by")],
        ),
        ("{% if late %}{% elif case.ref %}{% else %}{{ nope }}{% endif %}", [(..., 1, "nope")]),
        ("{% for d in deadlines %}{% else %}{{ nope }}{% endfor %}", [(..., 1, "nope")]),
        # inside an object, and inside each object a list holds
        ("{{ case.reference }}", [(..., 1, "case.reference")]),
        ("{{ case['reference'] }}", [(..., 1, "case.reference")]),
        (
            "{% for d in deadlines|sort(attribute='due') %}{{ d.owner }}{% endfor %}",
            [(..., 1, "d.owner")],
        ),
        (
            "{% set ds = deadlines %}{% for d in ds %}{{ d.owner }}{% endfor %}",
            [(..., 1, "d.owner")],
        ),
        # a guard on another field guards nothing here
        ("{% if late is defined %}{{ nope }}{% endif %}", [(..., 1, "nope")]),
        ("{{ nope.inside is defined }}", [(..., 1, "nope")]),
        ("{{ x if x is defined else nope }}", [(..., 1, "nope")]),
        # what the bot gives, and what the template makes safe itself
        ("{{ case.ref }} {{ received_at|longdate }} {{ received_at.year }}", []),
        ("{% if warnings is defined %}{{ warnings|join(', ') }}{% endif %}", []),
        ("{% if warnings is not defined %}none{% else %}{{ warnings }}{% endif %}", []),
        ("{% if case.extra is defined and case.extra %}{{ case.extra.more }}{% endif %}", []),
        ("{{ role if role is defined else 'agency' }} {{ hint|default('') }}", []),
        ("{{ (case.lead|default('-')) }} {{ warnings is defined and warnings }}", []),
        (
            "{% for d in deadlines %}{{ d.met_on if d.met_on else loop.index }}{% endfor %}",
            [],
        ),
        ("{% for k, v in case.items() %}{{ k }}{{ v.anything }}{% endfor %}", []),
        ("{% set n = namespace(x=0) %}{% set n.x = 1 %}{{ n.x }}{{ range(3)|list }}", []),
        ("{% macro m(d) %}{{ d.anything }}{% endmacro %}{{ m(case) }}", []),
        ("{% if late %}{% set when = 'now' %}{% endif %}{{ when|default('') }}", []),
        ("{% set t %}{{ case.ref }}{% endset %}{{ t }}", []),
        # a piece not there is for the render check to name, not a crash here
        ("{% if late %}{% include '_not_there.txt' %}{% endif %}", []),
        ("{% with r = case.ref %}{{ r }}{% endwith %}", []),
        ("{{ case.agency.name if case.agency else '' }}", []),
    ],
)
def test_every_branch_is_checked_against_the_fields_given(
    tmp_path: Path, body: str, said: list[tuple[object, int, str]]
) -> None:
    found = _unknown(tmp_path, body)
    assert [(line, name) for _, line, name in found] == [(line, name) for _, line, name in said]
    assert all(template == "ev/body.txt" for template, _, _ in found)


def test_a_layout_and_a_piece_are_checked_where_they_are(tmp_path: Path) -> None:
    found = _unknown(
        tmp_path,
        '{% extends "_base.txt" %}{% block b %}{% set r = case.ref %}'
        '{% include "_piece.txt" %}{% endblock %}',
        _base="{% block b %}{% endblock %}\n{% if late %}{{ footer_note }}{% endif %}",
        _piece="{{ r }} {{ case.owner }}",
    )
    assert found == [("_base.txt", 2, "footer_note"), ("_piece.txt", 1, "case.owner")]
