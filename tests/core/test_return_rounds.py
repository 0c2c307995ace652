"""Naming the clocks of an agency asked again for an Appendix B it had already returned."""

from __future__ import annotations

from datetime import date

from bot.core.return_rounds import agency_of, asked_again, kept_name, request_key, request_number


def test_a_kept_request_still_belongs_to_its_agency() -> None:
    assert agency_of("appendix_b:gmp") == agency_of("appendix_b:gmp:2") == "gmp"
    assert agency_of("action:3") is None and agency_of("rapid_review") is None
    assert request_number("appendix_b:gmp:2") == 2
    assert request_number("appendix_b:gmp") is None and request_number("action:3") is None


def test_each_kept_request_gets_the_next_number() -> None:
    assert kept_name("appendix_b:gmp", ["appendix_b:gmp", "rapid_review"]) == "appendix_b:gmp:1"
    names = ["appendix_b:gmp", "appendix_b:gmp:1", "appendix_b:gmp_other:1"]
    assert kept_name("appendix_b:gmp", names) == "appendix_b:gmp:2"


def test_a_request_after_a_return_is_a_new_email_even_to_the_same_date() -> None:
    by = date(2027, 1, 5)
    assert request_key("TSCP-2026-0001", "gmp", by, 0) == "appendix-b:TSCP-2026-0001:gmp:2027-01-05"
    assert request_key("TSCP-2026-0001", "gmp", by, 1).endswith(":gmp:2027-01-05:2")


def test_the_business_manager_is_told_of_the_earlier_return() -> None:
    assert asked_again("Greater Manchester Police", date(2026, 12, 10), date(2027, 1, 5)) == (
        "Greater Manchester Police returned on Thu 10 Dec 2026; asked again; the new return is due "
        "Tue 5 Jan 2027"
    )
