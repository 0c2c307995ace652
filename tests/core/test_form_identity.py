"""A SIN form on a case names the case's child and incident, or another's: only values read on
both sides count, so a correction that fills gaps is never taken for another child."""

from __future__ import annotations

from datetime import date

from bot.core.form_identity import (
    ChildKey,
    FormKey,
    KnownChild,
    Recorded,
    compare,
    form_key,
    match_child,
    shared_child,
)
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
QUINN = ChildKey("date_of_birth", "2020-04-03", "Q.Z.I.")


def test_another_agency_s_form_is_looked_up_by_a_date_of_birth_with_initials_or_incident() -> None:
    assert form_key(form("Quinn Zed Invented", BORN, INCIDENT)) == FormKey((QUINN,), "2026-12-18")
    unnamed = ChildKey("date_of_birth", "2020-04-03", "")
    assert form_key(form(None, BORN, INCIDENT)) == FormKey((unnamed,), "2026-12-18")
    # No date of birth read (none given, or one that does not exist): nothing to look up.
    assert form_key(form("Quinn Zed Invented", None, INCIDENT)) is None
    # A date of birth alone is any child born that day (a twin): nothing to look up either.
    assert form_key(form(None, BORN)) is None
    assert form_key(None) is None


def _children(*children: dict[str, Field], incident: date | None = INCIDENT) -> Extraction:
    fields = {"incident_date": _field("incident_date", incident)} if incident else {}
    return Extraction("sin", fields, children, (), (), (), ())


def _child(name: str | None, **dates: date) -> dict[str, Field]:
    fields = {"child_name": _field("child_name", name)}
    return fields | {field: _field(field, value) for field, value in dates.items()}


def test_every_child_of_a_form_is_looked_up_and_an_unborn_one_by_its_expected_date() -> None:
    """Siblings: each child the form names, not only its first. An unborn child has no date
    of birth: its expected date of delivery is what two agencies' forms would agree on."""
    found = form_key(
        _children(
            _child("Quinn Zed Invented", date_of_birth=BORN),
            _child("Riley Invented", date_of_birth=date(2018, 1, 2)),
            _child("Unborn baby of Jo Invented", expected_date_of_delivery=date(2027, 2, 1)),
            _child("Sam Invented"),  # no date read: not looked up
        )
    )
    assert found == FormKey(
        (
            QUINN,
            ChildKey("date_of_birth", "2018-01-02", "R.I."),
            # Its name is its mother's: no initials of its own, found by its incident date.
            ChildKey("expected_date_of_delivery", "2027-02-01", ""),
        ),
        "2026-12-18",
    )
    assert found.dates() == ["2018-01-02", "2020-04-03", "2027-02-01"]


def _known(ref: str, name: str, born: str = "2020-04-03", **more: str) -> KnownChild:
    field = more.get("field", "date_of_birth")
    referrer = more.get("referrer", "robin.example@gmp.police.uk")
    incident = more.get("incident", "2026-12-18")
    return KnownChild(ref, date(2026, 12, 23), referrer, field, born, name, incident)


HOSPITAL = "ed.safeguarding@example.org"


def test_a_sibling_another_agency_named_second_is_found_with_its_own_initials() -> None:
    riley = ChildKey("date_of_birth", "2018-01-02", "R.I.")
    key = FormKey((riley,), "2026-12-19")  # another day: the initials must agree
    police = [_known("TSCP-2026-0001", "Riley Invented", "2018-01-02")]
    assert match_child(key, HOSPITAL, police) == (
        police[0],
        "the same child's date of birth and initials (R.I.)",
    )
    # A twin of another name, on another day, is another child.
    assert (
        match_child(key, HOSPITAL, [_known("TSCP-2026-0001", "Avery Invented", "2018-01-02")])
        is None
    )


def test_one_child_spelled_with_and_without_accents_by_two_agencies_is_one_child() -> None:
    """The police write "Élodie Łukasz Nowak", the hospital "Elodie Lukasz Nowak": on another
    day of incident, only the initials can say it is the same child, and they agree."""
    hospital = form_key(form("Elodie Lukasz Nowak", date(2018, 1, 2)))
    assert hospital is not None
    key = FormKey(hospital.children, "2026-12-19")
    police = [_known("TSCP-2026-0001", "\u00c9lodie \u0141ukasz Nowak", "2018-01-02")]
    assert match_child(key, HOSPITAL, police) == (
        police[0],
        "the same child's date of birth and initials (E.L.N.)",
    )


def test_the_same_initials_win_over_the_same_incident_then_the_newest_case() -> None:
    key = FormKey((QUINN,), "2026-12-18")
    twin = _known("TSCP-2026-0002", "Avery Invented")
    quinn = _known("TSCP-2026-0001", "INVENTED, Quinn Zed")
    assert match_child(key, HOSPITAL, [twin, quinn]) == (
        quinn,
        "the same child's date of birth, initials (Q.Z.I.) and incident date",
    )
    # Only the incident: the newest case first.
    older = _known("TSCP-2026-0001", "Avery Invented")
    newest = match_child(key, HOSPITAL, [twin, older])
    assert newest is not None and newest[0] == twin


def test_one_referrer_s_two_names_on_one_date_are_two_children() -> None:
    key = FormKey((QUINN,), "2026-12-18")
    twin = _known("TSCP-2026-0001", "Avery Invented", referrer=HOSPITAL)
    assert match_child(key, HOSPITAL, [twin]) is None
    assert match_child(key, "robin.example@gmp.police.uk", [twin]) is not None


def test_an_unborn_child_is_matched_by_its_expected_date_never_by_a_date_of_birth() -> None:
    unborn = ChildKey("expected_date_of_delivery", "2027-02-01", "J.I.")
    key = FormKey((unborn,), "2026-12-18")
    due = _known("TSCP-2026-0001", "Baby Invented", "2027-02-01", field="expected_date_of_delivery")
    assert match_child(key, HOSPITAL, [due]) == (
        due,
        "the same child's expected date of delivery and incident date (initials J.I. and I.)",
    )
    born = _known("TSCP-2026-0001", "Baby Invented", "2027-02-01")  # a child born that day
    assert match_child(key, HOSPITAL, [born]) is None


def test_what_two_forms_share_names_the_initials_never_the_date_of_birth() -> None:
    key = FormKey((ChildKey("date_of_birth", "2020-04-03", "Q.I."),), "2026-12-18")
    child = key.children[0]
    assert shared_child(key, child, "Q.I.", "2026-12-18") == (
        "the same child's date of birth, initials (Q.I.) and incident date"
    )
    assert shared_child(key, child, "Q.I.", "2026-12-19") == (
        "the same child's date of birth and initials (Q.I.)"
    )
    assert shared_child(key, child, "Q.Z.I.", "2026-12-18") == (
        "the same child's date of birth and incident date (initials Q.I. and Q.Z.I.)"
    )
    assert shared_child(key, child, "", "2026-12-18") == (
        "the same child's date of birth and incident date (initials not read on both)"
    )
