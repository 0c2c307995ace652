"""England and Wales bank holidays read from the holidays package's United Kingdom module alone:
the same table as the package's own `country_holidays`, for every year the bot may count in."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import holidays
import pytest

from bot.adapters import bank_holidays, kept_holidays, passed_checks
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


def test_no_other_countrys_rules_are_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # no table kept: read from the package
    loaded = modules_after(
        "from bot.adapters.bank_holidays import england_and_wales; england_and_wales([2026])"
    )
    assert "holidays" in loaded
    assert {m for m in loaded if m.startswith("holidays.countries")} == set()


def test_a_package_that_moved_the_module_is_read_its_own_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))  # no table kept
    monkeypatch.setattr(bank_holidays, "_united_kingdom", lambda: None)
    assert england_and_wales([2026])[date(2026, 12, 25)] == "Christmas Day"


TABLE_AND_PACKAGE = (
    "import json, sys; from bot.adapters.bank_holidays import england_and_wales; "
    "table = sorted((d.isoformat(), n) for d, n in england_and_wales(range(2024, 2031)).items()); "
    "print(json.dumps([table, 'holidays' in sys.modules]))"
)


def test_a_table_kept_by_one_start_is_the_next_ones_without_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`status` and `cases` read the table without importing the package (a seventh of their
    start), once a start has read it: the same table."""
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    first, second = (_table_and_package() for _ in range(2))
    expected = holidays.country_holidays("GB", subdiv="ENG", years=list(range(2024, 2031)))
    assert first[0] == second[0] == [[d.isoformat(), n] for d, n in sorted(expected.items())]
    assert (first[1], second[1]) == (True, False)


def test_two_installs_under_one_user_each_keep_their_own_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A test install beside the live one, run by the same user: each start of either finds
    its own kept table, rather than the other's start throwing it away."""
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    other = _second_install(tmp_path / "other-site")
    assert _table_and_package()[1]  # the live install reads the package, and keeps the table
    assert _table_and_package(other)[1]  # so does the other install, from its own copy
    assert not _table_and_package()[1]  # the live install's table is still there
    assert not _table_and_package(other)[1]


def _second_install(site: Path) -> Path:
    """A copy of the installed holidays package, with its install record, in another folder."""
    package = Path(holidays.__file__).parent
    shutil.copytree(package, site / "holidays")
    for record in package.parent.glob("holidays-*.dist-info"):
        shutil.copytree(record, site / record.name)
    return site


def _table_and_package(site: Path | None = None) -> tuple[list[list[str]], bool]:
    env = dict(os.environ, PYTHONPATH=str(site)) if site is not None else None
    done = subprocess.run(
        [sys.executable, "-c", TABLE_AND_PACKAGE],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    table, package = json.loads(done.stdout)
    return [list(row) for row in table], bool(package)


def _keep_wrong_table(folder: Path, payload: bytes) -> None:
    package = kept_holidays.holidays_package()
    assert package is not None
    digest = kept_holidays.package_digest([2026], package)
    assert digest is not None
    passed_checks.keep_result(folder, kept_holidays.kept_name([2026], package), digest, payload)


@pytest.mark.parametrize(
    ("payload", "group_writable"),
    [
        (b'[["2026-12-24", "Not a bank holiday"]]', True),  # right shape, written by others
        (b'[["2026-12-24"]]', False),  # ours, but not a table of dates and names
        (b"not json", False),
    ],
)
def test_a_kept_table_not_ours_or_not_a_table_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, payload: bytes, group_writable: bool
) -> None:
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    folder = passed_checks.private_folder()
    assert folder is not None
    _keep_wrong_table(folder, payload)
    if group_writable:
        package = kept_holidays.holidays_package()
        assert package is not None
        os.chmod(folder / kept_holidays.kept_name([2026], package), 0o660)
    table = england_and_wales([2026])
    assert date(2026, 12, 24) not in table and table[date(2026, 12, 25)] == "Christmas Day"
