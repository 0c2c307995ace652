"""Which agency an address belongs to, and the triage reason for strangers on a case."""

from __future__ import annotations

import pytest

from bot.core.agencies import KnownSenders, agency_for, parse_pattern, stranger_on_case

AGENCIES = (
    ("council", ("tameside.gov.uk",)),
    ("icb", ("nhs.net",)),
    ("oakfield-practice", ("oakfield.gp@nhs.net",)),
    ("schools", ("tameside.sch.uk",)),
    ("schools-elsewhere", ("*.sch.uk",)),
    ("probation", ("justice.gov.uk",)),
)
KNOWN = KnownSenders(
    AGENCIES,
    frozenset({"tscp@tameside.gov.uk", "scrutineer@gmail.com"}),
    bodies=frozenset({"education.gov.uk", "gmail.com"}),  # the Panel; a Scrutineer on Gmail
)


@pytest.mark.parametrize(
    ("address", "agency"),
    [
        ("a.person@tameside.gov.uk", "council"),
        ("a.person@mx.tameside.gov.uk", "council"),  # sub-domains count
        ("a.person@nottameside.gov.uk", None),  # only whole labels
        ("Oakfield.GP@NHS.net", "oakfield-practice"),  # an address beats its domain
        ("someone@nhs.net", "icb"),
        ("head@willowmere.tameside.sch.uk", "schools"),  # longer domain beats *.sch.uk
        ("head@hollins.bury.sch.uk", "schools-elsewhere"),
        ("head@a.b.c.sch.uk", "schools-elsewhere"),  # any depth
        ("nobody@sch.uk", None),  # "*." is sub-domains only
        ("officer@justice.gov.uk", "probation"),
        ("parent@gmail.com", None),
        ("not an address", None),
        ("", None),
    ],
)
def test_the_most_specific_entry_names_the_agency(address: str, agency: str | None) -> None:
    assert agency_for(address, AGENCIES) == agency


@pytest.mark.parametrize(
    ("entry", "form", "value"),
    [
        ("Tameside.gov.uk ", "domain", "tameside.gov.uk"),
        ("*.sch.uk", "subdomains", "sch.uk"),
        ("DSL@Oak.example", "address", "dsl@oak.example"),
    ],
)
def test_three_forms_of_entry(entry: str, form: str, value: str) -> None:
    pattern = parse_pattern(entry)
    assert (pattern.form, pattern.value) == (form, value)


@pytest.mark.parametrize(
    "entry", ["*.uk", "*", "sch.*.uk", "*sch.uk", "uk", ".nhs.net", "nhs..net", "a b.uk", "@x.uk"]
)
def test_entries_that_are_not_a_domain_pattern_or_address_are_refused(entry: str) -> None:
    with pytest.raises(ValueError, match=r"\*\.sch\.uk|email address"):
        parse_pattern(entry)


@pytest.mark.parametrize(
    ("address", "kind", "on_case", "reason"),
    [
        (
            "head@highfold-academy.example",
            "case_reply",
            True,
            "from an organisation not in the configuration: highfold-academy.example; "
            "add it to [[agencies]]",
        ),
        (
            "parent@gmail.com",
            "case_reply",
            True,
            "from a personal email address (gmail.com), not an agency in the configuration; "
            "if it is an agency's, add the address to that agency's domains in [[agencies]]",
        ),
        ("", "unclassified", True, "from an unreadable sender address; check who wrote it"),
        ("head@willowmere.tameside.sch.uk", "case_reply", True, None),  # an agency
        ("scrutineer@gmail.com", "case_reply", True, None),  # a configured person
        ("panel.adviser@education.gov.uk", "case_reply", True, None),  # an outside body
        ("TSCP@tameside.gov.uk", "case_reply", True, None),
        ("head@highfold-academy.example", "case_reply", False, None),  # not on a case
        ("postmaster@highfold-academy.example", "auto_reply", True, None),
        ("parent@gmail.com", "complaint", True, None),  # the public may complain
    ],
)
def test_mail_on_a_case_from_a_stranger_is_triaged_with_the_reason(
    address: str, kind: str, on_case: bool, reason: str | None
) -> None:
    assert stranger_on_case(address, kind, on_case, KNOWN) == reason
