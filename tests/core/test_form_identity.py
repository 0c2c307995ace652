"""A SIN form on a case names the case's child and incident, or another's: only values read on
both sides count, so a correction that fills gaps is never taken for another child."""

from __future__ import annotations

from datetime import date

from bot.core.form_identity import ChildKey, Recorded, child_key, compare, shared_child
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


BORN, INCIDENT = date(2020, 4, 3), date(2026, 12, 18)


def test_another_agency_s_form_is_looked_up_by_a_date_of_birth_with_initials_or_incident() -> None:
    assert child_key(form("Quinn Zed Invented", BORN, INCIDENT)) == ChildKey(
        "2020-04-03", "Q.Z.I.", "2026-12-18"
    )
    assert child_key(form(None, BORN, INCIDENT)) == ChildKey("2020-04-03", "", "2026-12-18")
    # No date of birth read (none given, or one that does not exist): nothing to look up.
    assert child_key(form("Quinn Zed Invented", None, INCIDENT)) is None
    # A date of birth alone is any child born that day (a twin): nothing to look up either.
    assert child_key(form(None, BORN)) is None
    assert child_key(None) is None


def test_what_two_forms_share_names_the_initials_never_the_date_of_birth() -> None:
    key = ChildKey("2020-04-03", "Q.I.", "2026-12-18")
    assert shared_child(key, "Q.I.", "2026-12-18") == (
        "the same child's date of birth, initials (Q.I.) and incident date"
    )
    assert shared_child(key, "Q.I.", "2026-12-19") == (
        "the same child's date of birth and initials (Q.I.)"
    )
    assert shared_child(key, "Q.Z.I.", "2026-12-18") == (
        "the same child's date of birth and incident date (initials Q.I. and Q.Z.I.)"
    )
    assert shared_child(key, "", "2026-12-18") == (
        "the same child's date of birth and incident date (initials not read on both)"
    )
