"""England and Wales bank holidays read from the holidays package's United Kingdom module alone:
the same table as the package's own `country_holidays`, for every year the bot may count in."""

from __future__ import annotations

from datetime import date

import holidays
import pytest

from bot.adapters import bank_holidays
from bot.adapters.bank_holidays import england_and_wales, working_calendar
from bot.core.working_days import build_calendar
from tests.fixtures.fresh_python import modules_after

YEARS = range(1995, 2046)


def test_the_table_is_the_packages_own_for_fifty_years() -> None:
    expected = dict(holidays.country_holidays("GB", subdiv="ENG", years=list(YEARS)).items())
    assert england_and_wales(YEARS) == expected
    assert england_and_wales(YEARS)[date(2026, 12, 28)] == "Boxing Day (observed)"


def test_a_calendar_built_from_it_is_the_calendar_built_the_packages_way() -> None:
    years = range(2024, 2031)
    table = holidays.country_holidays("GB", subdiv="ENG", years=list(years))
    assert working_calendar(years) == build_calendar(years, dict(table.items()))
    assert working_calendar(years).closed[date(2026, 12, 28)] == "Boxing Day (substitute day)"


def test_a_year_the_package_has_no_bank_holidays_for_is_not_counted_in() -> None:
    # Counted, Christmas Day 2101 would be a working day: a confident wrong date.
    assert working_calendar(range(2099, 2103)).years == {2099, 2100}
    with pytest.raises(bank_holidays.NoBankHolidays, match="2125-2128"):
        working_calendar(range(2125, 2129))


def test_no_other_countrys_rules_are_loaded() -> None:
    loaded = modules_after(
        "from bot.adapters.bank_holidays import england_and_wales; england_and_wales([2026])"
    )
    assert "holidays" in loaded
    assert {m for m in loaded if m.startswith("holidays.countries")} == set()


def test_a_package_that_moved_the_module_is_read_its_own_way(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bank_holidays, "_united_kingdom", lambda: None)
    assert england_and_wales([2026])[date(2026, 12, 25)] == "Christmas Day"
