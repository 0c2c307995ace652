"""A SIN form on a case names the case's child and incident, or another's: only values read on
both sides count, so a correction that fills gaps is never taken for another child."""

from __future__ import annotations

from datetime import date

from bot.core.form_identity import Recorded, compare
from bot.core.forms import Extraction, Field

CASE: Recorded = {
    ("child:1", "child_name"): "Quinn Zed Invented",
    ("child:1", "date_of_birth"): "2020-04-03",
    ("sin", "incident_date"): "2026-12-18",
}


def _field(name: str, value: str | date | None) -> Field:
    return Field(name, value, str(value or ""), "table", 1.0)


def form(name: str | None, born: date | None, incident: date | None = None) -> Extraction:
    child = {
        "child_name": _field("child_name", name),
        "date_of_birth": _field("date_of_birth", born),
    }
    fields = {"incident_date": _field("incident_date", incident)} if incident else {}
    return Extraction("sin", fields, (child,), (), (), (), ())


def test_another_child_and_incident_differ() -> None:
    found = compare(CASE, form("Riley Yew Example", date(2019, 9, 9), date(2026, 12, 22)))
    assert found.differs == (
        "the child's name",
        "the child's date of birth",
        "the incident date",
    )
    assert not found.same_child


def test_the_same_child_written_another_way_is_the_case_s_child() -> None:
    found = compare(CASE, form("INVENTED, Quinn Zed", date(2020, 4, 3), date(2026, 12, 18)))
    assert found.differs == () and found.same_child


def test_gaps_filled_or_unread_values_are_never_a_difference() -> None:
    assert compare(CASE, form(None, None)).differs == ()
    assert compare({}, form("Riley Yew Example", date(2019, 9, 9))).differs == ()
    assert not compare({}, form("Riley Yew Example", date(2019, 9, 9))).same_child
